import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { audit, InputError, resolveNode } from '#engine';

const SEED_NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';

describe('resolveNode', () => {
  it('gives the kernel state the agent must program on a node: the seed node audits clean against it', async () => {
    // Prepare
    const source = new SnapshotDirectory('examples/seed-cluster');
    const inventory = await source.readInventory();
    // Act
    const expected = resolveNode({ inventory }, SEED_NODE);
    // Assess
    expect(expected.nodeName).toBe(SEED_NODE);
    const pods = expected.identifiers.flatMap((state) => state.pods.map((pod) => `${pod.namespace}/${pod.name}`));
    expect(pods).toContain('default/nginx-f8d9c6576-8b4vf');
    const report = audit(
      { inventory, nodeOutputs: await source.readNodeOutputs(), source: { kind: 'snapshot', location: 'seed' } },
      { now: new Date(0), engineVersion: 'test' },
    );
    const checkedPods = report.passed.find((entry) => entry.checkId === 'NODE-FILTER-MISSING')?.resources.length;
    expect(checkedPods).toBe(
      expected.identifiers.flatMap((state) => state.pods.filter((pod) => pod.needsFilters)).length,
    );
  });

  it('refuses a node the inventory lacks with an InputError naming it', async () => {
    // Prepare
    const inventory = await new SnapshotDirectory('examples/seed-cluster').readInventory();
    // Act
    const act = (): unknown => resolveNode({ inventory }, 'ip-10-9-9-9.internal');
    // Assess
    expect(act).toThrow(InputError);
    expect(act).toThrow(/ip-10-9-9-9\.internal is not in the cluster inventory/);
  });
});
