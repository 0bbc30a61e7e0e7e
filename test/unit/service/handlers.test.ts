/**
 * The six handlers chained as the workflow runs them, on one cluster, with the AWS clients mocked at the SDK
 * (aws-sdk-client-mock) and S3 in memory: exact S3 keys, SendCommand, task token, alert. The scenario tier runs
 * the same chain against moto in server mode and the real kube-apiserver.
 */
import '../support/quiet-powertools';
import { EKSClient } from '@aws-sdk/client-eks';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AuditReport, compareReports, ReportHistory } from '#engine';
import { handler as analyzeNodes } from '../../../lambdas/analyze-nodes/handler';
import { handler as collectNodes } from '../../../lambdas/collect-nodes/handler';
import { handler as commandStatus } from '../../../lambdas/command-status/handler';
import { handler as publish } from '../../../lambdas/publish/handler';
import { PublishOutput } from '../../../lambdas/shared/service/contract';
import { nodeUploadKey } from '../../../lambdas/shared/service/keys';
import { answerExampleEks } from '../support/example-eks';
import { memoryS3 } from '../support/memory-s3';
import { planAndReadCluster, setServiceEnvironment } from '../support/plan-and-read';
import { nodeBundle } from '../support/node-bundle';

const BUCKET = 'audit-reports';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:alerts';
const CONFIG = {
  clusters: { names: ['prod-a'] },
  alertSeverity: 'high',
  nodeCollection: { enabled: true, nodes: 'all' },
};
const INSTANCE = 'i-0a1b2c3d4e5f60718';
/** The example node whose outputs the stand-in uploads, as instance INSTANCE; other nodes keep their short fake ids. */
const COLLECTED_NODE: Readonly<Record<string, string>> = {
  'seed-cluster': 'ip-172-31-103-129.ap-northeast-1.compute.internal',
  'drift-cluster': 'ip-10-0-1-25.eu-west-1.compute.internal',
};
const CONTEXT = { functionName: 'test', awsRequestId: 'r-1' } as Context;

const eks = mockClient(EKSClient);
const ssm = mockClient(SSMClient);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const s3 = memoryS3(BUCKET, true);

beforeAll(() => {
  setServiceEnvironment({
    bucket: BUCKET,
    topicArn: TOPIC,
    config: CONFIG,
    extra: {
      STATE_MACHINE_CONSOLE_BASE:
        'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details',
    },
  });
});

afterAll(() => {
  s3.restore();
  eks.restore();
});

function mockEks(example: string): void {
  eks.reset();
  answerExampleEks(eks, `examples/${example}`);
}

/** One night: plan -> audit-cluster -> collect-nodes -> (the node uploads, the status event) -> analyze -> publish. */
async function run(
  runId: string,
  example: string,
  startedAt: string,
): Promise<{ output: PublishOutput; report: AuditReport }> {
  const nodeName = COLLECTED_NODE[example] ?? '';
  mockEks(example);
  ssm.reset();
  sfn.reset();
  sns.reset();
  ssm
    .on(DescribeInstanceInformationCommand)
    .resolves({ InstanceInformationList: [{ InstanceId: INSTANCE, PingStatus: 'Online' }] });
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: `cmd-${runId}` } });
  ssm.on(GetCommandInvocationCommand).resolves({ Status: 'Success', StandardOutputContent: '' });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  sfn.on(SendTaskSuccessCommand).resolves({});
  const audited = await planAndReadCluster({
    runId,
    startedAt,
    example: `examples/${example}`,
    config: CONFIG,
    providerIds: { [nodeName]: INSTANCE },
    context: CONTEXT,
  });
  expect(audited).toMatchObject({ runId, cluster: 'prod-a', batches: [{ batchIndex: 0 }], nodesToCollect: 1 });
  await collectNodes({ runId, cluster: 'prod-a', batchIndex: 0, taskToken: `token-${runId}` }, CONTEXT);
  // The stand-in for the node: it uploads its bundle where the policy lets it.
  s3.store.set(nodeUploadKey(runId, 'prod-a', INSTANCE), {
    body: await nodeBundle(`examples/${example}/nodes/${nodeName}`, INSTANCE),
  });
  await commandStatus(
    {
      source: 'aws.ssm',
      'detail-type': 'EC2 Command Status-change Notification',
      detail: { 'command-id': `cmd-${runId}`, 'document-name': 'NetpolAudit-Collector', status: 'Success' },
    },
    CONTEXT,
  );
  const analyzed = await analyzeNodes(
    { runId, cluster: 'prod-a', batches: [{ batchIndex: 0, commandId: `cmd-${runId}`, status: 'Success' }] },
    CONTEXT,
  );
  const output = PublishOutput.parse(await publish(analyzed, CONTEXT));
  const report = AuditReport.parse(
    JSON.parse(s3.store.get(`${output.reportPrefix}report.json`)?.body.toString('utf8') ?? ''),
  );
  return { output, report };
}

