import { resolveNetworkPolicies } from '#engine/control-plane/resolver/index';
import type { Pod } from '#engine/model/kubernetes';
import { inventory, namespace, networkPolicy, pod } from './builders';

const httpPort = [{ name: 'http', containerPort: 8080, protocol: 'TCP' as const }];

function ingressOf(ingress: unknown[], pods: Pod[] = [], podSelector: unknown = { matchLabels: { app: 'api' } }) {
  const cluster = inventory({
    namespaces: [namespace('ns', { team: 'x' }), namespace('other', { team: 'x' }), namespace('third')],
    pods,
    networkPolicies: [networkPolicy('ns', 'np', { podSelector, ingress })],
  });
  return resolveNetworkPolicies(cluster)[0]?.ingress;
}

describe('§2.4 ingress peers', () => {
  it('turns a rule without from (or with from: []) into 0.0.0.0/0 and ::/0 with the rule ports', () => {
    // Prepare
    const rules = [{ ports: [{ port: 443 }] }, { from: [], ports: [{ protocol: 'UDP', port: 53 }] }];

    // Act
    const ingress = ingressOf(rules);

    // Assess (missing protocol defaulted to TCP)
    expect(ingress).toEqual([
      { cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 443 }] },
      { cidr: '0.0.0.0/0', ports: [{ protocol: 'UDP', port: 53 }] },
      { cidr: '::/0', ports: [{ protocol: 'TCP', port: 443 }] },
      { cidr: '::/0', ports: [{ protocol: 'UDP', port: 53 }] },
    ]);
  });

  it('copies ipBlock cidr and except verbatim, and does not add ::/0 for an ipBlock of 0.0.0.0/0', () => {
    // Prepare
    const rules = [
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] },
      {
        from: [{ ipBlock: { cidr: '10.0.0.1/8', except: ['10.9.0.0/16', '10.1.0.0/16'] } }],
        ports: [{ protocol: 'TCP', port: 80, endPort: 90 }],
      },
    ];

    // Act
    const ingress = ingressOf(rules);

    // Assess
    expect(ingress).toEqual([
      { cidr: '0.0.0.0/0' },
      {
        cidr: '10.0.0.1/8',
        except: ['10.9.0.0/16', '10.1.0.0/16'],
        ports: [{ protocol: 'TCP', port: 80, endPort: 90 }],
      },
    ]);
  });

  it('resolves podSelector peers in the policy namespace when namespaceSelector is absent', () => {
    // Prepare
    const pods = [
      pod('ns', 'c1', { ip: '10.0.0.1', labels: { role: 'client' } }),
      pod('other', 'c2', { ip: '10.0.0.2', labels: { role: 'client' } }),
    ];

    // Act
    const ingress = ingressOf([{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }], pods);

    // Assess
    expect(ingress).toEqual([{ cidr: '10.0.0.1' }]);
  });

  it('resolves namespaceSelector {} to all namespaces and a labelled selector to matching namespaces only', () => {
    // Prepare
    const pods = [
      pod('ns', 'c1', { ip: '10.0.0.1' }),
      pod('other', 'c2', { ip: '10.0.0.2' }),
      pod('third', 'c3', { ip: '10.0.0.3' }),
    ];

    // Act
    const all = ingressOf([{ from: [{ namespaceSelector: {} }] }], pods);
    const team = ingressOf([{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] }], pods);

    // Assess
    expect(all?.map((entry) => entry.cidr)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(team?.map((entry) => entry.cidr)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('keeps hostNetwork peers (their node IP) but drops terminal and IP-less peers', () => {
    // Prepare
    const pods = [
      pod('ns', 'host', { ip: '192.168.0.5', hostNetwork: true }),
      pod('ns', 'done', { ip: '10.0.0.7', phase: 'Succeeded' }),
      pod('ns', 'noip', {}),
    ];

    // Act
    const ingress = ingressOf([{ from: [{ podSelector: {} }] }], pods);

    // Assess
    expect(ingress).toEqual([{ cidr: '192.168.0.5' }]);
  });
});

describe('§2.4 ingress port resolution', () => {
  it('resolves a named port against the destination pods, not the source pods', () => {
    // Prepare
    const pods = [
      pod('ns', 'api', { ip: '10.0.0.1', labels: { app: 'api' }, ports: httpPort }),
      pod('ns', 'client', {
        ip: '10.0.0.2',
        labels: { role: 'client' },
        ports: [{ name: 'http', containerPort: 9999 }],
      }),
    ];

    // Act
    const ingress = ingressOf(
      [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
      pods,
    );

    // Assess
    expect(ingress).toEqual([{ cidr: '10.0.0.2', ports: [{ protocol: 'TCP', port: 8080 }] }]);
  });

  it('unions named-port resolutions over destination pods, deduplicated, with numeric ports and endPort kept', () => {
    // Prepare
    const pods = [
      pod('ns', 'api-1', { ip: '10.0.0.1', labels: { app: 'api' }, ports: httpPort }),
      pod('ns', 'api-2', { ip: '10.0.0.2', labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('ns', 'api-3', { ip: '10.0.0.3', labels: { app: 'api' }, ports: httpPort }),
    ];

    // Act
    const ingress = ingressOf(
      [
        {
          from: [{ ipBlock: { cidr: '10.1.0.0/16' } }],
          ports: [
            { protocol: 'TCP', port: 'http' },
            { protocol: 'TCP', port: 443 },
          ],
        },
      ],
      pods,
    );

    // Assess
    expect(ingress).toEqual([
      {
        cidr: '10.1.0.0/16',
        ports: [
          { protocol: 'TCP', port: 8080 },
          { protocol: 'TCP', port: 443 },
          { protocol: 'TCP', port: 9090 },
        ],
      },
    ]);
  });

  it('matches named ports on name and protocol, taking the first container port in declaration order', () => {
    // Prepare
    const pods = [
      pod('ns', 'api', {
        ip: '10.0.0.1',
        labels: { app: 'api' },
        containers: [
          { name: 'a', ports: [{ name: 'http', containerPort: 7000, protocol: 'UDP' }] },
          { name: 'b', ports: [{ name: 'http', containerPort: 7001 }] },
          { name: 'c', ports: [{ name: 'http', containerPort: 7002 }] },
        ],
      }),
    ];

    // Act
    const ingress = ingressOf([{ ports: [{ port: 'http' }] }], pods);

    // Assess
    expect(ingress?.[0]).toEqual({ cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 7001 }] });
  });

  it('drops the whole rule when ports are listed but the named port resolves on no ready destination pod', () => {
    // Prepare
    const pods = [
      pod('ns', 'api', { ip: '10.0.0.1', labels: { app: 'api' } }),
      pod('ns', 'api-done', { ip: '10.0.0.2', labels: { app: 'api' }, ports: httpPort, phase: 'Succeeded' }),
    ];

    // Act
    const ingress = ingressOf(
      [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
      pods,
    );

    // Assess
    expect(ingress).toEqual([]);
  });

  it('drops numeric ports too when the rule has a named port and there is no ready destination pod', () => {
    // Act
    const ingress = ingressOf(
      [
        {
          ports: [
            { protocol: 'TCP', port: 'http' },
            { protocol: 'TCP', port: 80 },
          ],
        },
      ],
      [],
    );

    // Assess
    expect(ingress).toEqual([]);
  });

  it('converts numeric-only rules directly even with no ready destination pod (v1.1.7)', () => {
    // Prepare
    const pods = [pod('ns', 'client', { ip: '10.0.0.2' })];

    // Act
    const ingress = ingressOf(
      [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'SCTP' }] }],
      pods,
    );

    // Assess
    expect(ingress).toEqual([{ cidr: '10.0.0.2', ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'SCTP' }] }]);
  });

  it('counts hostNetwork destination pods for named-port resolution', () => {
    // Prepare
    const pods = [pod('ns', 'api', { ip: '192.168.0.1', labels: { app: 'api' }, hostNetwork: true, ports: httpPort })];

    // Act
    const ingress = ingressOf([{ ports: [{ protocol: 'TCP', port: 'http' }] }], pods);

    // Assess
    expect(ingress).toHaveLength(2);
    expect(ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
  });

  it('keeps duplicate ports of a numeric-only rule as written', () => {
    // Act
    const ingress = ingressOf([{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 80 }, { port: 80 }] }]);

    // Assess
    expect(ingress).toEqual([
      {
        cidr: '10.0.0.0/8',
        ports: [
          { protocol: 'TCP', port: 80 },
          { protocol: 'TCP', port: 80 },
        ],
      },
    ]);
  });
});
