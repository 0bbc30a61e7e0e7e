import { z } from 'zod';
import { Protocol } from '#engine';
import { ClusterName } from './config';

/**
 * The step payloads of the audit workflow (the service contract). Every handler parses its input with one of
 * these; everything large lives in S3 and travels as a key.
 */

/** `namespace/name` of a pod (DNS-1123 labels and subdomains). */
export const PodReference = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected "<namespace>/<pod name>"');

export const NamespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'not a namespace name');

export const ExplainRequest = z
  .object({
    from: z.string().min(1),
    to: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    protocol: Protocol.optional(),
  })
  .strict();
export type ExplainRequest = z.infer<typeof ExplainRequest>;

/**
 * `runs/<runId>/<cluster>/explain.json` as analyze-nodes writes it: the engine's explanation of the run's flow
 * (its verdict layers are read by the engine's renderers, so only their presence is checked here), or why the
 * flow could not be explained.
 */
export const ExplainRecord = z.union([
  z.object({
    request: ExplainRequest,
    explanation: z.looseObject({
      flow: z.looseObject({ from: z.string(), to: z.string(), port: z.number() }),
      intent: z.looseObject({}),
      policyEndpoint: z.looseObject({}),
      kernel: z.looseObject({}),
      disagreements: z.array(z.unknown()),
    }),
  }),
  z.object({ request: ExplainRequest, error: z.string() }),
]);
export type ExplainRecord = z.infer<typeof ExplainRecord>;

/** The execution input of an on-demand run; the nightly schedule sends `{}`. */
export const ExecutionInput = z
  .object({
    clusters: z.array(ClusterName).min(1).optional(),
    namespaces: z.array(NamespaceName).min(1).optional(),
    pods: z.array(PodReference).min(1).optional(),
    explain: ExplainRequest.optional(),
  })
  .strict();
export type ExecutionInput = z.infer<typeof ExecutionInput>;

/** Step Functions execution names: 1-80 characters of letters, digits, `-` and `_`. */
export const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'not an execution name');

export const PlanEvent = z.object({
  input: z.unknown(),
  executionName: RunId,
  executionArn: z.string().startsWith('arn:'),
});
export type PlanEvent = z.infer<typeof PlanEvent>;

export const Focus = z
  .object({ namespaces: z.array(NamespaceName).optional(), pods: z.array(PodReference).optional() })
  .strict();
export type Focus = z.infer<typeof Focus>;

export const RunContext = z.object({
  runId: RunId,
  startedAt: z.iso.datetime(),
  focus: Focus,
  explain: ExplainRequest.optional(),
  executionArn: z.string().startsWith('arn:').optional(),
});

export const PlanOutput = RunContext.extend({ clusters: z.array(z.object({ name: ClusterName })) });
export type PlanOutput = z.infer<typeof PlanOutput>;

export const AuditClusterEvent = RunContext.extend({ cluster: z.object({ name: ClusterName }) });
export type AuditClusterEvent = z.infer<typeof AuditClusterEvent>;

export const SkippedNode = z.object({ nodeName: z.string(), reason: z.string() });

export const AuditClusterOutput = z.object({
  runId: RunId,
  cluster: ClusterName,
  batches: z.array(z.object({ batchIndex: z.number().int().nonnegative() })),
  nodesToCollect: z.number().int().nonnegative(),
  nodesSkipped: z.number().int().nonnegative(),
});
export type AuditClusterOutput = z.infer<typeof AuditClusterOutput>;

/** At most 50 instance ids per SendCommand (aws.md A3.2). */
export const MAX_BATCH_SIZE = 50;

/** A DNS-1123 subdomain (a pod name). */
const PodName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'not a pod name');

/** The node's aws-node pod, where the exec collector runs aws-eks-na-cli (container aws-eks-nodeagent). */
export const AwsNodePod = z.object({
  name: PodName,
  /** The aws-eks-nodeagent image tag, when the pod names one. */
  agentVersion: z.string().min(1).optional(),
});
export type AwsNodePod = z.infer<typeof AwsNodePod>;

export const BatchInstance = z.object({
  instanceId: z.string().regex(/^(i|mi)-[0-9a-f]{8,17}$/, 'not an EC2 instance or managed node id'),
  nodeName: z.string(),
  /** Set when the service collects by exec (`nodeCollection.collector: exec`). */
  awsNodePod: AwsNodePod.optional(),
});
export type BatchInstance = z.infer<typeof BatchInstance>;

