import {
  AGENT_CONTAINER,
  collectNodesByExec,
  mapDumpCommand,
  NA_CLI,
} from '#adapters/kubernetes-exec/exec-node-collector';
import { PodExecError, type ExecResult } from '#adapters/kubernetes-exec/pod-exec';
import type { ClusterInventory, RawNodeOutput } from '#engine';
import { audit, loadExample, SEED_NODE } from '../../node/compare/support';
import { RecordingExec, replayOf, type Answer } from './replay-exec';

const NOW = new Date('2026-12-07T10:00:00Z');

async function seed(): Promise<{ inventory: ClusterInventory; node: RawNodeOutput }> {
  const example = await loadExample('seed-cluster');
  const node = example.nodeOutputs.find((output) => output.nodeName === SEED_NODE);
  if (node === undefined) throw new Error('no seed node');
  return { inventory: example.inventory, node };
}

async function collectSeed(
  answer: (replay: Answer) => Answer,
): Promise<Awaited<ReturnType<typeof collectNodesByExec>>> {
  const { inventory, node } = await seed();
  return collectNodesByExec(new RecordingExec(answer(replayOf(node))), inventory, [SEED_NODE], { now: () => NOW });
}

const failingOn =
  (subcommand: string, failure: () => Promise<ExecResult>) =>
  (replay: Answer): Answer =>
  (target, command) =>
    command[2] === subcommand ? failure() : replay(target, command);

