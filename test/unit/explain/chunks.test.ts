import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { assessConfiguration } from '#engine/config/index';
import { explainFlow } from '#engine/explain/index';
import type { ClusterPolicyEndpoint } from '#engine/model/kubernetes';
import { parseNodeBundle } from '#engine/node/bundle';
import { configuration, inventory, pod, policyEndpoint, sha1Hex } from './fixtures';

describe('PolicyEndpoint chunks', () => {
  it('web → api:9090 split over two PolicyEndpoints agrees at every layer', async () => {
    // Prepare: web-egress lists web-…-k2x8p in web-egress-c8d1f, its api entries are in web-egress-w5t3q
    const source = new SnapshotDirectory('examples/drift-cluster');
    const cluster = await source.readInventory();
    const nodeBundles = (await source.readNodeOutputs()).map(parseNodeBundle);

    // Act
    const result = explainFlow({
      inventory: cluster,
      nodeBundles,
      configuration: assessConfiguration(cluster).effective,
      flow: {
        from: { namespace: 'shop', pod: 'web-6c9f8d7b5-k2x8p' },
        to: { namespace: 'shop', pod: 'api-7d4b9c6f8-m3n5b' },
        port: 9090,
      },
      sha1Hex,
    });

    // Assess
    expect([result.intent.verdict, result.policyEndpoint.verdict, result.kernel.verdict]).toEqual([
      'allow',
      'allow',
      'allow',
    ]);
    expect(result.policyEndpoint.sides.find((side) => side.side === 'egress')?.decidedBy).toMatchObject({
      kind: 'PolicyEndpoint',
      name: 'web-egress-w5t3q',
      policyRef: 'shop/web-egress',
      cidr: '10.0.1.140',
    });
    expect(result.disagreements).toEqual([]);
  });

  it('a pod listed by one chunk is isolated by the entries of every chunk of the same policy, and only that policy', () => {
    // Prepare
    const web = pod('app', 'web-1', '10.1.0.5', { app: 'web' });
    const api = pod('app', 'api-1', '10.1.0.7', { app: 'api' });
    const listing = policyEndpoint('app', 'web-egress', [web], { isolation: ['Egress'], egress: [] });
    const rules = {
      ...policyEndpoint('app', 'web-egress', [], {
        isolation: ['Egress'],
        egress: [{ cidr: '10.1.0.7', ports: [{ protocol: 'TCP', port: 8080 }] }],
      }),
      metadata: { namespace: 'app', name: 'web-egress-fghij' },
    };
    const unrelated = policyEndpoint('app', 'other', [], { isolation: ['Egress'], egress: [{ cidr: '10.1.0.7' }] });
    const explain = (port: number) =>
      explainFlow({
        inventory: inventory({ pods: [web, api], policyEndpoints: [listing, rules, unrelated] }),
        configuration: configuration('1.3.2'),
        flow: { from: { namespace: 'app', pod: 'web-1' }, to: { namespace: 'app', pod: 'api-1' }, port },
      });

    // Act
    const allowed = explain(8080);
    const denied = explain(9090);

    // Assess
    expect(allowed.policyEndpoint.verdict).toBe('allow');
    expect(allowed.policyEndpoint.sides.find((side) => side.side === 'egress')?.decidedBy).toMatchObject({
      name: 'web-egress-fghij',
      entry: 1,
    });
    expect(denied.policyEndpoint.verdict).toBe('deny');
    expect(denied.policyEndpoint.reason).toContain(
      'PolicyEndpoints app/web-egress-abcde, app/web-egress-fghij (chunks of policy web-egress)',
    );
  });

  it('a ClusterPolicyEndpoint split over two chunks denies with the entry of the chunk that does not list the pod', () => {
    // Prepare
    const web = pod('app', 'web-1', '10.1.0.5', { app: 'web' });
    const api = pod('app', 'api-1', '10.1.0.7', { app: 'api' });
    const chunk = (name: string, spec: Partial<ClusterPolicyEndpoint['spec']>): ClusterPolicyEndpoint => ({
      kind: 'ClusterPolicyEndpoint',
      metadata: { name },
      spec: { policyRef: { name: 'no-api' }, tier: 'Admin', priority: 5, ...spec },
    });
    const endpoints = [
      chunk('no-api-a1b2c', {
        podSelectorEndpoints: [{ namespace: 'app', name: 'web-1', podIP: '10.1.0.5', hostIP: '10.0.0.10' }],
      }),
      chunk('no-api-d3e4f', { egress: [{ cidr: '10.1.0.7', action: 'Deny' }] }),
    ];

    // Act
    const result = explainFlow({
      inventory: inventory({ pods: [web, api], clusterPolicyEndpoints: endpoints }),
      configuration: configuration('1.3.2'),
      flow: { from: { namespace: 'app', pod: 'web-1' }, to: { namespace: 'app', pod: 'api-1' }, port: 8080 },
    });

    // Assess
    expect(result.policyEndpoint.verdict).toBe('deny');
    expect(result.policyEndpoint.decidedBy).toMatchObject({ kind: 'ClusterPolicyEndpoint', name: 'no-api-d3e4f' });
  });
});
