import { resolveNetworkPolicies } from '#engine/control-plane/resolver/index';
import { applicationNetworkPolicy, inventory, namespace, networkPolicy, pod, service } from './builders';

function resolveAnp(spec: unknown) {
  const cluster = inventory({
    namespaces: [namespace('ns')],
    pods: [
      pod('ns', 'app', { ip: '10.0.0.1', labels: { app: 'a' }, ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('ns', 'db', { ip: '10.0.0.2', labels: { app: 'db' } }),
    ],
    services: [service('ns', 'db', { clusterIP: '172.20.0.2', selector: { app: 'db' }, ports: [{ port: 5432 }] })],
    applicationNetworkPolicies: [applicationNetworkPolicy('ns', 'anp', spec)],
  });
  const [resolved] = resolveNetworkPolicies(cluster);
  if (resolved === undefined) throw new Error('no policy resolved');
  return resolved;
}

describe('§2.13 ApplicationNetworkPolicy', () => {
  it('emits one entry per domain with protocol defaulted to TCP and named ports widened to the whole protocol', () => {
    // Act
    const resolved = resolveAnp({
      podSelector: { matchLabels: { app: 'a' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ domainNames: ['api.example.com', '*.example.org'] }],
          ports: [{ port: 443 }, { protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 8000, endPort: 8100 }],
        },
        { to: [{ domainNames: ['all.example.net'] }] },
      ],
    });

    // Assess
    const ports = [{ protocol: 'TCP', port: 443 }, { protocol: 'UDP' }, { protocol: 'TCP', port: 8000, endPort: 8100 }];
    expect(resolved.kind).toBe('ApplicationNetworkPolicy');
    expect(resolved.egress).toEqual([
      { domainName: '*.example.org', ports },
      { domainName: 'all.example.net' },
      { domainName: 'api.example.com', ports },
    ]);
    expect(resolved.problems).toBeUndefined();
  });

  it('resolves non-domain peers of a mixed rule with the NP algorithm, Service ClusterIPs included', () => {
    // Act
    const resolved = resolveAnp({
      podSelector: { matchLabels: { app: 'a' } },
      egress: [
        {
          to: [{ domainNames: ['x.example.com'] }, { podSelector: { matchLabels: { app: 'db' } } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ],
    });

    // Assess
    const ports = [{ protocol: 'TCP', port: 5432 }];
    expect(resolved.egress).toEqual([
      { cidr: '10.0.0.2', ports },
      { cidr: '172.20.0.2', ports },
      { domainName: 'x.example.com', ports },
    ]);
  });

  it('produces nothing for an egress rule without to (allow-all is lost), unlike a NetworkPolicy', () => {
    // Prepare
    const spec = { podSelector: {}, egress: [{ ports: [{ protocol: 'TCP', port: 443 }] }] };
    const cluster = inventory({ networkPolicies: [networkPolicy('ns', 'np', spec)] });

    // Act
    const anp = resolveAnp(spec);
    const [np] = resolveNetworkPolicies(cluster);

    // Assess
    expect(anp.egress).toEqual([]);
    expect(np?.egress).toHaveLength(2);
  });

  it('resolves ingress and podSelectorEndpoints like a NetworkPolicy, named ports included', () => {
    // Act
    const resolved = resolveAnp({
      podSelector: { matchLabels: { app: 'a' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ protocol: 'TCP', port: 'http' }] },
      ],
    });

    // Assess
    expect(resolved.podSelectorEndpoints.map((endpoint) => endpoint.name)).toEqual(['app']);
    expect(resolved.ingress).toEqual([{ cidr: '10.0.0.2', ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(resolved.podIsolation).toEqual(['Ingress']);
  });

  it('reports a port without protocol on the NP code path as a controller panic instead of throwing', () => {
    // Act
    const resolved = resolveAnp({
      podSelector: {},
      ingress: [{ ports: [{ port: 80 }] }],
      egress: [
        { to: [{ domainNames: ['ok.example.com'] }], ports: [{ port: 443 }] },
        { to: [{ podSelector: {} }], ports: [{ port: 5432 }] },
      ],
    });

    // Assess
    expect(resolved.problems).toHaveLength(2);
    expect(resolved.problems?.[0]).toMatch(/ingress rule #1 .*without protocol.*panics/);
    expect(resolved.problems?.[1]).toMatch(/egress rule #2/);
  });
});
