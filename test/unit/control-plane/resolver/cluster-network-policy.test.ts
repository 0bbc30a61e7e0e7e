import { resolveClusterNetworkPolicies } from '#engine/control-plane/resolver/index';
import { clusterNetworkPolicy, inventory, namespace, pod, service } from './builders';

const prodSelector = { matchLabels: { env: 'prod' } };

function resolveCnp(spec: Record<string, unknown>) {
  const cluster = inventory({
    namespaces: [namespace('a', { env: 'prod' }), namespace('b', { env: 'prod' }), namespace('c')],
    pods: [
      pod('a', 'web', { ip: '10.0.0.1', labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('b', 'db', { ip: '10.0.0.2', labels: { app: 'db' } }),
      pod('b', 'host', { ip: '192.168.0.1', labels: { app: 'db' }, hostNetwork: true }),
      pod('c', 'other', { ip: '10.0.0.3', labels: { app: 'web' } }),
    ],
    services: [service('b', 'db', { clusterIP: '172.20.0.2', selector: { app: 'db' }, ports: [{ port: 5432 }] })],
    clusterNetworkPolicies: [clusterNetworkPolicy('cnp', { tier: 'Admin', priority: 10, ...spec })],
  });
  const [resolved] = resolveClusterNetworkPolicies(cluster);
  if (resolved === undefined) throw new Error('no policy resolved');
  return resolved;
}

describe('§2.14 ClusterNetworkPolicy', () => {
  it('selects subject pods of every matching namespace, hostNetwork excluded, and copies tier/priority/subject', () => {
    // Act
    const resolved = resolveCnp({ subject: { namespaces: prodSelector } });

    // Assess
    expect(resolved).toEqual({
      policyRef: { name: 'cnp' },
      tier: 'Admin',
      priority: 10,
      subject: { namespaces: prodSelector },
      podSelectorEndpoints: [
        { hostIP: '', podIP: '10.0.0.1', name: 'web', namespace: 'a' },
        { hostIP: '', podIP: '10.0.0.2', name: 'db', namespace: 'b' },
      ],
      ingress: [],
      egress: [],
    });
  });

  it('selects subject pods by namespaceSelector and podSelector', () => {
    // Act
    const resolved = resolveCnp({
      subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } } },
    });

    // Assess
    expect(resolved.podSelectorEndpoints.map((endpoint) => endpoint.name)).toEqual(['web', 'other']);
  });

  it('converts namespaces, pods and networks peers and portNumber/portRange, tagging entries with the action', () => {
    // Act
    const resolved = resolveCnp({
      subject: { namespaces: {} },
      ingress: [
        { action: 'Deny', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] },
        {
          action: 'Accept',
          from: [{ pods: { namespaceSelector: prodSelector, podSelector: { matchLabels: { app: 'web' } } } }],
          ports: [
            { portNumber: { protocol: 'TCP', port: 80 } },
            { portRange: { protocol: 'UDP', start: 1000, end: 2000 } },
          ],
        },
      ],
      egress: [{ action: 'Pass', to: [{ networks: ['10.1.0.0/16', '0.0.0.0/0'] }] }],
    });

    // Assess
    expect(resolved.ingress).toEqual([
      {
        cidr: '10.0.0.1',
        action: 'Accept',
        ports: [
          { protocol: 'TCP', port: 80 },
          { protocol: 'UDP', port: 1000, endPort: 2000 },
        ],
      },
      { cidr: '10.0.0.3', action: 'Deny' },
    ]);
    expect(resolved.egress).toEqual([
      { cidr: '0.0.0.0/0', action: 'Pass' },
      { cidr: '10.1.0.0/16', action: 'Pass' },
    ]);
  });

  it('adds Service ClusterIPs and hostNetwork peers for egress namespace peers', () => {
    // Act
    const resolved = resolveCnp({
      subject: { namespaces: {} },
      egress: [
        {
          action: 'Accept',
          to: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }],
          ports: [{ portNumber: { protocol: 'TCP', port: 5432 } }],
        },
      ],
    });

    // Assess
    const ports = [{ protocol: 'TCP', port: 5432 }];
    expect(resolved.egress).toEqual([
      { cidr: '10.0.0.2', action: 'Accept', ports },
      { cidr: '172.20.0.2', action: 'Accept', ports },
      { cidr: '192.168.0.1', action: 'Accept', ports },
    ]);
  });

  it('emits domainNames for Accept and Pass only, with namedPort ignored', () => {
    // Act
    const resolved = resolveCnp({
      subject: { namespaces: {} },
      egress: [
        {
          action: 'Accept',
          to: [{ domainNames: ['a.example.com'] }],
          ports: [{ portNumber: { protocol: 'TCP', port: 443 } }, { namedPort: 'https' }],
        },
        { action: 'Pass', to: [{ domainNames: ['b.example.com'] }] },
        { action: 'Deny', to: [{ domainNames: ['c.example.com'] }] },
      ],
    });

    // Assess
    expect(resolved.egress).toEqual([
      { domainName: 'a.example.com', action: 'Accept', ports: [{ protocol: 'TCP', port: 443 }] },
      { domainName: 'b.example.com', action: 'Pass' },
    ]);
    expect(resolved.problems).toBeUndefined();
  });

  it('removes duplicates by (cidr, action, protocol:port) ignoring endPort', () => {
    // Act
    const resolved = resolveCnp({
      subject: { namespaces: {} },
      egress: [
        {
          action: 'Accept',
          to: [{ networks: ['10.0.0.0/8'] }],
          ports: [{ portRange: { protocol: 'TCP', start: 80, end: 90 } }],
        },
        {
          action: 'Accept',
          to: [{ networks: ['10.0.0.0/8'] }],
          ports: [{ portNumber: { protocol: 'TCP', port: 80 } }],
        },
        { action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }], ports: [{ portNumber: { protocol: 'TCP', port: 80 } }] },
      ],
    });

    // Assess (order: cidr, except, ports, then action)
    expect(resolved.egress).toEqual([
      { cidr: '10.0.0.0/8', action: 'Deny', ports: [{ protocol: 'TCP', port: 80 }] },
      { cidr: '10.0.0.0/8', action: 'Accept', ports: [{ protocol: 'TCP', port: 80, endPort: 90 }] },
    ]);
  });

  it('reports namedPort on the NP code path as a controller panic instead of throwing', () => {
    // Act
    const resolved = resolveCnp({
      subject: { namespaces: {} },
      ingress: [{ action: 'Accept', from: [{ namespaces: {} }], ports: [{ namedPort: 'http' }] }],
    });

    // Assess
    expect(resolved.problems).toHaveLength(1);
    expect(resolved.problems?.[0]).toMatch(/ingress rule #1 uses namedPort.*panics/);
  });
});
