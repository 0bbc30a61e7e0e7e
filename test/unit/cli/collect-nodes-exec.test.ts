import { InputError } from '#engine';
import { readInput } from '../../../lambdas/shared/cli/audit-input';
import { collectNodesByExecFromCli } from '../../../lambdas/shared/cli/collect-nodes-exec';
import { recorder } from './progress-recorder';
import { RecordingExec, replayOf } from '../adapters/kubernetes-exec/replay-exec';
import { loadExample, SEED_NODE } from '../node/compare/support';

async function seedExec(): Promise<{ exec: RecordingExec; example: Awaited<ReturnType<typeof loadExample>> }> {
  const example = await loadExample('seed-cluster');
  const node = example.nodeOutputs.find((output) => output.nodeName === SEED_NODE);
  if (node === undefined) throw new Error('no seed node');
  return { exec: new RecordingExec(replayOf(node)), example };
}

describe('--collect-nodes exec', () => {
  it('collects the nodes and reports each through the progress port', async () => {
    // Prepare
    const { exec, example } = await seedExec();
    const { progress, heard } = recorder();
    // Act
    const collection = await collectNodesByExecFromCli(exec, example.inventory, {}, progress);
    // Assess
    expect(collection.outputs.map((output) => output.nodeName)).toEqual([SEED_NODE]);
    expect(heard.notes).toEqual(['collecting 1 node(s) by exec into their aws-node pods (aws-eks-nodeagent)']);
    expect(heard.steps).toEqual(['collecting nodes by exec: 1/1 finished']);
    expect(heard.details).toEqual([`node ${SEED_NODE}: collected`]);
  });

  it('details a node that could not be collected with its reason', async () => {
    // Prepare
    const { example } = await seedExec();
    const exec = new RecordingExec(() => Promise.resolve({ stdout: '', stderr: '', exitCode: 1, failure: 'boom' }));
    const { progress, heard } = recorder();
    // Act
    const collection = await collectNodesByExecFromCli(exec, example.inventory, {}, progress);
    // Assess
    expect(collection.outputs).toEqual([]);
    expect(heard.details).toEqual([`node ${SEED_NODE}: ${collection.notCollected[0]?.reason ?? ''}`]);
    expect(collection.notCollected[0]?.reason).toMatch(
      /^not collected, because aws-eks-na-cli ebpf loaded-ebpfdata failed/,
    );
  });

  it.each([
    ['--nodes', { nodes: ['some-other-node'] }],
    ['--namespaces', { namespaces: ['no-such-namespace'] }],
    ['--pods', { pods: ['default/no-such-pod'] }],
  ])('narrows the nodes with %s like ssm does, and execs nowhere else', async (_flag, narrowing) => {
    // Prepare
    const { exec, example } = await seedExec();
    const { progress } = recorder();
    // Act
    const collection = await collectNodesByExecFromCli(exec, example.inventory, narrowing, progress);
    // Assess
    expect(collection.outputs).toEqual([]);
    expect(collection.notCollected).toEqual([]);
    expect(exec.commands).toEqual([]);
  });
});

describe('--collect-nodes and the input it needs', () => {
  it.each([
    [
      { collectNodes: 'exec', snapshot: 'examples/seed-cluster' },
      '--collect-nodes exec needs --cluster <name> or --kubeconfig <file>',
    ],
    [{ collectNodes: 'ssm', kubeconfig: 'kubeconfig.yaml' }, '--collect-nodes ssm needs --cluster <name>'],
  ] as const)('refuses %p', async (flags, message) => {
    // Prepare
    const { progress } = recorder();
    // Act
    const read = readInput({ ...flags, failOn: 'high' }, progress);
    // Assess
    await expect(read).rejects.toThrow(InputError);
    await expect(read).rejects.toThrow(message);
  });
});
