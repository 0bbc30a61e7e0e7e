/**
 * The service with `nodeCollection.collector: exec`: audit-cluster plans the batches with each node's aws-node pod,
 * collect-nodes-exec runs aws-eks-na-cli through `pods/exec` (replaying the outputs recorded on the example's node)
 * and stores the bundle where analyze-nodes reads it; no SSM call at all.
 */
import '../support/quiet-powertools';
import { EKSClient } from '@aws-sdk/client-eks';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AuditReport, type RawNodeOutput } from '#engine';
import type { ClusterEndpoint } from '#adapters/eks/eks-cluster';
import { PodExecError, type PodExec } from '#adapters/kubernetes-exec/pod-exec';
import { handler as analyzeNodes } from '../../../lambdas/analyze-nodes/handler';
import { handler as collectNodesExec } from '../../../lambdas/collect-nodes-exec/handler';
import { handler as publish } from '../../../lambdas/publish/handler';
import { execPreflight } from '../../../lambdas/shared/service/audit-cluster-step';
import { BatchOutcome, BatchPlan, PublishOutput } from '../../../lambdas/shared/service/contract';
import { batchPlanKey, nodeUploadKey } from '../../../lambdas/shared/service/keys';
import { loadExample, SEED_NODE } from '../node/compare/support';
import { RecordingExec, replayOf, type Answer } from '../adapters/kubernetes-exec/replay-exec';
import { answerExampleEks } from '../support/example-eks';
import { memoryS3 } from '../support/memory-s3';
import { planAndReadCluster, setServiceEnvironment } from '../support/plan-and-read';

interface ExecOpened {
  readonly clusterName: string;
  readonly endpoint: ClusterEndpoint;
  readonly token: string;
}

const mockExec: { port: PodExec | undefined; opened: ExecOpened[] } = { port: undefined, opened: [] };

jest.mock('#adapters/kubernetes-exec/eks-pod-exec', () => ({
  eksPodExec: (clusterName: string, endpoint: ClusterEndpoint, token: () => Promise<string>): PodExec => ({
    run: async (target, command, options) => {
      mockExec.opened.push({ clusterName, endpoint, token: await token() });
      if (mockExec.port === undefined) throw new Error('no exec port for this test');
      return mockExec.port.run(target, command, options);
    },
  }),
}));

const BUCKET = 'audit-reports';
const CONFIG = {
  clusters: { names: ['prod-a'] },
  alertSeverity: 'high',
  nodeCollection: { enabled: true, nodes: 'all', collector: 'exec' },
};
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const CONTEXT = {
  functionName: 'test',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 300_000,
} as unknown as Context;

