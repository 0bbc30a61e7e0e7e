import { EXEC_COLLECTOR, type RawNodeOutput } from '#engine';
import { audit, DRIFT_NODE, editedNode, fileOf, loadExample, SEED_NODE, type Example } from './support';

const TC_REASON = "the exec collector runs in the aws-eks-nodeagent container, which cannot list the host's tc filters";

/** The node as the exec collector writes it: no tc/ files, node.json `collector: "exec"`. */
function execCollected(example: Example, nodeName: string): RawNodeOutput {
  return editedNode(example, nodeName, (files) => {
    for (const path of [...files.keys()]) if (path.startsWith('tc/')) files.delete(path);
    const nodeJson = JSON.parse(fileOf(files, 'node.json')) as Record<string, unknown>;
    files.set('node.json', JSON.stringify({ ...nodeJson, collector: EXEC_COLLECTOR }));
  });
}

describe('a node collected by exec (no tc by design)', () => {
  it('audits like the collected node, with tc not checked for the exec reason', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    // Act
    const bySsm = audit(seed, seed.nodeOutputs);
    const byExec = audit(seed, [execCollected(seed, SEED_NODE)]);
    // Assess
    expect(byExec.findings).toEqual(bySsm.findings);
    expect(byExec.notChecked).toEqual([
      { kind: 'NC-NODE-TC-EXEC-COLLECTOR', scope: `node ${SEED_NODE} tc filters`, reason: TC_REASON },
    ]);
    expect(bySsm.notChecked).toEqual([]);
    const checksOf = (passed: typeof bySsm.passed): string[] => [...new Set(passed.map((p) => p.checkId))].sort();
    expect(checksOf(bySsm.passed)).toContain('NODE-FILTER-MISSING');
    expect(checksOf(byExec.passed)).not.toContain('NODE-FILTER-MISSING');
  });

  it('raises no NODE-* finding from the missing tc output, even with a veth list in node.json', async () => {
    // Prepare
    const drift = await loadExample('drift-cluster');
    const tcChecks = new Set(['NODE-FILTER-MISSING', 'NODE-FILTER-PROGRAM-MISMATCH', 'NODE-VETH-NOT-FOUND']);
    const others = drift.nodeOutputs.filter((output) => output.nodeName !== DRIFT_NODE);
    // Act
    const bySsm = audit(drift, drift.nodeOutputs);
    const byExec = audit(drift, [execCollected(drift, DRIFT_NODE), ...others]);
    // Assess
    const driftNode = (outcome: typeof bySsm): string[] =>
      outcome.findings.filter((f) => f.resource.node === DRIFT_NODE).map((f) => `${f.checkId} ${f.message}`);
    expect(driftNode(bySsm).some((line) => tcChecks.has(line.split(' ')[0] ?? ''))).toBe(true);
    expect(driftNode(byExec)).toEqual(driftNode(bySsm).filter((line) => !tcChecks.has(line.split(' ')[0] ?? '')));
    expect(byExec.notChecked.filter((entry) => entry.kind === 'NC-NODE-TC-EXEC-COLLECTOR')).toHaveLength(1);
  });

  it('does not take an empty loaded-ebpfdata for a node without programs (exec cannot count the pins)', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    const empty = editedNode(seed, SEED_NODE, (files) => {
      for (const path of [...files.keys()]) if (path.startsWith('tc/') || path.startsWith('maps/')) files.delete(path);
      files.set('loaded-ebpfdata.txt', '');
      files.set('node.json', JSON.stringify({ collector: EXEC_COLLECTOR, nodeName: SEED_NODE }));
    });
    // Act
    const outcome = audit(seed, [empty]);
    // Assess
    expect(outcome.findings.map((finding) => finding.checkId)).toEqual(['NODE-COLLECTION-FAILED']);
    expect(outcome.notChecked.map((entry) => [entry.kind, entry.scope])).toEqual([
      ['NC-NODE-NOTHING-READABLE', `node ${SEED_NODE}`],
    ]);
  });
});
