/**
 * The audit workflow synthesized with `nodeCollection.collector: exec`, run by aws-local-stepfunctions against the
 * real handlers and moto, as workflow-run.test.ts runs the SSM one (see its header for what is moto and what is not).
 * Collect Nodes is then a synchronous invoke of collect-nodes-exec: no task token, no command-status, no SSM.
 * The `pods/exec` port of collect-nodes-exec (adapters/kubernetes-exec/eks-pod-exec) is replaced by one that checks
 * it got the DescribeCluster endpoint and an EKS token, then replays the aws-eks-na-cli outputs recorded on the seed
 * example's node (the real kube-apiserver's exec path with real aws-eks-na-cli output is the agent tier's).
 */
import '../../unit/support/quiet-powertools';
import type { ClusterEndpoint } from '#adapters/eks/eks-cluster';
import { PodExecError, type ExecResult, type ExecTarget, type PodExec } from '#adapters/kubernetes-exec/pod-exec';
import { exampleKube } from '../../unit/support/example-kube';
import { loadExample, SEED_NODE as EXAMPLE_SEED_NODE } from '../../unit/node/compare/support';
import { replayOf, type Answer } from '../../unit/adapters/kubernetes-exec/replay-exec';
import { clearClusters, serveCluster } from './support/kube-stand-in';
import { SEED, SEED_INSTANCE, SEED_NODE, utcDay, WorkflowHarness, addonOf } from './support/workflow-harness';

interface ExecCall {
  readonly clusterName: string;
  readonly endpoint: ClusterEndpoint;
  readonly token: string;
  readonly target: ExecTarget;
  readonly command: readonly string[];
}

const mockExec: { answers: Map<string, Answer>; calls: ExecCall[] } = { answers: new Map(), calls: [] };

jest.mock('#adapters/eks/eks-live-source', () => {
  const actual = jest.requireActual<Record<string, unknown>>('#adapters/eks/eks-live-source');
  const standIn = jest.requireActual<typeof import('./support/kube-stand-in')>('./support/kube-stand-in');
  return { ...actual, eksBearerTokenOpener: () => standIn.openStandInKubernetes };
});

jest.mock('#adapters/kubernetes-exec/eks-pod-exec', () => ({
  eksPodExec: (clusterName: string, endpoint: ClusterEndpoint, token: () => Promise<string>): PodExec => ({
    run: async (target, command): Promise<ExecResult> => {
      mockExec.calls.push({ clusterName, endpoint, token: await token(), target, command });
      const answer = mockExec.answers.get(clusterName);
      if (answer === undefined) throw new Error(`no exec answer for cluster ${clusterName}`);
      return answer(target, command);
    },
  }),
}));

jest.setTimeout(300_000);

let harness: WorkflowHarness;

beforeAll(async () => {
  harness = await WorkflowHarness.start({ collector: 'exec' });
});

afterAll(async () => {
  await harness.stop();
});

beforeEach(() => {
  clearClusters();
  harness.reset();
  mockExec.answers.clear();
  mockExec.calls = [];
});

const refused: Answer = (target) =>
  Promise.reject(
    new PodExecError(
      'forbidden',
      `exec into ${target.namespace}/${target.pod} was refused (HTTP 403): the identity needs pods/exec in ${target.namespace} (k8s/rbac-exec.yaml)`,
    ),
  );

describe('the synthesized audit workflow with the exec collector, run locally against moto', () => {
  it('collects one cluster by exec (tc not checked) and reports the other, whose exec is refused, as not collected', async () => {
    const seed = await loadExample('seed-cluster');
    const node = seed.nodeOutputs.find((output) => output.nodeName === EXAMPLE_SEED_NODE);
    if (node === undefined) throw new Error('no seed node');
    for (const cluster of ['prod-a', 'prod-b']) {
      serveCluster(cluster, () => exampleKube(SEED, { [SEED_NODE]: SEED_INSTANCE }));
      harness.addons.set(cluster, addonOf(SEED));
    }
    mockExec.answers.set('prod-a', replayOf(node));
    mockExec.answers.set('prod-b', refused);

    const execution = await harness.execute('exec-1', {}, 'exec collector: collected + refused');

    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    // 2 (Plan, Audit Clusters) + per cluster 5 + 1 batch: the same count as the SSM workflow's.
    expect(execution.transitions).toBe(2 + 2 * (5 + 1));
    expect(execution.invocations.map((invocation) => invocation.function).sort()).toEqual(
      ['plan', 'auditCluster', 'auditCluster', 'collectNodes', 'collectNodes']
        .concat(['analyzeNodes', 'analyzeNodes', 'publish', 'publish'])
        .sort(),
    );
    expect(harness.agent.commands).toEqual([]);

    const collected = await harness.readReport(`reports/prod-a/${utcDay()}/exec-1/report.json`);
    expect(collected.inputs.nodeOutputs).toBe(1);
    expect(collected.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    // (moto's DescribeCluster has no ipFamily: NC-CFG-IP-FAMILY-UNKNOWN, as in every moto scenario.)
    expect(collected.notChecked.filter((entry) => entry.kind?.startsWith('NC-NODE') === true)).toEqual([
      expect.objectContaining({ kind: 'NC-NODE-TC-EXEC-COLLECTOR', scope: `node ${SEED_NODE} tc filters` }),
    ]);
    expect(await harness.keysUnder(`reports/prod-a/${utcDay()}/exec-1/snapshot/nodes/`)).toEqual([
      `reports/prod-a/${utcDay()}/exec-1/snapshot/nodes/${SEED_INSTANCE}.tar.gz`,
    ]);

    const refusedReport = await harness.readReport(`reports/prod-b/${utcDay()}/exec-1/report.json`);
    expect(refusedReport.inputs.nodeOutputs).toBe(0);
    const notCollected = refusedReport.findings.filter((finding) => finding.checkId === 'NODE-NOT-COLLECTED');
    expect(notCollected).toHaveLength(1);
    expect(notCollected[0]?.message).toContain('(HTTP 403)');
    expect(notCollected[0]?.message).toContain('k8s/rbac-exec.yaml');
    expect(refusedReport.findings.filter((finding) => finding.layer === 'node')).toEqual(notCollected);

    const prodA = mockExec.calls.filter((call) => call.clusterName === 'prod-a');
    expect(prodA.length).toBeGreaterThan(1);
    expect(prodA.every((call) => call.target.container === 'aws-eks-nodeagent')).toBe(true);
    expect(prodA[0]?.command).toEqual(['/opt/cni/bin/aws-eks-na-cli', 'ebpf', 'loaded-ebpfdata']);
    expect(prodA[0]?.token).toMatch(/^k8s-aws-v1\./);
    expect(prodA[0]?.endpoint.endpoint).toMatch(/^https:\/\//);
  });
});