describe('the handler chain on one cluster', () => {
  it('clean cluster: the exact report keys, latest.json, the node collected, no alert', async () => {
    const { output, report } = await run('night-1', 'seed-cluster', '2026-12-01T02:00:00.000Z');
    expect(output).toEqual({
      cluster: 'prod-a',
      reportPrefix: 'reports/prod-a/2026/12/01/night-1/',
      newFindings: 0,
      alerted: false,
    });
    const kept = [...s3.store.keys()].filter((key) => key.startsWith(output.reportPrefix)).sort();
    expect(kept).toEqual(
      expect.arrayContaining([
        'reports/prod-a/2026/12/01/night-1/report.json',
        'reports/prod-a/2026/12/01/night-1/report.md',
        'reports/prod-a/2026/12/01/night-1/snapshot/eks/cluster.json.gz',
        'reports/prod-a/2026/12/01/night-1/snapshot/k8s/pods.json.gz',
        'reports/prod-a/2026/12/01/night-1/snapshot/snapshot.json.gz',
        `reports/prod-a/2026/12/01/night-1/snapshot/nodes/${INSTANCE}.tar.gz`,
      ]),
    );
    expect(s3.store.has('reports/prod-a/latest.json')).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const send = ssm.commandCalls(SendCommandCommand)[0]?.args[0].input;
    expect(send).toMatchObject({
      DocumentName: 'NetpolAudit-Collector',
      DocumentVersion: '4',
      InstanceIds: [INSTANCE],
    });
    expect(send?.Parameters?.PostUrl).toEqual([`https://${BUCKET}.s3.eu-west-1.amazonaws.com/`]);
    expect(JSON.parse(s3.store.get('tokens/cmd-night-1.json')?.body.toString('utf8') ?? '')).toEqual({
      taskToken: 'token-night-1',
      runId: 'night-1',
      cluster: 'prod-a',
      batchIndex: 0,
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token-night-1',
      output: JSON.stringify({ batchIndex: 0, commandId: 'cmd-night-1', status: 'Success' }),
    });
  });

  it('drift: one alert with cluster, counts, top findings, report and execution; the same drift next night: none', async () => {
    const drift = await run('night-2', 'drift-cluster', '2026-12-02T02:00:00.000Z');
    expect(drift.output.alerted).toBe(true);
    const published = sns.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    const message = published[0]?.args[0].input.Message ?? '';
    const alertable = drift.report.findings.filter((finding) => ['critical', 'high'].includes(finding.severity));
    expect(message).toContain(
      `New network policy drift in EKS cluster prod-a: ${String(alertable.length)} new finding(s) at or above high.`,
    );
    expect(message).toContain('By layer: ');
    expect(message).toContain(`- [${alertable[0]?.severity ?? ''}] ${alertable[0]?.checkId ?? ''}`);
    expect(message).toContain('Report: s3://audit-reports/reports/prod-a/2026/12/02/night-2/report.md');
    expect(message).toContain(
      'Execution: https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:111122223333:execution:audit:night-2',
    );
    expect(published[0]?.args[0].input.Subject).toBe(
      `eks-netpol-audit: ${String(alertable.length)} new finding(s) in prod-a`,
    );

    const again = await run('night-3', 'drift-cluster', '2026-12-03T02:00:00.000Z');
    expect(again.output).toMatchObject({ newFindings: 0, alerted: false });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);

    const fixed = await run('night-4', 'seed-cluster', '2026-12-04T02:00:00.000Z');
    expect(fixed.output).toMatchObject({ alerted: false });
    expect(fixed.report.findings).toEqual([]);
    const resolved = compareReports(again.report, fixed.report).resolvedFindings;
    expect(resolved.map((finding) => finding.fingerprint)).toEqual(
      again.report.findings.map((finding) => finding.fingerprint),
    );
    expect(resolved.length).toBeGreaterThan(0);

    // history.json: one entry per checked night, oldest first, with what each run added and resolved.
    const history = ReportHistory.parse(JSON.parse(s3.store.get('reports/prod-a/history.json')?.body.toString() ?? ''));
    expect(history.cluster).toBe('prod-a');
    expect(history.runs.map((entry) => [entry.newFindings, entry.resolvedFindings])).toEqual([
      [0, 0],
      [drift.output.newFindings, 0],
      [0, 0],
      [0, resolved.length],
    ]);
    expect(history.runs.slice(1).map((entry) => entry.generatedAt)).toEqual(
      [drift, again, fixed].map((night) => night.report.generatedAt),
    );
    expect(history.runs[1]?.totalFindings).toBe(drift.report.summary.totalFindings);
  });

  it('a cluster that could not be checked: a report that says so, an alert, latest.json untouched', async () => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const latestBefore = s3.store.get('reports/prod-a/latest.json');
    const historyBefore = s3.store.get('reports/prod-a/history.json');
    const output = PublishOutput.parse(
      await publish(
        {
          runId: 'night-5',
          cluster: 'prod-a',
          startedAt: '2026-12-05T02:00:00.000Z',
          failure: {
            error: 'ClusterAccessError',
            cause: JSON.stringify({
              errorType: 'ClusterAccessError',
              errorMessage: 'cluster prod-a: unreachable: connect ETIMEDOUT',
            }),
          },
        },
        CONTEXT,
      ),
    );
    expect(output).toEqual({
      cluster: 'prod-a',
      reportPrefix: 'reports/prod-a/2026/12/05/night-5/',
      newFindings: 1,
      alerted: true,
    });
    const report = AuditReport.parse(
      JSON.parse(s3.store.get('reports/prod-a/2026/12/05/night-5/report.json')?.body.toString('utf8') ?? ''),
    );
    expect(report.findings.map((finding) => [finding.checkId, finding.message])).toEqual([
      [
        'INPUT-CLUSTER-UNREADABLE',
        'cluster prod-a could not be checked (unreachable): ClusterAccessError: cluster prod-a: unreachable: connect ETIMEDOUT',
      ],
    ]);
    expect(s3.store.get('reports/prod-a/latest.json')).toBe(latestBefore);
    expect(s3.store.get('reports/prod-a/history.json')).toBe(historyBefore);
  });

  it('ignores status events of other documents and statuses that are not terminal', async () => {
    sfn.reset();
    const event = (document: string, status: string): unknown => ({
      source: 'aws.ssm',
      'detail-type': 'EC2 Command Status-change Notification',
      detail: { 'command-id': 'cmd-x', 'document-name': document, status },
    });
    await expect(commandStatus(event('AWS-RunShellScript', 'Success'), CONTEXT)).resolves.toEqual({
      resumed: false,
      commandId: 'cmd-x',
    });
    await expect(commandStatus(event('NetpolAudit-Collector', 'InProgress'), CONTEXT)).resolves.toEqual({
      resumed: false,
      commandId: 'cmd-x',
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
