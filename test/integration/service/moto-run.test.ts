/**
 * One audit run of the service against moto in server mode (127.0.0.1): the real handlers with their real S3,
 * SSM and SNS clients pointed at moto, and a stand-in for the SSM agent that runs the collector script extracted
 * from the document with the parameters moto recorded for the SendCommand, uploading through the presigned POST
 * into moto's S3. moto lacks DescribeAddon and DescribeInstanceInformation: those two calls are answered by
 * aws-sdk-client-mock on the clients audit-cluster uses. Kubernetes answers from the example snapshot.
 */
import '../../unit/support/quiet-powertools';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAddonCommand, DescribeClusterCommand, EKSClient, type Addon } from '@aws-sdk/client-eks';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribeInstanceInformationCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { z } from 'zod';
import { AuditReport } from '#engine';
import { EksClusters } from '#adapters/eks/eks-cluster';
import { RunCommand } from '#adapters/ssm/run-command';
import { handler as analyzeNodes } from '../../../lambdas/analyze-nodes/handler';
import { handler as collectNodes } from '../../../lambdas/collect-nodes/handler';
import { handler as plan } from '../../../lambdas/plan/handler';
import { handler as publish } from '../../../lambdas/publish/handler';
import { auditClusterStep } from '../../../lambdas/shared/service/audit-cluster-step';
import { ServiceConfig } from '../../../lambdas/shared/service/config';
import { PlanOutput, PublishOutput } from '../../../lambdas/shared/service/contract';
import { resetRuntime, runtime } from '../../../lambdas/shared/service/runtime';
import { runCollector, type CollectorParameters } from '../node-collector/collector-run';
import { startMotoServer, type MotoServer } from '../node-collector/moto-server';
import { run as runProcess } from '../node-collector/process';
import { exampleKube } from '../../unit/support/example-kube';

jest.setTimeout(180_000);

const BUCKET = 'netpol-audit-reports';
const CLUSTER = 'prod-a';
const NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const CONFIG = {
  clusters: { names: [CLUSTER] },
  alertSeverity: 'high',
  nodeCollection: { enabled: true, nodes: 'all' },
};
const CONTEXT = { functionName: 'it', awsRequestId: 'r-1' } as Context;
const SEED_ADDON = JSON.parse(readFileSync('examples/seed-cluster/eks/addon-vpc-cni.json', 'utf8')) as Addon;
const CREDENTIALS = { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 's'.repeat(40) };

let moto: MotoServer;
let work: string;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMotoServer();
  work = mkdtempSync(join(tmpdir(), 'svc-run-'));
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const sns = new SNSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDENTIALS });
  const topic = await sns.send(new CreateTopicCommand({ Name: 'netpol-audit-alerts' }));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    S3_FORCE_PATH_STYLE: 'true',
    REPORTS_BUCKET: BUCKET,
    ALERTS_TOPIC_ARN: topic.TopicArn ?? '',
    COLLECTOR_DOCUMENT_NAME: 'NetpolAudit-Collector',
    COLLECTOR_DOCUMENT_VERSION: '1',
    SERVICE_CONFIG: JSON.stringify(CONFIG),
  });
  resetRuntime();
});

afterAll(async () => {
  s3.destroy();
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
});

const CommandParameters = z.object({
  PostUrl: z.tuple([z.string()]),
  PostFields: z.tuple([z.string()]),
  NodeName: z.tuple([z.string()]),
  TimeoutSeconds: z.tuple([z.string()]),
});

