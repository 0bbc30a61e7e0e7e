import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  ResourceNotFoundException,
  type Addon,
} from '@aws-sdk/client-eks';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateDocumentCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
  type SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import type { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { z } from 'zod';
import { AuditReport } from '#engine';
import type { ClusterEndpoint } from '#adapters/eks/eks-cluster';
import type { ClusterTokens } from '#adapters/eks-token/eks-token';
import { handler as analyzeNodes } from '../../../../lambdas/analyze-nodes/handler';
import { handler as auditCluster } from '../../../../lambdas/audit-cluster/handler';
import { handler as collectNodes } from '../../../../lambdas/collect-nodes/handler';
import { handler as collectNodesExec } from '../../../../lambdas/collect-nodes-exec/handler';
import { handler as commandStatus } from '../../../../lambdas/command-status/handler';
import { handler as plan } from '../../../../lambdas/plan/handler';
import { handler as publish } from '../../../../lambdas/publish/handler';
import { createRuntime, resetRuntime } from '../../../../lambdas/shared/service/runtime';
import { synthStack, ACCOUNT, REGION, PROJECT_ROOT } from '../../../infra/support/synth';
import { startMotoServer, type MotoServer } from '../../node-collector/moto-server';
import { MOTO_CREDENTIALS } from './cli-environment';
import { LocalWorkflow, type LocalExecution } from './local-workflow';
import { SsmAgentStandIn, type CommandStatusChange, type NodeBehaviour } from './ssm-agent';
import { functionEnvironment, logicalIdOf, templateMappings, templateResource } from './template-env';

// The local deployment of the synthesized stack the workflow tests run (see workflow-run.test.ts's header comment
// for what is moto and what is not).

export const BUCKET = 'testaudit-reports';
export const DOCUMENT = 'TestAudit-CollectorDocument-1A2B3C';
export const SEED = join(PROJECT_ROOT, 'examples/seed-cluster');
export const SEED_NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
export const SEED_INSTANCE = 'i-0a1b2c3d4e5f60718';
/** The shortest batch timeout the config accepts, so a timed-out batch takes one minute. */
export const BATCH_TIMEOUT_SECONDS = 60;
/** The clusters of the synthesized config (created in moto's EKS). */
export const CLUSTERS = ['prod-a', 'prod-b'];

/** The example's add-on (stored as the Addon, or as the DescribeAddon response around it). */
export function addonOf(example: string): Addon {
  const stored = JSON.parse(readFileSync(join(example, 'eks/addon-vpc-cni.json'), 'utf8')) as Addon | { addon: Addon };
  return 'addon' in stored ? stored.addon : stored;
}

export function utcDay(): string {
  return new Date().toISOString().slice(0, 10).replaceAll('-', '/');
}

const SentNotifications = z.array(z.tuple([z.string(), z.string(), z.string().nullable()]).rest(z.unknown()));
const MotoData = z.looseObject({
  sns: z.looseObject({
    Topic: z.array(z.looseObject({ arn: z.string(), sent_notifications: SentNotifications })),
  }),
});

const RulePattern = z.object({
  source: z.array(z.string()),
  'detail-type': z.array(z.string()),
  detail: z.object({ 'document-name': z.array(z.unknown()), status: z.array(z.string()) }),
});

/** The command-status rule of the template matches the event (document-name is the document's Ref). */
function matchesRule(template: Template, event: CommandStatusChange): boolean {
  const rule = template.findResources('AWS::Events::Rule');
  const [only] = Object.values(rule) as { Properties: { EventPattern: unknown } }[];
  const pattern = RulePattern.parse(only?.Properties.EventPattern);
  return (
    pattern.source.includes(event.source) &&
    pattern['detail-type'].includes(event['detail-type']) &&
    pattern.detail.status.includes(event.detail['status'] ?? '') &&
    event.detail['document-name'] === DOCUMENT
  );
}

export interface WorkflowHarnessOptions {
  /** The runtime's bearer tokens for the clusters' Kubernetes APIs (default: the production EKS tokens). */
  readonly clusterTokens?: ClusterTokens;
  /** `nodeCollection.collector` of the synthesized config (default ssm). */
  readonly collector?: 'ssm' | 'exec';
}

/** One handler run of an execution, for the cost model (out/local-runs.json). */
export type RunRecord = Record<string, unknown>;

/**
 * moto in server mode with the stack's bucket, topic, collector document and clusters; the handlers' environment
 * from the template; the runtime's clients answering what moto lacks; the SSM agent stand-in; the local workflow.
 */
export class WorkflowHarness {
  readonly online = new Set<string>();
  readonly deregistered = new Set<string>();
  readonly addons = new Map<string, Addon>();
  /** DescribeCluster answers these instead of moto's endpoint and CA (moto serves no Kubernetes API). */
  readonly endpoints = new Map<string, ClusterEndpoint>();
  readonly runs: RunRecord[] = [];

  private constructor(
    readonly moto: MotoServer,
    /** The synthesized stack the workflow and the handlers' environment come from. */
    readonly template: Template,
    readonly work: string,
    readonly s3: S3Client,
    readonly topicArn: string,
    readonly workflow: LocalWorkflow,
    readonly agent: SsmAgentStandIn,
    /** What each instance's SSM agent does with a command (shared with the agent stand-in). */
    readonly fleet: Map<string, NodeBehaviour>,
  ) {}

  static async start(options: WorkflowHarnessOptions = {}): Promise<WorkflowHarness> {
    const { stack, template } = synthStack({
      clusters: { names: CLUSTERS },
      nodeCollection: { batchTimeoutSeconds: BATCH_TIMEOUT_SECONDS, collector: options.collector ?? 'ssm' },
    });
    const moto = await startMotoServer();
    const work = mkdtempSync(join(tmpdir(), 'svc-workflow-'));
    const endpoint = moto.endpoint;
    const clientConfig = { region: REGION, endpoint, credentials: MOTO_CREDENTIALS };
    const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
    await s3.send(
      new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    const topicArn =
      (await new SNSClient(clientConfig).send(new CreateTopicCommand({ Name: 'TestAudit-Alerts' }))).TopicArn ?? '';
    const motoSsm = new SSMClient(clientConfig);
    const documentId = logicalIdOf(template, 'AWS::SSM::Document', 'CollectorDocument');
    const documentResource = z
      .object({ Properties: z.object({ Content: z.unknown() }) })
      .parse(templateResource(template, documentId));
    const created = await motoSsm.send(
      new CreateDocumentCommand({
        Name: DOCUMENT,
        Content: JSON.stringify(documentResource.Properties.Content),
        DocumentFormat: 'JSON',
        DocumentType: 'Command',
      }),
    );
    const motoEks = new EKSClient(clientConfig);
    for (const name of CLUSTERS)
      await motoEks.send(
        new CreateClusterCommand({
          name,
          roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-cluster`,
          resourcesVpcConfig: { subnetIds: ['subnet-0123456789abcdef0'] },
          version: '1.33',
        }),
      );

    const environment = functionEnvironment(
      template,
      logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionsPlanFunction'),
      {
        refs: {
          [logicalIdOf(template, 'AWS::S3::Bucket', 'Reports')]: BUCKET,
          [logicalIdOf(template, 'AWS::SNS::Topic', 'AlertsTopic')]: topicArn,
          [documentId]: DOCUMENT,
        },
        attributes: {
          [`${logicalIdOf(template, 'Custom::AWS', 'CollectorDeployedVersion')}.Document.LatestVersion`]:
            created.DocumentDescription?.LatestVersion ?? '',
        },
        mappings: templateMappings(template),
      },
    );
    Object.assign(process.env, environment, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      S3_FORCE_PATH_STYLE: 'true',
    });
    const production = createRuntime();
    const clients =
      options.clusterTokens === undefined ? production : { ...production, clusterTokens: options.clusterTokens };
    resetRuntime(clients);

    // The mocks, the agent and the workflow reach the harness only once it exists (when the workflow runs).
    const eksMock = mockClient(clients.eks);
    eksMock.send.callThrough();
    eksMock.on(DescribeAddonCommand).callsFake((input: { clusterName: string }) => {
      const addon = harness.addons.get(input.clusterName);
      // The error the SDK deserializes for a cluster without the add-on (a self-managed VPC CNI).
      if (addon === undefined) throw new ResourceNotFoundException({ message: 'No addon: vpc-cni', $metadata: {} });
      return { addon };
    });
    eksMock.on(DescribeClusterCommand).callsFake(async (input: { name: string }) => {
      const answer = await motoEks.send(new DescribeClusterCommand(input));
      const served = harness.endpoints.get(input.name);
      if (served === undefined || answer.cluster === undefined) return answer;
      return {
        ...answer,
        cluster: {
          ...answer.cluster,
          endpoint: served.endpoint,
          certificateAuthority: { data: served.certificateAuthorityData },
        },
      };
    });
    const ssmMock = mockClient(clients.ssm);
    ssmMock.send.callThrough();
    ssmMock.on(DescribeInstanceInformationCommand).callsFake((input: { Filters?: { Values?: string[] }[] }) => ({
      InstanceInformationList: (input.Filters?.[0]?.Values ?? [])
        .filter((id) => harness.fleet.has(id))
        .map((id) => ({ InstanceId: id, PingStatus: harness.online.has(id) ? 'Online' : 'ConnectionLost' })),
    }));
    // SSM refuses a command for an instance that left Systems Manager after the pre-flight (InvalidInstanceId).
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      const gone = (input.InstanceIds ?? []).filter((id) => harness.deregistered.has(id));
      if (gone.length > 0)
        throw Object.assign(new Error(`Instances [${gone.join(', ')}] not in a valid state for account ${ACCOUNT}`), {
          name: 'InvalidInstanceId',
        });
      return motoSsm.send(new SendCommandCommand(input));
    });
    ssmMock.on(GetCommandInvocationCommand).callsFake((input: { CommandId: string; InstanceId: string }) => {
      const record = harness.agent.invocation(input.CommandId, input.InstanceId);
      if (record === undefined) throw Object.assign(new Error('no invocation'), { name: 'InvocationDoesNotExist' });
      return { CommandId: input.CommandId, InstanceId: input.InstanceId, ...record };
    });
    const sfnMock = mockClient(clients.sfn);
    sfnMock.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
      if (!harness.workflow.tokens.succeed(input.taskToken, input.output))
        throw Object.assign(new Error('Task does not exist anymore'), { name: 'TaskDoesNotExist' });
      return {};
    });
    sfnMock.on(SendTaskFailureCommand).callsFake((input: { taskToken: string; error?: string; cause?: string }) => {
      if (!harness.workflow.tokens.fail(input.taskToken, input.error ?? 'Error', input.cause ?? ''))
        throw Object.assign(new Error('Task does not exist anymore'), { name: 'TaskDoesNotExist' });
      return {};
    });

    const fleet = new Map<string, NodeBehaviour>();
    const agent: SsmAgentStandIn = new SsmAgentStandIn({
      ssm: motoSsm,
      region: REGION,
      account: ACCOUNT,
      fleet,
      emit: async (event): Promise<unknown> => {
        if (!matchesRule(template, event))
          throw new Error(`the command-status rule does not match ${JSON.stringify(event)}`);
        return await harness.workflow.invoke('commandStatus', event);
      },
    });
    const workflow = new LocalWorkflow({
      stack,
      template,
      handlers:
        options.collector === 'exec'
          ? { plan, auditCluster, collectNodes: collectNodesExec, analyzeNodes, publish }
          : { plan, auditCluster, collectNodes, commandStatus, analyzeNodes, publish },
      onCommandSent: (commandId) => {
        agent.deliver(commandId);
      },
    });
    const harness: WorkflowHarness = new WorkflowHarness(moto, template, work, s3, topicArn, workflow, agent, fleet);
    return harness;
  }

  /** Forgets the previous scenario's fleet, add-ons and endpoints. */
  reset(): void {
    this.fleet.clear();
    this.online.clear();
    this.deregistered.clear();
    this.addons.clear();
    this.endpoints.clear();
  }

  async stop(): Promise<void> {
    this.s3.destroy();
    await this.moto.stop();
    rmSync(this.work, { recursive: true, force: true });
  }

  /** The seed cluster's add-on and its one node, recorded (the collection the example holds). */
  seedNodes(cluster: string): void {
    this.addons.set(cluster, addonOf(SEED));
    this.fleet.set(SEED_INSTANCE, { kind: 'recorded', example: SEED, nodeName: SEED_NODE });
    this.online.add(SEED_INSTANCE);
  }

  async keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token !== undefined);
    return keys.sort();
  }

  async readText(key: string): Promise<string> {
    const body = await this.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await body.Body?.transformToString()) ?? '';
  }

  async readBytes(key: string): Promise<Uint8Array> {
    const body = await this.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await body.Body?.transformToByteArray()) ?? new Uint8Array();
  }

  async readReport(key: string): Promise<AuditReport> {
    return AuditReport.parse(JSON.parse(await this.readText(key)));
  }

  /** Every message published to the alerts topic so far (moto's backend API). */
  async alerts(): Promise<{ subject: string | null; message: string }[]> {
    const data = MotoData.parse(await (await fetch(`${this.moto.endpoint}/moto-api/data.json`)).json());
    const topic = data.sns.Topic.find((candidate) => candidate.arn === this.topicArn);
    return (topic?.sent_notifications ?? []).map(([, message, subject]) => ({ subject, message }));
  }

  /** Runs the workflow, waits for the SSM agent stand-in, records the run for the cost model. */
  async execute(name: string, input: unknown, scenario: string): Promise<LocalExecution> {
    const execution = await this.workflow.run(name, input);
    await this.agent.settle();
    const byFunction: Record<string, { invocations: number; totalMs: number; maxMs: number }> = {};
    for (const invocation of execution.invocations) {
      const entry = (byFunction[invocation.function] ??= { invocations: 0, totalMs: 0, maxMs: 0 });
      entry.invocations += 1;
      entry.totalMs = Math.round(entry.totalMs + invocation.ms);
      entry.maxMs = Math.max(entry.maxMs, Math.round(invocation.ms));
    }
    this.runs.push({
      scenario,
      execution: name,
      input,
      status: execution.status,
      transitions: execution.transitions,
      statesEntered: execution.statesEntered,
      handlers: byFunction,
    });
    process.stdout.write(
      `[workflow-run] ${scenario} / ${name}: ${execution.status}, ${execution.transitions} transitions\n`,
    );
    return execution;
  }
}