/** `runs/<runId>/<cluster>/batches.json`: what audit-cluster picked, for collect-nodes and analyze-nodes. */
export const BatchPlan = z.object({
  runId: RunId,
  cluster: ClusterName,
  startedAt: z.iso.datetime(),
  explain: ExplainRequest.optional(),
  executionArn: z.string().optional(),
  /** false when node collection is off in the config: the node layer is then not checked. */
  nodeCollection: z.boolean(),
  batches: z.array(
    z.object({
      batchIndex: z.number().int().nonnegative(),
      instances: z.array(BatchInstance).min(1).max(MAX_BATCH_SIZE),
    }),
  ),
  /** Nodes that cannot run the collector (Fargate, hybrid, Auto Mode, Windows): not checked. */
  skipped: z.array(SkippedNode),
  /** Nodes picked but not reachable (no SSM agent online, or no aws-node pod to exec into): not collected. */
  unreachable: z.array(SkippedNode),
});
export type BatchPlan = z.infer<typeof BatchPlan>;

export const CollectNodesEvent = z.object({
  runId: RunId,
  cluster: ClusterName,
  batchIndex: z.number().int().nonnegative(),
  taskToken: z.string().min(1),
});
export type CollectNodesEvent = z.infer<typeof CollectNodesEvent>;

/** The exec collector's batch: a synchronous invoke, no task token (it ends when every node of the batch ended). */
export const CollectNodesExecEvent = CollectNodesEvent.omit({ taskToken: true });
export type CollectNodesExecEvent = z.infer<typeof CollectNodesExecEvent>;

/** `tokens/<commandId>.json`: how command-status finds the waiting state of a command. */
export const TaskTokenRecord = z.object({
  taskToken: z.string().min(1),
  runId: RunId,
  cluster: ClusterName,
  batchIndex: z.number().int().nonnegative(),
});
export type TaskTokenRecord = z.infer<typeof TaskTokenRecord>;

export const CollectNodesOutput = z.object({ commandId: z.string(), instances: z.number().int() });

/** SSM command statuses that end a command (aws.md A3.4). */
export const TERMINAL_COMMAND_STATUSES = ['Success', 'Failed', 'TimedOut', 'Cancelled'] as const;

/** EventBridge `EC2 Command Status-change Notification` (source `aws.ssm`). */
export const CommandStatusEvent = z.object({
  source: z.literal('aws.ssm'),
  'detail-type': z.literal('EC2 Command Status-change Notification'),
  detail: z.looseObject({
    'command-id': z.string().min(1),
    'document-name': z.string(),
    status: z.string(),
  }),
});
export type CommandStatusEvent = z.infer<typeof CommandStatusEvent>;

/** What the task token resumes the waiting CollectNodes state with: the batch's outcome, as analyze-nodes reads it. */
export const CommandResult = z.object({
  batchIndex: z.number().int().nonnegative(),
  commandId: z.string(),
  status: z.string(),
});
export type CommandResult = z.infer<typeof CommandResult>;

/** A Step Functions error as a Catch passes it on (`States.Timeout`, a Lambda's errorType). */
export const StepError = z.union([
  z.string(),
  z.looseObject({ Error: z.string().optional(), Cause: z.string().optional() }),
]);
export type StepError = z.infer<typeof StepError>;

export const BatchOutcome = z.object({
  batchIndex: z.number().int().nonnegative(),
  commandId: z.string().optional(),
  status: z.string().optional(),
  error: StepError.optional(),
  /** The exec collector's nodes that delivered nothing, with the reason (its bundles are in S3 like SSM's). */
  notCollected: z.array(SkippedNode).optional(),
});
export type BatchOutcome = z.infer<typeof BatchOutcome>;

export const AnalyzeNodesEvent = z.object({
  runId: RunId,
  cluster: ClusterName,
  batches: z.array(BatchOutcome),
});
export type AnalyzeNodesEvent = z.infer<typeof AnalyzeNodesEvent>;

export const AnalyzeNodesOutput = z.object({ runId: RunId, cluster: ClusterName, reportKey: z.string() });
export type AnalyzeNodesOutput = z.infer<typeof AnalyzeNodesOutput>;

export const ClusterFailure = z.object({ error: z.string(), cause: z.string().optional() });

export const PublishEvent = z.union([
  z.object({ runId: RunId, cluster: ClusterName, reportKey: z.string().min(1) }),
  z.object({
    runId: RunId,
    cluster: ClusterName,
    failure: ClusterFailure,
    startedAt: z.iso.datetime().optional(),
    executionArn: z.string().startsWith('arn:').optional(),
  }),
]);
export type PublishEvent = z.infer<typeof PublishEvent>;

export const PublishOutput = z.object({
  cluster: ClusterName,
  reportPrefix: z.string(),
  newFindings: z.number().int().nonnegative(),
  alerted: z.boolean(),
});
export type PublishOutput = z.infer<typeof PublishOutput>;

/** The output of a successful execution: the plan's fields and one publish result per cluster (`$.results`). */
export const ExecutionOutput = PlanOutput.extend({ results: z.array(PublishOutput) });
export type ExecutionOutput = z.infer<typeof ExecutionOutput>;
