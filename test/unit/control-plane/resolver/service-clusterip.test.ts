import { resolveNetworkPolicies, serviceClusterIpPorts } from '#engine/control-plane/resolver/index';
import type { Pod, Service } from '#engine/model/kubernetes';
import { inventory, namespace, networkPolicy, pod, service } from './builders';

function egressOf(to: unknown[], ports: unknown[] | undefined, services: Service[], pods: Pod[] = []) {
  const cluster = inventory({
    namespaces: [namespace('ns'), namespace('svc')],
    pods,
    services,
    networkPolicies: [networkPolicy('ns', 'np', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to, ports }] })],
  });
  return resolveNetworkPolicies(cluster)[0]?.egress ?? [];
}

const inSvc = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'svc' } } };
const clusterIps = (entries: readonly { cidr?: string }[]) => entries.map((entry) => entry.cidr);

describe('§2.6 which Services are matched', () => {
  const services = [
    service('svc', 'web', { clusterIP: '172.20.0.1', selector: { app: 'web' }, ports: [{ port: 80 }] }),
    service('svc', 'no-selector', { clusterIP: '172.20.0.2', ports: [{ port: 80 }] }),
    service('svc', 'headless', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] }),
    service('svc', 'external', { type: 'ExternalName', selector: { app: 'web' }, ports: [{ port: 80 }] }),
    service('svc', 'subset', { clusterIP: '172.20.0.3', selector: { app: 'web' }, ports: [{ port: 80 }] }),
    service('svc', 'superset', {
      clusterIP: '172.20.0.4',
      selector: { app: 'web', tier: 'fe', zone: 'a' },
      ports: [{ port: 80 }],
    }),
    service('ns', 'local', { clusterIP: '172.20.0.5', ports: [{ port: 80 }] }),
  ];

  it('matches every non-headless Service of the namespace for a namespace-only peer, selector-less included', () => {
    // Act
    const egress = egressOf([inSvc], undefined, services);

    // Assess
    expect(clusterIps(egress)).toEqual(['172.20.0.1', '172.20.0.2', '172.20.0.3', '172.20.0.4']);
    expect(egress[0]).toEqual({ cidr: '172.20.0.1' });
  });

  it('matches the peer podSelector against the Service selector as a label set: a subset selector does not match', () => {
    // Act
    const egress = egressOf(
      [{ ...inSvc, podSelector: { matchLabels: { app: 'web', tier: 'fe' } } }],
      undefined,
      services,
    );

    // Assess
    expect(clusterIps(egress)).toEqual(['172.20.0.4']);
  });

  it('evaluates matchExpressions against the Service selector and ignores the pods', () => {
    // Prepare
    const pods = [pod('svc', 'web-1', { ip: '10.0.0.1', labels: { app: 'web', tier: 'fe' } })];

    // Act
    const egress = egressOf(
      [{ ...inSvc, podSelector: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } }],
      undefined,
      services,
      pods,
    );

    // Assess
    expect(clusterIps(egress)).toEqual(['172.20.0.4']);
  });

  it('uses podSelector {} in the policy namespace when namespaceSelector is absent', () => {
    // Act
    const egress = egressOf([{ podSelector: {} }], undefined, services);

    // Assess
    expect(clusterIps(egress)).toEqual(['172.20.0.5']);
  });

  it('uses only the primary clusterIP', () => {
    // Prepare
    const dual = [
      service('svc', 'dual', { clusterIP: '172.20.0.9', clusterIPs: ['172.20.0.9', 'fd00::9'], ports: [{ port: 80 }] }),
    ];

    // Act
    const egress = egressOf([inSvc], undefined, dual);

    // Assess
    expect(egress).toEqual([{ cidr: '172.20.0.9' }]);
  });
});

