import { explainFlow, UnknownEndpointError, type ExplainInput } from '#engine/explain/index';
import type { ClusterInventory } from '#engine/model/cluster';
import type { ClusterNetworkPolicy } from '#engine/model/kubernetes';
import { configuration, inventory, namespace, networkPolicy, pod, policyEndpoint } from './fixtures';

const api = pod('app', 'api-7d9f-abcde', '10.1.0.7', { app: 'api' }, [
  { name: 'http', containerPort: 8080, protocol: 'TCP' },
]);
const web = pod('app', 'web-1', '10.1.0.5', { app: 'web' });
const tool = pod('tools', 'tool-1', '10.1.0.9', { app: 'tool' });
const other = pod('other', 'other-1', '10.1.0.11', { app: 'tool' });
const NAMESPACES = [namespace('app'), namespace('tools', { team: 'ops' }), namespace('other', { team: 'dev' })];

function explain(
  cluster: ClusterInventory,
  flow: Partial<ExplainInput['flow']>,
  mode: 'standard' | 'strict' = 'standard',
) {
  return explainFlow({
    inventory: cluster,
    configuration: configuration('1.2.2', mode),
    flow: {
      from: { namespace: 'app', pod: 'web-1' },
      to: { namespace: 'app', pod: 'api-7d9f-abcde' },
      port: 8080,
      ...flow,
    },
  });
}

