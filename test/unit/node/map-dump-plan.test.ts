import { mapDumpPlan } from '#engine';
import { DRIFT_NODE, loadExample, SEED_NODE } from './compare/support';

async function nodeFiles(
  example: 'seed-cluster' | 'drift-cluster',
  node: string,
): Promise<ReadonlyMap<string, string>> {
  const loaded = await loadExample(example);
  const output = loaded.nodeOutputs.find((candidate) => candidate.nodeName === node);
  if (output === undefined) throw new Error(`no node ${node}`);
  return output.files;
}

describe('mapDumpPlan', () => {
  it('plans exactly the dumps the SSM collector wrote for the seed node', async () => {
    // Prepare
    const files = await nodeFiles('seed-cluster', SEED_NODE);
    const collected = [...files.keys()].filter((path) => path.startsWith('maps/')).sort();
    // Act
    const plan = mapDumpPlan(files.get('loaded-ebpfdata.txt') ?? '');
    // Assess
    if (plan.kind !== 'dumps') throw new Error(plan.reason);
    expect(plan.dumps.map((dump) => dump.file).sort()).toEqual(collected);
  });

  it('plans only dumps the drift node holds (its extra maps/322.txt is referenced by no program)', async () => {
    // Prepare
    const files = await nodeFiles('drift-cluster', DRIFT_NODE);
    // Act
    const plan = mapDumpPlan(files.get('loaded-ebpfdata.txt') ?? '');
    // Assess
    if (plan.kind !== 'dumps') throw new Error(plan.reason);
    expect(plan.dumps.length).toBeGreaterThan(20);
    expect(plan.dumps.filter((dump) => !files.has(dump.file))).toEqual([]);
    expect(plan.dumps.some((dump) => dump.id === 322)).toBe(false);
  });

  it('lists unnamed maps apart and never dumps them', async () => {
    // Prepare
    const files = await nodeFiles('drift-cluster', DRIFT_NODE);
    // Act
    const plan = mapDumpPlan(files.get('loaded-ebpfdata.txt') ?? '');
    // Assess
    if (plan.kind !== 'dumps') throw new Error(plan.reason);
    expect(plan.unnamedMapIds).toEqual([287]);
    expect(plan.dumps.some((dump) => dump.id === 287)).toBe(false);
  });

  it('uses dump-cp-maps for cp maps and dump-maps for the others', () => {
    // Prepare
    const listing = [
      'PinPath:  /sys/fs/bpf/globals/aws/programs/web-ns_handle_ingress',
      'Pod Identifier : web-ns  Direction : ingress ',
      'Prog ID:  12',
      'Associated Maps -> ',
      'Map Name:  ingress_map',
      'Map ID:  40',
      'Map Name:  cp_ingress_map',
      'Map ID:  41',
      'Map Name:  aws_conntrack_map',
      'Map ID:  3',
      '========================================================================================',
    ].join('\n');
    // Act
    const plan = mapDumpPlan(listing);
    // Assess
    if (plan.kind !== 'dumps') throw new Error(plan.reason);
    expect(plan.dumps.map((dump) => [dump.id, dump.subcommand])).toEqual([
      [40, 'dump-maps'],
      [41, 'dump-cp-maps'],
    ]);
  });

  it('reports the CLI failure printed instead of a listing', () => {
    // Act
    const plan = mapDumpPlan('Failed to execute the cmd -  failed to open pinned program\n');
    // Assess
    expect(plan.kind).toBe('unusable');
  });
});