describe('§2.6 Service port mapping', () => {
  const backend = (
    ports: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[],
    name = 'be-1',
    labels = { app: 'be' },
  ) => pod('svc', name, { ip: '10.0.0.1', labels, ports });

  it('maps a rule port directly to the listen port whose int targetPort equals it', () => {
    // Prepare
    const services = [
      service('svc', 's', {
        clusterIP: '172.20.0.1',
        selector: { app: 'be' },
        ports: [{ port: 80, targetPort: 8080 }],
      }),
    ];

    // Act
    const egress = egressOf([inSvc], [{ port: 8080 }], services);

    // Assess
    expect(egress).toContainEqual({ cidr: '172.20.0.1', ports: [{ protocol: 'TCP', port: 80 }] });
  });

  it('defaults targetPort to port and protocol to TCP, and requires the same protocol', () => {
    // Prepare
    const services = [
      service('svc', 's', { clusterIP: '172.20.0.1', ports: [{ port: 53, protocol: 'UDP' }, { port: 80 }] }),
    ];

    // Act
    const egress = egressOf([inSvc], [{ protocol: 'TCP', port: 53 }, { port: 80 }], services);

    // Assess
    expect(egress).toEqual([{ cidr: '172.20.0.1', ports: [{ protocol: 'TCP', port: 80 }] }]);
  });

  it('maps a numeric rule port through a selected pod when the targetPort is a name', () => {
    // Prepare
    const services = [
      service('svc', 's', {
        clusterIP: '172.20.0.1',
        selector: { app: 'be' },
        ports: [{ port: 80, targetPort: 'web' }],
      }),
    ];
    const pods = [backend([{ name: 'web', containerPort: 8080 }])];

    // Act
    const egress = egressOf([inSvc], [{ port: 8080 }], services, pods);

    // Assess
    expect(egress).toContainEqual({ cidr: '172.20.0.1', ports: [{ protocol: 'TCP', port: 80 }] });
  });

  it('maps a named rule port directly to a string targetPort, and through the pod to an int targetPort', () => {
    // Prepare
    const services = [
      service('svc', 'named', {
        clusterIP: '172.20.0.1',
        selector: { app: 'be' },
        ports: [{ port: 81, targetPort: 'web' }],
      }),
      service('svc', 'numbered', {
        clusterIP: '172.20.0.2',
        selector: { app: 'be' },
        ports: [{ port: 82, targetPort: 8080 }],
      }),
    ];
    const pods = [backend([{ name: 'web', containerPort: 8080 }])];

    // Act
    const egress = egressOf([inSvc], [{ port: 'web' }], services, pods);

    // Assess
    expect(egress).toEqual([
      { cidr: '10.0.0.1', ports: [{ protocol: 'TCP', port: 8080 }] },
      { cidr: '172.20.0.1', ports: [{ protocol: 'TCP', port: 81 }] },
      { cidr: '172.20.0.2', ports: [{ protocol: 'TCP', port: 82 }] },
    ]);
  });

  it('scans selected pods regardless of readiness and lets the first pod with a match win', () => {
    // Prepare
    const services = [
      service('svc', 's', {
        clusterIP: '172.20.0.1',
        selector: { app: 'be' },
        ports: [
          { port: 81, targetPort: 8081 },
          { port: 82, targetPort: 8082 },
        ],
      }),
    ];
    const pods = [
      pod('svc', 'none', { labels: { app: 'be' }, phase: 'Failed', ports: [{ name: 'web', containerPort: 8082 }] }),
      backend([{ name: 'web', containerPort: 8081 }], 'second'),
    ];

    // Act
    const egress = egressOf(
      [{ ...inSvc, podSelector: { matchLabels: { app: 'be' } } }],
      [{ port: 'web' }],
      services,
      pods,
    );

    // Assess
    expect(egress).toContainEqual({ cidr: '172.20.0.1', ports: [{ protocol: 'TCP', port: 82 }] });
  });

  it('adds no entry when no rule port maps, and skips only the unmapped ports otherwise', () => {
    // Prepare
    const services = [
      service('svc', 's', {
        clusterIP: '172.20.0.1',
        selector: { app: 'be' },
        ports: [{ port: 80, targetPort: 8080 }],
      }),
    ];

    // Act
    const none = egressOf([inSvc], [{ port: 9090 }], services);
    const some = egressOf([inSvc], [{ port: 9090 }, { port: 8080 }], services);

    // Assess
    expect(none).toEqual([]);
    expect(some).toEqual([{ cidr: '172.20.0.1', ports: [{ protocol: 'TCP', port: 80 }] }]);
  });

  it('copies the rule endPort verbatim onto the listen port (broadening) and keeps protocol-only ports', () => {
    // Prepare
    const services = [service('svc', 's', { clusterIP: '172.20.0.1', ports: [{ port: 80, targetPort: 8080 }] })];

    // Act
    const egress = egressOf([inSvc], [{ port: 8080, endPort: 8090 }, { protocol: 'UDP' }], services);

    // Assess
    expect(egress).toEqual([
      { cidr: '172.20.0.1', ports: [{ protocol: 'TCP', port: 80, endPort: 8090 }, { protocol: 'UDP' }] },
    ]);
  });

  it('keeps duplicate ports when two rule ports map to the same listen port', () => {
    // Prepare
    const services = [
      service('svc', 's', {
        clusterIP: '172.20.0.1',
        selector: { app: 'be' },
        ports: [{ port: 80, targetPort: 'web' }],
      }),
    ];
    const pods = [backend([{ name: 'web', containerPort: 8080 }])];

    // Act
    const egress = egressOf(
      [{ ...inSvc, podSelector: { matchLabels: { app: 'nomatch-pods' } } }, inSvc],
      [{ port: 'web' }, { port: 8080 }],
      services,
      pods,
    );

    // Assess
    expect(egress).toContainEqual({
      cidr: '172.20.0.1',
      ports: [
        { protocol: 'TCP', port: 80 },
        { protocol: 'TCP', port: 80 },
      ],
    });
  });
});