const eks = mockClient(EKSClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const s3 = memoryS3(BUCKET, true);

let seedNode: RawNodeOutput;

beforeAll(async () => {
  setServiceEnvironment({ bucket: BUCKET, topicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts', config: CONFIG });
  const seed = await loadExample('seed-cluster');
  const node = seed.nodeOutputs.find((output) => output.nodeName === SEED_NODE);
  if (node === undefined) throw new Error('no seed node');
  seedNode = node;
});

afterAll(() => {
  s3.restore();
  eks.restore();
  ssm.restore();
  sns.restore();
});

/** plan -> audit-cluster -> collect-nodes-exec (batch 0) -> analyze-nodes -> publish, on the seed cluster. */
async function run(
  runId: string,
  answer: Answer,
): Promise<{ exec: RecordingExec; report: AuditReport; outcome: BatchOutcome }> {
  eks.reset();
  answerExampleEks(eks, 'examples/seed-cluster');
  ssm.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  const exec = new RecordingExec(answer);
  mockExec.port = exec;
  mockExec.opened = [];
  const audited = await planAndReadCluster({
    runId,
    startedAt: '2026-12-07T02:00:00.000Z',
    example: 'examples/seed-cluster',
    config: CONFIG,
    providerIds: { [SEED_NODE]: INSTANCE },
    context: CONTEXT,
  });
  expect(audited).toMatchObject({ batches: [{ batchIndex: 0 }], nodesToCollect: 1 });
  const outcome = BatchOutcome.parse(await collectNodesExec({ runId, cluster: 'prod-a', batchIndex: 0 }, CONTEXT));
  const analyzed = await analyzeNodes({ runId, cluster: 'prod-a', batches: [outcome] }, CONTEXT);
  const output = PublishOutput.parse(await publish(analyzed, CONTEXT));
  const report = AuditReport.parse(
    JSON.parse(s3.store.get(`${output.reportPrefix}report.json`)?.body.toString('utf8') ?? ''),
  );
  return { exec, report, outcome };
}

describe('the handler chain with the exec collector', () => {
  it('collects the node through its aws-node pod, audits it clean with tc not checked, and calls no SSM API', async () => {
    const { exec, report, outcome } = await run('exec-1', replayOf(seedNode));
    const planned = BatchPlan.parse(JSON.parse(s3.store.get(batchPlanKey('exec-1', 'prod-a'))?.body.toString() ?? ''));
    expect(planned.batches[0]?.instances).toEqual([
      {
        instanceId: INSTANCE,
        nodeName: SEED_NODE,
        awsNodePod: expect.objectContaining({ name: 'aws-node-7xk2p' }) as unknown,
      },
    ]);
    expect(outcome).toEqual({ batchIndex: 0, status: 'Collected', notCollected: [] });
    expect(s3.store.has(nodeUploadKey('exec-1', 'prod-a', INSTANCE))).toBe(true);
    expect(exec.commands.map((entry) => entry.target)).toEqual(
      exec.commands.map(() => ({ namespace: 'kube-system', pod: 'aws-node-7xk2p', container: 'aws-eks-nodeagent' })),
    );
    expect(exec.commands.length).toBeGreaterThan(1);
    expect(mockExec.opened[0]).toMatchObject({
      clusterName: 'prod-a',
      endpoint: { endpoint: 'https://example.eks.amazonaws.com', certificateAuthorityData: 'Q0E=' },
    });
    expect(mockExec.opened[0]?.token).toMatch(/^k8s-aws-v1\./);
    expect(ssm.calls()).toHaveLength(0);
    expect(report.findings).toEqual([]);
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(report.notChecked).toEqual([
      expect.objectContaining({ kind: 'NC-NODE-TC-EXEC-COLLECTOR', scope: `node ${SEED_NODE} tc filters` }),
    ]);
  });

  it('reports an exec refused by RBAC as the node not collected, naming HTTP 403 and k8s/rbac-exec.yaml', async () => {
    const refused: Answer = () =>
      Promise.reject(
        new PodExecError(
          'forbidden',
          'exec into kube-system/aws-node-7xk2p was refused (HTTP 403): the identity needs pods/exec in kube-system (k8s/rbac-exec.yaml)',
        ),
      );
    const { report, outcome } = await run('exec-2', refused);
    expect(outcome.notCollected).toEqual([
      { nodeName: SEED_NODE, reason: expect.stringContaining('(HTTP 403)') as string },
    ]);
    expect(s3.store.has(nodeUploadKey('exec-2', 'prod-a', INSTANCE))).toBe(false);
    expect(report.findings.map((finding) => finding.checkId)).toEqual(['NODE-NOT-COLLECTED']);
    expect(report.findings[0]?.message).toContain('k8s/rbac-exec.yaml');
    expect(report.inputs.nodeOutputs).toBe(0);
  });
});

// Batch 0 of run exec-1, as the first chain above planned it.
describe('collect-nodes-exec near its timeout', () => {
  it('starts no exec it cannot finish: each node is not collected, because the batch ran out of time', async () => {
    const exec = new RecordingExec(replayOf(seedNode));
    mockExec.port = exec;
    const outcome = BatchOutcome.parse(
      await collectNodesExec(
        { runId: 'exec-1', cluster: 'prod-a', batchIndex: 0 },
        {
          ...CONTEXT,
          getRemainingTimeInMillis: () => 9_000,
        },
      ),
    );
    expect(outcome.notCollected).toEqual([
      {
        nodeName: SEED_NODE,
        reason:
          'not collected, because the batch ran out of time before this node (the function timeout) (pod kube-system/aws-node-7xk2p)',
      },
    ]);
    expect(exec.commands).toEqual([]);
  });

  it('bounds each command by the time left', async () => {
    const exec = new RecordingExec(replayOf(seedNode));
    mockExec.port = exec;
    await collectNodesExec(
      { runId: 'exec-1', cluster: 'prod-a', batchIndex: 0 },
      {
        ...CONTEXT,
        getRemainingTimeInMillis: () => 40_000,
      },
    );
    expect(exec.commands.length).toBeGreaterThan(1);
    expect(exec.commands.every((entry) => entry.options.timeoutMs === 30_000)).toBe(true);
  });
});

describe('execPreflight', () => {
  it('gives each instance its aws-node pod and lists a node without one as not collected', async () => {
    const { inventory } = await loadExample('seed-cluster');
    const { online, offline } = execPreflight(
      [
        { instanceId: INSTANCE, nodeName: SEED_NODE },
        { instanceId: 'i-0fedcba9876543210', nodeName: 'ip-10-9-9-9.internal' },
      ],
      inventory,
    );
    expect(online).toEqual([
      {
        instanceId: INSTANCE,
        nodeName: SEED_NODE,
        awsNodePod: expect.objectContaining({ name: 'aws-node-7xk2p' }) as unknown,
      },
    ]);
    expect(offline).toEqual([
      {
        nodeName: 'ip-10-9-9-9.internal',
        reason: 'not collected, because the node has no aws-node pod (kube-system, k8s-app=aws-node)',
      },
    ]);
  });
});
