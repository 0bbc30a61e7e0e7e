/**
 * The service's handler chain run locally on the example snapshot (one cluster, one node, one batch), as the
 * handlers test chains it: AWS clients mocked at the SDK, S3 in memory. It measures what the cost model needs and
 * the cloud bills: each function's duration, the S3 requests by billing class and by scope (run, cluster, batch,
 * node), the bytes each function logs (Powertools JSON and EMF metrics, i.e. CloudWatch Logs ingestion) and the
 * bytes kept in S3. Written to out/local-runs.json.
 */
import { LOCAL_BUCKET, LOCAL_CONFIG } from './service-environment';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EKSClient } from '@aws-sdk/client-eks';
import { S3Client } from '@aws-sdk/client-s3';
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
import { EksClusters } from '#adapters/eks/eks-cluster';
import { RunCommand } from '#adapters/ssm/run-command';
import { handler as analyzeNodes } from '../../lambdas/analyze-nodes/handler';
import { handler as collectNodes } from '../../lambdas/collect-nodes/handler';
import { handler as commandStatus } from '../../lambdas/command-status/handler';
import { handler as plan } from '../../lambdas/plan/handler';
import { handler as publish } from '../../lambdas/publish/handler';
import { auditClusterStep } from '../../lambdas/shared/service/audit-cluster-step';
import { ServiceConfig } from '../../lambdas/shared/service/config';
import { PlanOutput } from '../../lambdas/shared/service/contract';
import { nodeUploadKey } from '../../lambdas/shared/service/keys';
import { logger } from '../../lambdas/shared/service/observability';
import { runtime } from '../../lambdas/shared/service/runtime';
import { answerExampleEks } from '../../test/unit/support/example-eks';
import { exampleKube } from '../../test/unit/support/example-kube';
import { memoryS3 } from '../../test/unit/support/memory-s3';
import { nodeBundle } from '../../test/unit/support/node-bundle';
import { median } from '../measure';
import { FunctionName, LocalRuns, type RequestScope, type S3RequestClass } from './local-runs';

export const LOCAL_RUNS_FILE = 'out/local-runs.json';
const EXAMPLE = 'examples/seed-cluster';
const NODE_NAME = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const CONTEXT = { functionName: 'local', awsRequestId: 'r-1' };

const S3_CLASS: Readonly<Record<string, S3RequestClass>> = {
  PutObjectCommand: 'put',
  CopyObjectCommand: 'put',
  ListObjectsV2Command: 'put',
  GetObjectCommand: 'get',
};

/** What one function did during one invocation. */
interface Invocation {
  readonly fn: FunctionName;
  readonly ms: number;
  readonly logBytes: number;
  readonly metricBytes: number;
}

/** Counts S3 requests (by class and scope) and stdout bytes while a function runs. */
class Meter {
  readonly requests = new Map<string, number>();
  readonly invocations: Invocation[] = [];
  private current: FunctionName | undefined;
  private logBytes = 0;
  private metricBytes = 0;
  bundleBytes = 0;

  s3Request(commandName: string, key: string): void {
    const requestClass = S3_CLASS[commandName];
    if (requestClass === undefined || this.current === undefined) return;
    // A LIST returns every key of its prefix in one page (≤ 1,000 keys): once per cluster, whatever the node count.
    this.count(requestClass, commandName === 'ListObjectsV2Command' ? 'cluster' : this.scopeOf(key), this.current);
  }

  /** The node's own upload through the presigned POST: one PUT-class request per node. */
  nodeUpload(): void {
    this.count('put', 'node', 'node');
  }

  logged(text: string): void {
    if (this.current === undefined) return;
    const bytes = Buffer.byteLength(text);
    if (text.includes('"_aws"')) this.metricBytes += bytes;
    else this.logBytes += bytes;
  }

  async run<T>(fn: FunctionName, work: () => Promise<T>): Promise<T> {
    this.current = fn;
    this.logBytes = 0;
    this.metricBytes = 0;
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.invocations.push({
        fn,
        ms: performance.now() - start,
        logBytes: this.logBytes,
        metricBytes: this.metricBytes,
      });
      this.current = undefined;
    }
  }

  private scopeOf(key: string): RequestScope {
    if (key.includes('/nodes/')) return 'node';
    if (this.current === 'collect-nodes' || this.current === 'command-status') return 'batch';
    return this.current === 'plan' ? 'run' : 'cluster';
  }

  private count(requestClass: S3RequestClass, scope: RequestScope, by: FunctionName | 'node'): void {
    const name = [by, requestClass, scope].join(' ');
    this.requests.set(name, (this.requests.get(name) ?? 0) + 1);
  }
}

type Send = (this: unknown, command: { constructor: { name: string }; input: unknown }) => Promise<unknown>;

function keyOf(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const { Key, Prefix } = input as { Key?: unknown; Prefix?: unknown };
  return typeof Key === 'string' ? Key : typeof Prefix === 'string' ? Prefix : '';
}