describe('§2.6 named-targetPort bypass guard (v1.1.5+/v1.1.6)', () => {
  const svc = service('svc', 's', {
    clusterIP: '172.20.0.1',
    selector: { app: 'be' },
    ports: [
      { port: 80, targetPort: 'web' },
      { port: 9000, targetPort: 9000 },
    ],
  });
  const webOn = (name: string, containerPort: number) =>
    pod('svc', name, { labels: { app: 'be' }, ports: [{ name: 'web', containerPort }] });

  it('keeps the port when every selected pod resolves the name to an allowed port', () => {
    // Act
    const mappings = serviceClusterIpPorts(
      svc,
      [{ protocol: 'TCP', port: 8080 }],
      [webOn('a', 8080), webOn('b', 8080)],
    );

    // Assess
    expect(mappings).toEqual([
      {
        outcome: 'mapped',
        via: 'pod-scan',
        rulePort: { protocol: 'TCP', port: 8080 },
        port: { protocol: 'TCP', port: 80 },
      },
    ]);
  });

  it('skips the port when any selected pod (ready or not) resolves the name to a port the rule does not allow', () => {
    // Act
    const mappings = serviceClusterIpPorts(
      svc,
      [{ protocol: 'TCP', port: 8080 }],
      [webOn('a', 8080), webOn('b', 9090)],
    );

    // Assess
    expect(mappings[0]).toMatchObject({ outcome: 'bypass-guard', pod: 'b', containerPort: 9090 });
  });

  it('accepts ports inside a rule range or under a protocol-only entry, and ignores named rule ports', () => {
    // Prepare
    const pods = [webOn('a', 8080), webOn('b', 8085)];

    // Act
    const ranged = serviceClusterIpPorts(svc, [{ protocol: 'TCP', port: 8080, endPort: 8090 }], pods);
    const protocolOnly = serviceClusterIpPorts(svc, [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP' }], pods);
    const named = serviceClusterIpPorts(
      svc,
      [
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 'web' },
      ],
      pods,
    );

    // Assess
    expect(ranged[0]?.outcome).toBe('mapped');
    expect(protocolOnly[0]?.outcome).toBe('mapped');
    expect(named[0]?.outcome).toBe('bypass-guard');
    expect(named[1]?.outcome).toBe('mapped');
  });

  it('resolves the targetPort name to the first matching container port only', () => {
    // Prepare
    const multi = pod('svc', 'm', {
      labels: { app: 'be' },
      containers: [
        { name: 'a', ports: [{ name: 'web', containerPort: 8080 }] },
        { name: 'b', ports: [{ name: 'web', containerPort: 9999 }] },
      ],
    });

    // Act
    const mappings = serviceClusterIpPorts(svc, [{ protocol: 'TCP', port: 8080 }], [multi]);

    // Assess
    expect(mappings[0]?.outcome).toBe('mapped');
  });

  it('does not guard int targetPorts or named rule ports', () => {
    // Prepare
    const pods = [webOn('a', 8080), webOn('b', 9090)];

    // Act
    const numeric = serviceClusterIpPorts(svc, [{ protocol: 'TCP', port: 9000 }], pods);
    const named = serviceClusterIpPorts(svc, [{ protocol: 'TCP', port: 'web' }], pods);

    // Assess
    expect(numeric[0]).toMatchObject({ outcome: 'mapped', via: 'direct', port: { port: 9000 } });
    expect(named[0]).toMatchObject({ outcome: 'mapped', via: 'direct', port: { port: 80 } });
  });
});