describe('collectNodesByExec', () => {
  it("runs loaded-ebpfdata, then one dump per map, in the aws-eks-nodeagent container of the node's aws-node pod", async () => {
    // Prepare
    const { inventory, node } = await seed();
    const exec = new RecordingExec(replayOf(node));
    // Act
    const collection = await collectNodesByExec(exec, inventory, [SEED_NODE], { now: () => NOW, timeoutMs: 5_000 });
    // Assess
    expect(collection.notCollected).toEqual([]);
    expect(exec.commands[0]?.command).toEqual([NA_CLI, 'ebpf', 'loaded-ebpfdata']);
    expect(exec.commands.map((entry) => entry.target)).toEqual(
      exec.commands.map(() => ({ namespace: 'kube-system', pod: 'aws-node-7xk2p', container: AGENT_CONTAINER })),
    );
    expect(exec.commands.every((entry) => entry.options.timeoutMs === 5_000)).toBe(true);
    const dumped = exec.commands.slice(1).map((entry) => `maps/${entry.command[3] ?? ''}.txt`);
    expect(dumped.sort()).toEqual([...node.files.keys()].filter((path) => path.startsWith('maps/')).sort());
  });

  it('writes the raw node layout with a node.json naming the exec collector and the agent image tag', async () => {
    // Act
    const { outputs } = await collectSeed((replay) => replay);
    // Assess
    const files = outputs[0]?.files;
    expect(outputs[0]?.sourceDirectory).toBe('exec:kube-system/aws-node-7xk2p');
    expect(JSON.parse(files?.get('node.json') ?? '{}')).toMatchObject({
      collector: 'exec',
      nodeName: SEED_NODE,
      collectedAt: NOW.toISOString(),
      agentVersion: 'v1.2.2-eksbuild.1',
      agentVersionSource: 'container-image',
      tools: { awsEksNaCli: true, tc: false },
    });
    expect([...(files?.keys() ?? [])].some((path) => path.startsWith('tc/'))).toBe(false);
  });

  it('audits like the snapshot node, except that tc is not checked for the exec reason', async () => {
    // Prepare
    const example = await loadExample('seed-cluster');
    const { outputs } = await collectSeed((replay) => replay);
    // Act
    const bySnapshot = audit(example, example.nodeOutputs);
    const byExec = audit(example, outputs);
    // Assess
    expect(byExec.findings).toEqual(bySnapshot.findings);
    expect(bySnapshot.notChecked).toEqual([]);
    expect(byExec.notChecked).toEqual([
      {
        kind: 'NC-NODE-TC-EXEC-COLLECTOR',
        scope: `node ${SEED_NODE} tc filters`,
        reason: "the exec collector runs in the aws-eks-nodeagent container, which cannot list the host's tc filters",
      },
    ]);
  });

  it.each([
    [
      'the exec is refused (403)',
      failingOn('loaded-ebpfdata', () =>
        Promise.reject(new PodExecError('forbidden', 'exec into kube-system/aws-node-7xk2p was refused (HTTP 403)')),
      ),
      /^not collected, because aws-eks-na-cli ebpf loaded-ebpfdata: exec into .* refused \(HTTP 403\)/,
    ],
    [
      'the command fails',
      failingOn('loaded-ebpfdata', () =>
        Promise.resolve({ stdout: '', stderr: 'exec: not found\n', exitCode: 127, failure: 'command terminated' }),
      ),
      /^not collected, because aws-eks-na-cli ebpf loaded-ebpfdata failed \(exit status 127: command terminated; exec: not found\)/,
    ],
    [
      'a map dump times out',
      failingOn('dump-maps', () => Promise.reject(new PodExecError('timeout', 'timed out after 60000 ms'))),
      /^not collected, because aws-eks-na-cli ebpf dump-maps \d+: timed out after 60000 ms \(pod kube-system\/aws-node-7xk2p\)$/,
    ],
    [
      'the output is truncated',
      failingOn('dump-maps', () => Promise.reject(new PodExecError('truncated', 'the output exceeded 10 bytes'))),
      /^not collected, because aws-eks-na-cli ebpf dump-maps \d+: the output exceeded 10 bytes/,
    ],
    [
      'the port fails unexpectedly',
      failingOn('loaded-ebpfdata', () => Promise.reject(new Error('socket hang up'))),
      /^not collected, because the exec collector failed: socket hang up/,
    ],
  ])('does not collect the node when %s', async (_case, answer, reason) => {
    // Act
    const collection = await collectSeed(answer);
    // Assess
    expect(collection.outputs).toEqual([]);
    expect(collection.notCollected).toHaveLength(1);
    expect(collection.notCollected[0]?.nodeName).toBe(SEED_NODE);
    expect(collection.notCollected[0]?.reason).toMatch(reason);
  });

  it('does not collect a node without an aws-node pod, and never execs there', async () => {
    // Prepare
    const { inventory, node } = await seed();
    const exec = new RecordingExec(replayOf(node));
    // Act
    const collection = await collectNodesByExec(exec, inventory, ['ip-10-9-9-9.internal']);
    // Assess
    expect(collection.notCollected).toEqual([
      {
        nodeName: 'ip-10-9-9-9.internal',
        reason: 'not collected, because the node has no aws-node pod (kube-system, k8s-app=aws-node)',
      },
    ]);
    expect(exec.commands).toEqual([]);
  });

  it('collects at most `concurrency` nodes at a time', async () => {
    // Prepare
    const { inventory, node } = await seed();
    const awsNode = inventory.pods.find((pod) => pod.metadata.name === 'aws-node-7xk2p');
    if (awsNode === undefined) throw new Error('no aws-node pod');
    const names = Array.from({ length: 12 }, (_, index) => `node-${String(index)}`);
    const pods = names.map((nodeName, index) => ({
      ...awsNode,
      metadata: { ...awsNode.metadata, name: `aws-node-${String(index)}` },
      spec: { ...awsNode.spec, nodeName },
    }));
    let running = 0;
    let most = 0;
    const replay = replayOf(node);
    const exec = new RecordingExec(async (target, command) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running -= 1;
      return replay(target, command);
    });
    // Act
    const collection = await collectNodesByExec(exec, { ...inventory, pods }, names, { concurrency: 3 });
    // Assess
    expect(collection.outputs.map((output) => output.nodeName)).toEqual(names);
    expect(most).toBe(3);
  });
});

describe('mapDumpCommand', () => {
  it('passes the map id as its own argument', () => {
    // Act
    const command = mapDumpCommand({ id: 93, subcommand: 'dump-cp-maps' });
    // Assess
    expect(command).toEqual([NA_CLI, 'ebpf', 'dump-cp-maps', '93']);
  });

  it.each([Number.NaN, -1, 1.5, 1e21])('refuses id %p before anything is run', (id) => {
    // Act / Assess
    expect(() => mapDumpCommand({ id, subcommand: 'dump-maps' })).toThrow(RangeError);
  });
});