/** Sees every S3 request and every byte written to stdout; returns a function that undoes both. */
function instrument(meter: Meter): () => void {
  const prototype = S3Client.prototype as unknown as { send: Send };
  const mocked = prototype.send;
  prototype.send = function send(this: unknown, command) {
    meter.s3Request(command.constructor.name, keyOf(command.input));
    return mocked.call(this, command);
  };
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    meter.logged(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  return () => {
    prototype.send = mocked;
    process.stdout.write = write;
  };
}

/** AWS APIs other than S3, answered as the handlers test does. */
function mockOtherClients(): void {
  answerExampleEks(mockClient(EKSClient), EXAMPLE);
  const ssmMock = mockClient(SSMClient);
  ssmMock
    .on(DescribeInstanceInformationCommand)
    .resolves({ InstanceInformationList: [{ InstanceId: INSTANCE, PingStatus: 'Online' }] });
  ssmMock.on(SendCommandCommand).callsFake((input: { Comment?: string }) => ({
    Command: { CommandId: `cmd-${(input.Comment ?? '').split(' ')[1] ?? ''}` },
  }));
  ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Success', StandardOutputContent: '' });
  mockClient(SNSClient).on(PublishCommand).resolves({ MessageId: 'm' });
  mockClient(SFNClient).on(SendTaskSuccessCommand).resolves({});
}

/** One run of the chain: plan, audit-cluster, collect-nodes, the node's upload, command-status, analyze, publish. */
async function runChain(runId: string, meter: Meter, store: Map<string, { body: Buffer }>): Promise<void> {
  const context = CONTEXT as Context;
  const executionArn = `arn:aws:states:eu-west-1:111122223333:execution:audit:${runId}`;
  const planned = PlanOutput.parse(
    await meter.run('plan', () => plan({ input: {}, executionName: runId, executionArn }, context)),
  );
  const [cluster] = planned.clusters;
  if (cluster === undefined) throw new Error('no cluster planned');
  const startedAt = new Date().toISOString();
  await meter.run('audit-cluster', async () => {
    const output = await auditClusterStep(
      { ...planned, startedAt, cluster },
      {
        config: ServiceConfig.parse(LOCAL_CONFIG),
        objects: runtime().objects,
        eks: new EksClusters(runtime().eks),
        runCommand: new RunCommand(runtime().ssm),
        openKubernetes: () => Promise.resolve(exampleKube(EXAMPLE, { [NODE_NAME]: INSTANCE })),
        now: () => new Date(startedAt),
        toolVersion: 'local',
      },
    );
    // The handler's own line, as lambdas/audit-cluster/handler.ts logs it (the step is called directly here).
    logger.info('cluster read', {
      nodesToCollect: output.nodesToCollect,
      nodesSkipped: output.nodesSkipped,
      batches: output.batches.length,
    });
  });
  const commandId = `cmd-${runId}`;
  await meter.run('collect-nodes', () =>
    collectNodes({ runId, cluster: 'prod-a', batchIndex: 0, taskToken: `token-${runId}` }, context),
  );
  const bundle = await nodeBundle(`${EXAMPLE}/nodes/${NODE_NAME}`, INSTANCE);
  store.set(nodeUploadKey(runId, 'prod-a', INSTANCE), { body: bundle });
  meter.nodeUpload();
  meter.bundleBytes = bundle.length;
  const detail = { 'command-id': commandId, 'document-name': 'NetpolAudit-Collector', status: 'Success' };
  await meter.run('command-status', () =>
    commandStatus({ source: 'aws.ssm', 'detail-type': 'EC2 Command Status-change Notification', detail }, context),
  );
  const analyzed = await meter.run('analyze-nodes', () =>
    analyzeNodes({ runId, cluster: 'prod-a', batches: [{ batchIndex: 0, commandId, status: 'Success' }] }, context),
  );
  await meter.run('publish', () => publish(analyzed, context));
}

function keptBytes(store: Map<string, { body: Buffer }>, runId: string): { reports: number; run: number } {
  let reports = 0;
  let run = 0;
  for (const [key, object] of store) {
    if (key.startsWith('reports/') && key.includes(`/${runId}/`)) reports += object.body.length;
    if (key.startsWith(`runs/${runId}/`)) run += object.body.length;
  }
  return { reports, run };
}

/** Runs the chain `runs` times (the first is the cold one) and summarises the warm runs by their median. */
export async function measureLocalRuns(runs: number): Promise<LocalRuns> {
  mockOtherClients();
  const s3 = memoryS3(LOCAL_BUCKET, true);
  const meters: Meter[] = [];
  for (let index = 0; index < runs; index += 1) {
    const meter = new Meter();
    const restore = instrument(meter);
    try {
      await runChain(`local-${String(index)}`, meter, s3.store);
    } finally {
      restore();
    }
    meters.push(meter);
  }
  const [cold, ...warm] = meters;
  if (cold === undefined || warm.length === 0) throw new Error('at least two runs are needed (one cold, one warm)');
  const of = (meter: Meter, fn: FunctionName): Invocation | undefined =>
    meter.invocations.find((invocation) => invocation.fn === fn);
  const last = warm[warm.length - 1] ?? cold;
  const lastBytes = keptBytes(s3.store, `local-${String(runs - 1)}`);
  return LocalRuns.parse({
    source: `${EXAMPLE}, one cluster, one node, one batch; ${String(warm.length)} warm runs after one cold run`,
    measuredAt: new Date().toISOString(),
    functions: Object.fromEntries(
      FunctionName.options.map((fn) => [
        fn,
        {
          coldMs: of(cold, fn)?.ms ?? 0,
          warmMs: median(warm.map((meter) => of(meter, fn)?.ms ?? 0)),
          logBytes: of(last, fn)?.logBytes ?? 0,
          metricBytes: of(last, fn)?.metricBytes ?? 0,
        },
      ]),
    ),
    s3Requests: [...last.requests].map(([name, count]) => {
      const [by, requestClass, scope] = name.split(' ');
      return { by, requestClass, scope, count };
    }),
    keptReportBytes: lastBytes.reports,
    runDataBytes: lastBytes.run,
    nodeBundleBytes: last.bundleBytes,
  });
}

export function writeLocalRuns(runs: LocalRuns, file = LOCAL_RUNS_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(runs, null, 2)}\n`);
}
