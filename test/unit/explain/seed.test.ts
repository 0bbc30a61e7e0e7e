import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { assessConfiguration } from '#engine/config/index';
import { explainFlow } from '#engine/explain/index';
import type { ClusterInventory } from '#engine/model/cluster';
import { parseNodeBundle, type ParsedNodeBundle } from '#engine/node/bundle';
import { sha1Hex } from './fixtures';

const NGINX = { namespace: 'default', pod: 'nginx-f8d9c6576-8b4vf' };

describe('explainFlow on examples/seed-cluster (troubleshooting article)', () => {
  let inventory: ClusterInventory;
  let nodeBundles: ParsedNodeBundle[];

  beforeAll(async () => {
    const source = new SnapshotDirectory('examples/seed-cluster');
    inventory = await source.readInventory();
    nodeBundles = (await source.readNodeOutputs()).map(parseNodeBundle);
  });

  function explain(from: string, port = 80) {
    return explainFlow({
      inventory,
      nodeBundles,
      configuration: assessConfiguration(inventory).effective,
      flow: { from: { namespace: 'default', pod: from }, to: NGINX, port },
      sha1Hex,
    });
  }

  it('allows accesstrue → nginx:80 at every layer, decided by the policy, its PE entry and map 93', () => {
    // Act
    const result = explain('accesstrue');

    // Assess
    expect([result.intent.verdict, result.policyEndpoint.verdict, result.kernel.verdict]).toEqual([
      'allow',
      'allow',
      'allow',
    ]);
    expect(result.intent.decidedBy).toEqual({
      kind: 'NetworkPolicy',
      namespace: 'default',
      name: 'access-nginx',
      direction: 'ingress',
      rule: 1,
    });
    expect(result.policyEndpoint.decidedBy).toMatchObject({
      kind: 'PolicyEndpoint',
      name: 'access-nginx-x7k2q',
      cidr: '172.31.101.218',
    });
    expect(result.kernel.decidedBy).toMatchObject({
      kind: 'map',
      map: 'ingress_map',
      mapId: 93,
      key: '172.31.101.218/32',
      slot: 0,
    });
    expect(result.disagreements).toEqual([]);
  });

  it('denies accessfalse → nginx:80 at every layer: 172.31.96.116 is not in the nginx ingress_map (map 93)', () => {
    // Act
    const result = explain('accessfalse');

    // Assess
    expect([result.intent.verdict, result.policyEndpoint.verdict, result.kernel.verdict]).toEqual([
      'deny',
      'deny',
      'deny',
    ]);
    const ingress = result.kernel.sides.find((side) => side.side === 'ingress');
    expect(ingress?.reason).toContain('172.31.96.116 is not in the ingress_map of default/nginx-f8d9c6576-8b4vf');
    expect(ingress?.reason).toContain('map 93');
    expect(result.kernel.decidedBy).toMatchObject({
      kind: 'map',
      map: 'ingress_map',
      mapId: 93,
      podIdentifier: 'nginx-f8d9c6576-default',
    });
    expect(result.disagreements).toEqual([]);
  });

  it('reads the source pod egress side from its own program: DEFAULT_ALLOW (standard mode, no policy)', () => {
    // Act
    const result = explain('accessfalse');

    // Assess
    const egress = result.kernel.sides.find((side) => side.side === 'egress');
    expect(egress?.verdict).toBe('allow');
    expect(egress?.reason).toContain('DEFAULT_ALLOW');
    expect(egress?.decidedBy).toMatchObject({
      kind: 'map',
      podIdentifier: 'accessfalse-default',
      map: 'egress_pod_state_map',
    });
  });

  it('explains the same map entry for any port: ANY with start port 0 matches every port', () => {
    // Act
    const result = explain('accesstrue', 8443);

    // Assess
    expect(result.kernel.verdict).toBe('allow');
    expect(result.kernel.reason).toContain('slot 0 {ANY PROTOCOL, any port} matches TCP/8443');
  });
});
