import type { AuditReport } from './report/report';
import type { ClusterInventory } from './model/cluster';
import type { RawNodeOutput } from './model/node-output';

/**
 * The ports through which the engine meets the outside world. Each adapter under lambdas/shared/adapters/
 * implements one of them; the engine itself never reads a file or calls an API.
 */

/** Where a cluster's Kubernetes and EKS documents come from: a snapshot directory, the live APIs, an S3 snapshot. */
export interface ClusterSource {
  readInventory(): Promise<ClusterInventory>;
}

/** Where the raw node outputs (`nodes/<node>/` of the snapshot layout) come from. */
export interface NodeOutputSource {
  hasNodeOutputs(): Promise<boolean>;
  readNodeOutputs(): Promise<RawNodeOutput[]>;
}

/** One node to collect, as the collector addresses it. */
export interface NodeTarget {
  readonly nodeName: string;
  /** EC2 instance id from `spec.providerID` (SSM); absent for collectors that address the node by name. */
  readonly instanceId?: string;
}

/** A node whose outputs could not be collected, and why: reported as not collected, never as clean. */
export interface NotCollectedNode {
  readonly nodeName: string;
  readonly reason: string;
}

export interface NodeCollection {
  readonly collected: readonly RawNodeOutput[];
  readonly notCollected: readonly NotCollectedNode[];
}

/** Runs the read-only node collector on nodes (SSM Run Command, `kubectl exec` into the agent container). */
export interface NodeCollector {
  collect(targets: readonly NodeTarget[]): Promise<NodeCollection>;
}

/** Where a stored report lives: a directory or an S3 prefix, with the object names written under it. */
export interface ReportLocation {
  readonly location: string;
  readonly files: readonly string[];
}

/** Keeps reports: a local directory (CLI) or the service's S3 bucket (`reports/<cluster>/...`). */
export interface ReportStore {
  write(report: AuditReport): Promise<ReportLocation>;
  /** The last report written for the cluster, to tell new drift from persisting drift. */
  latest(clusterName: string): Promise<AuditReport | undefined>;
}

/** A short notice of new drift for people (SNS e-mail, chat). */
export interface DriftAlert {
  readonly subject: string;
  readonly message: string;
  readonly cluster: string;
  readonly newFindings: number;
}

/** Where alerts go (SNS). */
export interface AlertSink {
  publish(alert: DriftAlert): Promise<void>;
}

/** The phases of one audit a `PhaseTimer` sees; node phases run once per node and add up. */
export type AuditPhase =
  'configuration' | 'control-plane-resolve' | 'control-plane-diff' | 'node-parse' | 'node-expected' | 'node-compare';

/**
 * Observes how long each phase of an audit takes (bench, Lambda metrics). The engine keeps no clock: it hands each
 * phase to `time`, which must run it exactly once and return its result.
 */
export interface PhaseTimer {
  time<T>(phase: AuditPhase, run: () => T): T;
}

/** A timer that only runs the phase: the default. */
export const UNTIMED: PhaseTimer = { time: (_phase, run) => run() };

/** What the CLI's `run` needs of a deployed audit stack: the outputs that locate its workflow and its reports. */
export interface AuditStackOutputs {
  readonly stateMachineArn: string;
  readonly reportsBucketName: string;
}

/** Step Functions execution statuses (DescribeExecution). */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionState {
  readonly status: ExecutionStatus;
  /** The execution's output JSON (SUCCEEDED only). */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** A deployed audit workflow (CloudFormation outputs + Step Functions): read the stack, start a run, follow it. */
export interface AuditWorkflowPort {
  stackOutputs(stackName: string): Promise<AuditStackOutputs>;
  /** `input` is the execution input, already validated by the plan step's schema. */
  startExecution(request: {
    readonly stateMachineArn: string;
    readonly name: string;
    readonly input: unknown;
  }): Promise<{ readonly executionArn: string }>;
  describeExecution(executionArn: string): Promise<ExecutionState>;
  /** The state the execution entered last (progress only), or `undefined` when it entered none yet. */
  lastEnteredState(executionArn: string): Promise<string | undefined>;
}