/** Plays the SSM agent: for each instance of the command, the document's script with the command's parameters. */
async function playAgent(commandId: string): Promise<void> {
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDENTIALS });
  const command = (await ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands?.[0];
  const parameters = CommandParameters.parse(command?.Parameters);
  for (const instanceId of command?.InstanceIds ?? []) {
    const collectorParameters: CollectorParameters = {
      UploadUrl: 'none',
      // The path-style URL of the local S3 (moto); on AWS it is https://<bucket>.s3.<region>.amazonaws.com/.
      PostUrl: parameters.PostUrl[0].endsWith('/') ? parameters.PostUrl[0] : `${parameters.PostUrl[0]}/`,
      PostFields: parameters.PostFields[0],
      NodeName: parameters.NodeName[0],
      TimeoutSeconds: parameters.TimeoutSeconds[0],
      IncludeAgentLog: 'false',
    };
    const result = await runCollector(
      join(work, `${instanceId}.sh`),
      collectorParameters,
      {
        NPC_NA_CLI: join(work, 'absent/aws-eks-na-cli'),
        NPC_BPF_ROOT: join(work, 'absent-bpf'),
        NPC_OUT_DIR: join(work, `${instanceId}-out`),
        NPC_ALLOW_LOOPBACK_HTTP: '1',
        NPC_CMD_TIMEOUT: '5',
        AWS_SSM_INSTANCE_ID: instanceId,
      },
      (file, args, env) => runProcess(file, args, { env }),
    );
    expect(result.summary).toMatchObject({ upload: 'ok', uploadMode: 'post', node: instanceId });
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
}

describe('one service run against moto', () => {
  it('reads the cluster, sends one command, collects the node through the POST policy, keeps the report', async () => {
    const runId = 'it-run-1';
    const startedAt = '2026-12-03T02:00:00.000Z';
    const planned = PlanOutput.parse(
      await plan(
        {
          input: {},
          executionName: runId,
          executionArn: `arn:aws:states:us-east-1:123456789012:execution:audit:${runId}`,
        },
        CONTEXT,
      ),
    );
    expect(planned.clusters).toEqual([{ name: CLUSTER }]);

    const eks = new EKSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDENTIALS });
    const eksMock = mockClient(eks);
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: {
        name: CLUSTER,
        endpoint: 'https://example.eks.amazonaws.com',
        certificateAuthority: { data: 'Q0E=' },
        kubernetesNetworkConfig: { ipFamily: 'ipv4' },
      },
    });
    eksMock.on(DescribeAddonCommand).resolves({ addon: SEED_ADDON });
    const preflight = new SSMClient({ region: 'us-east-1' });
    mockClient(preflight)
      .on(DescribeInstanceInformationCommand)
      .resolves({ InstanceInformationList: [{ InstanceId: INSTANCE, PingStatus: 'Online' }] });
    const audited = await auditClusterStep(
      { ...planned, startedAt, cluster: { name: CLUSTER } },
      {
        config: ServiceConfig.parse(CONFIG),
        objects: runtime().objects,
        eks: new EksClusters(eks),
        runCommand: new RunCommand(preflight),
        openKubernetes: () => Promise.resolve(exampleKube('examples/seed-cluster', { [NODE]: INSTANCE })),
        now: () => new Date(startedAt),
        toolVersion: 'it',
      },
    );
    expect(audited).toMatchObject({ batches: [{ batchIndex: 0 }], nodesToCollect: 1 });

    const sent = z
      .object({ commandId: z.string(), instances: z.literal(1) })
      .parse(await collectNodes({ runId, cluster: CLUSTER, batchIndex: 0, taskToken: 'token-1' }, CONTEXT));
    expect(await keysUnder('tokens/')).toEqual([`tokens/${sent.commandId}.json`]);
    await playAgent(sent.commandId);
    expect(await keysUnder(`runs/${runId}/${CLUSTER}/nodes/`)).toEqual([
      `runs/${runId}/${CLUSTER}/nodes/${INSTANCE}.tar.gz`,
    ]);

    const analyzed = await analyzeNodes(
      { runId, cluster: CLUSTER, batches: [{ batchIndex: 0, commandId: sent.commandId, status: 'Success' }] },
      CONTEXT,
    );
    const output = PublishOutput.parse(await publish(analyzed, CONTEXT));
    const prefix = `reports/${CLUSTER}/2026/12/03/${runId}/`;
    expect(output.reportPrefix).toBe(prefix);
    const kept = await keysUnder(prefix);
    expect(kept).toEqual(
      expect.arrayContaining([
        `${prefix}report.json`,
        `${prefix}report.md`,
        `${prefix}snapshot/k8s/pods.json.gz`,
        `${prefix}snapshot/nodes/${INSTANCE}.tar.gz`,
      ]),
    );
    expect(await keysUnder(`reports/${CLUSTER}/latest.json`)).toEqual([`reports/${CLUSTER}/latest.json`]);
    const body = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}report.json` }));
    const report = AuditReport.parse(JSON.parse((await body.Body?.transformToString()) ?? ''));
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(report.cluster.name).toBe(CLUSTER);
    // The stand-in node has no bpffs and no aws-eks-na-cli: the collector says so, and the audit reports the
    // node as not collected (never as clean); the seed cluster is otherwise clean, so that is the one new finding.
    expect(report.findings.map((finding) => [finding.checkId, finding.resource.node])).toEqual([
      ['NODE-COLLECTION-FAILED', NODE],
    ]);
    expect(output).toEqual({ cluster: CLUSTER, reportPrefix: prefix, newFindings: 1, alerted: true });
  });
});