describe('intent and PolicyEndpoint layers', () => {
  it('resolves a named port on the destination pod: http = 8080 allowed, 80 denied', () => {
    // Prepare
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [api, web],
      networkPolicies: [
        networkPolicy('app', 'api-http', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }],
        }),
      ],
      policyEndpoints: [
        policyEndpoint('app', 'api-http', [api], {
          ingress: [{ cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 8080 }] }],
        }),
      ],
    });

    // Act
    const allowed = explain(cluster, { port: 8080 });
    const denied = explain(cluster, { port: 80 });

    // Assess
    expect(allowed.intent.verdict).toBe('allow');
    expect(allowed.intent.reason).toContain('named port "http" = 8080/TCP');
    expect(allowed.policyEndpoint.verdict).toBe('allow');
    expect(denied.intent.verdict).toBe('deny');
    expect(denied.policyEndpoint.verdict).toBe('deny');
    expect(denied.policyEndpoint.reason).toContain('allows only TCP/8080');
  });

  it('applies ipBlock except on egress: inside the block allowed, inside the except denied', () => {
    // Prepare
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [web],
      networkPolicies: [
        networkPolicy('app', 'web-out', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '172.16.0.0/16', except: ['172.16.5.0/24'] } }] }],
        }),
      ],
      policyEndpoints: [
        policyEndpoint('app', 'web-out', [web], {
          isolation: ['Egress'],
          egress: [{ cidr: '172.16.0.0/16', except: ['172.16.5.0/24'] }],
        }),
      ],
    });

    // Act
    const inside = explain(cluster, { to: { ip: '172.16.1.1' }, port: 443 });
    const excepted = explain(cluster, { to: { ip: '172.16.5.9' }, port: 443 });

    // Assess
    expect([inside.intent.verdict, inside.policyEndpoint.verdict]).toEqual(['allow', 'allow']);
    expect(inside.intent.reason).toContain('ipBlock 172.16.0.0/16 except 172.16.5.0/24');
    expect([excepted.intent.verdict, excepted.policyEndpoint.verdict]).toEqual(['deny', 'deny']);
    expect(excepted.policyEndpoint.reason).toContain('172.16.0.0/16 excepts it');
  });

  it('matches namespaceSelector peers on the namespace labels', () => {
    // Prepare
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [api, tool, other],
      networkPolicies: [
        networkPolicy('app', 'from-ops', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }],
        }),
      ],
    });

    // Act
    const ops = explain(cluster, { from: { namespace: 'tools', pod: 'tool-1' } });
    const dev = explain(cluster, { from: { namespace: 'other', pod: 'other-1' } });

    // Assess
    expect(ops.intent.verdict).toBe('allow');
    expect(ops.intent.decidedBy).toMatchObject({ kind: 'NetworkPolicy', name: 'from-ops', rule: 1 });
    expect(dev.intent.verdict).toBe('deny');
  });

  it('leaves a side open when no selecting policy has its policy type', () => {
    // Prepare: web is selected by an Ingress-only policy, so its egress is not isolated
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [api, web],
      networkPolicies: [
        networkPolicy('app', 'web-in', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }),
      ],
      policyEndpoints: [policyEndpoint('app', 'web-in', [web], { isolation: ['Ingress'] })],
    });

    // Act
    const result = explain(cluster, {});

    // Assess
    const egress = result.intent.sides.find((side) => side.side === 'egress');
    expect(egress?.verdict).toBe('allow');
    expect(egress?.reason).toContain('do not have policyType Egress');
    expect(result.policyEndpoint.sides.find((side) => side.side === 'egress')?.verdict).toBe('allow');
    expect(result.intent.verdict).toBe('allow');
  });

  it('denies on an isolated egress side without a matching rule, naming the isolating policy', () => {
    // Prepare
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [api, web],
      networkPolicies: [
        networkPolicy('app', 'web-dns-only', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }],
        }),
      ],
      policyEndpoints: [
        policyEndpoint('app', 'web-dns-only', [web], {
          isolation: ['Egress'],
          egress: [{ cidr: '0.0.0.0/0', ports: [{ protocol: 'UDP', port: 53 }] }],
        }),
      ],
    });

    // Act
    const tcp = explain(cluster, {});
    const dns = explain(cluster, { port: 53, protocol: 'UDP' });

    // Assess
    expect(tcp.intent.verdict).toBe('deny');
    expect(tcp.intent.decidedBy).toEqual({
      kind: 'NetworkPolicy',
      namespace: 'app',
      name: 'web-dns-only',
      direction: 'egress',
    });
    expect(tcp.policyEndpoint.verdict).toBe('deny');
    expect(dns.intent.verdict).toBe('allow');
    expect(dns.policyEndpoint.verdict).toBe('allow');
  });

  it('evaluates only the in-cluster side for an IP outside the cluster, and treats a pod IP as that pod', () => {
    // Prepare
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [api, web],
      networkPolicies: [
        networkPolicy('app', 'api-deny', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }),
      ],
    });

    // Act
    const external = explain(cluster, { from: { ip: '203.0.113.7' } });
    const podByIp = explain(cluster, { from: { ip: '10.1.0.5' } });

    // Assess
    expect(external.intent.sides.map((side) => side.side)).toEqual(['ingress']);
    expect(external.flow.from).toBe('203.0.113.7');
    expect(external.intent.verdict).toBe('deny');
    expect(podByIp.flow.from).toBe('app/web-1');
    expect(podByIp.intent.sides.map((side) => side.side)).toEqual(['egress', 'ingress']);
  });

  it('does not match pod selectors for an IP-only peer, only ipBlocks', () => {
    // Prepare
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [api],
      networkPolicies: [
        networkPolicy('app', 'api-in', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [{ from: [{ podSelector: {} }] }, { from: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }],
        }),
      ],
    });

    // Act
    const viaSelector = explain(cluster, { from: { ip: '203.0.113.7' } });
    const viaBlock = explain(cluster, { from: { ip: '198.51.100.4' } });

    // Assess
    expect(viaSelector.intent.verdict).toBe('deny');
    expect(viaBlock.intent.verdict).toBe('allow');
    expect(viaBlock.intent.decidedBy).toMatchObject({ rule: 2 });
  });

  it('denies a pod no policy selects in strict mode, at intent and PolicyEndpoint layers', () => {
    // Prepare
    const cluster = inventory({ namespaces: NAMESPACES, pods: [api, web] });

    // Act
    const strict = explain(cluster, {}, 'strict');
    const standard = explain(cluster, {}, 'standard');

    // Assess
    expect([strict.intent.verdict, strict.policyEndpoint.verdict]).toEqual(['deny', 'deny']);
    expect(strict.intent.reason).toContain('strict mode');
    expect([standard.intent.verdict, standard.policyEndpoint.verdict]).toEqual(['allow', 'allow']);
  });

  it('applies an Admin ClusterNetworkPolicy before NetworkPolicies and a Baseline one only on non-isolated sides', () => {
    // Prepare
    const adminDeny: ClusterNetworkPolicy = {
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'admin-deny-ops' },
      spec: {
        tier: 'Admin',
        priority: 10,
        subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'app' } } },
        ingress: [{ name: 'no-ops', action: 'Deny', from: [{ namespaces: { matchLabels: { team: 'ops' } } }] }],
      },
    };
    const baselineDeny: ClusterNetworkPolicy = {
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'baseline-deny' },
      spec: {
        tier: 'Baseline',
        priority: 1,
        subject: { namespaces: {} },
        ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }],
      },
    };
    const allowAll = networkPolicy('app', 'api-all', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{}] });
    const cluster = inventory({
      namespaces: NAMESPACES,
      pods: [api, web, tool],
      networkPolicies: [allowAll],
      clusterNetworkPolicies: [adminDeny, baselineDeny],
    });

    // Act
    const fromOps = explain(cluster, { from: { namespace: 'tools', pod: 'tool-1' } });
    const fromWeb = explain(cluster, {});
    const toWeb = explain(cluster, {
      from: { namespace: 'app', pod: 'api-7d9f-abcde' },
      to: { namespace: 'app', pod: 'web-1' },
    });

    // Assess
    expect(fromOps.intent.verdict).toBe('deny');
    expect(fromOps.intent.decidedBy).toMatchObject({
      kind: 'ClusterNetworkPolicy',
      name: 'admin-deny-ops',
      tier: 'Admin',
      ruleName: 'no-ops',
    });
    expect(fromWeb.intent.sides.find((side) => side.side === 'ingress')?.verdict).toBe('allow');
    const webEgress = fromWeb.intent.sides.find((side) => side.side === 'egress');
    expect(webEgress?.verdict).toBe('allow');
    expect(fromWeb.intent.decidedBy).toMatchObject({ kind: 'NetworkPolicy', name: 'api-all' });
    expect(toWeb.intent.verdict).toBe('deny');
    expect(toWeb.intent.decidedBy).toMatchObject({
      kind: 'ClusterNetworkPolicy',
      name: 'baseline-deny',
      tier: 'Baseline',
    });
  });

  it('throws UnknownEndpointError naming a pod the inventory lacks', () => {
    // Prepare
    const cluster = inventory({ namespaces: NAMESPACES, pods: [api] });

    // Act / Assess
    expect(() => explain(cluster, { from: { namespace: 'app', pod: 'ghost' } })).toThrow(UnknownEndpointError);
    expect(() => explain(cluster, { from: { namespace: 'app', pod: 'ghost' } })).toThrow(
      'app/ghost: no such pod in the inventory',
    );
  });
});
