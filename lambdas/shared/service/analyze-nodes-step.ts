import {
  audit,
  explain,
  UnknownEndpointError,
  withNotCollectedNodes,
  withSkippedNodes,
  type AuditInputs,
  type FlowExplanation,
} from '#engine';
import { S3NodeBundles } from '#adapters/s3/node-bundles';
import type { S3Objects } from '#adapters/s3/s3-objects';
import { S3SnapshotSource } from '#adapters/s3/s3-snapshot-store';
import type { RunCommand } from '#adapters/ssm/run-command';
import type { ServiceConfig } from './config';
import { BatchPlan, type AnalyzeNodesEvent, type AnalyzeNodesOutput, type ExplainRequest } from './contract';
import { batchPlanKey, runExplainKey, runReportKey, runSnapshotPrefix } from './keys';
import { collectedNodes } from './node-outputs';

export interface AnalyzeNodesDependencies {
  readonly config: ServiceConfig;
  readonly objects: S3Objects;
  readonly runCommand: RunCommand;
  readonly now: () => Date;
  readonly engineVersion: string;
}

/** `explain.json` of a run: the verdicts, or why the flow could not be explained. */
export type ExplainResult =
  | { readonly request: ExplainRequest; readonly explanation: FlowExplanation }
  | { readonly request: ExplainRequest; readonly error: string };

function explained(inputs: AuditInputs, request: ExplainRequest): ExplainResult {
  try {
    return { request, explanation: explain(inputs, request) };
  } catch (error) {
    if (error instanceof UnknownEndpointError) return { request, error: error.message };
    throw error;
  }
}

/**
 * Runs the full audit of one cluster: the run's snapshot from S3, the node outputs of its batches, every node
 * that delivered nothing as a not-collected finding, the explain result when the run asked for one.
 */
export async function analyzeNodesStep(
  event: AnalyzeNodesEvent,
  dependencies: AnalyzeNodesDependencies,
): Promise<AnalyzeNodesOutput> {
  const { objects } = dependencies;
  const plan = await objects.requireJson(batchPlanKey(event.runId, event.cluster), BatchPlan);
  const snapshotPrefix = runSnapshotPrefix(event.runId, event.cluster);
  const inventory = await new S3SnapshotSource(objects, snapshotPrefix, event.cluster).readInventory();
  const nodes = plan.nodeCollection
    ? await collectedNodes(plan, event.batches, {
        bundles: new S3NodeBundles(objects),
        runCommand: dependencies.runCommand,
      })
    : undefined;
  const inputs: AuditInputs = {
    inventory,
    ...(nodes === undefined ? {} : { nodeOutputs: nodes.outputs }),
    source: { kind: 'live', location: objects.location(snapshotPrefix) },
  };
  const report = audit(inputs, {
    now: dependencies.now(),
    engineVersion: dependencies.engineVersion,
    desiredMode: dependencies.config.desiredMode,
  });
  const complete = withSkippedNodes(withNotCollectedNodes(report, nodes?.notCollected ?? []), plan.skipped);
  const reportKey = runReportKey(event.runId, event.cluster);
  await objects.putJson(reportKey, complete);
  if (plan.explain !== undefined)
    await objects.putJson(runExplainKey(event.runId, event.cluster), explained(inputs, plan.explain));
  return { runId: event.runId, cluster: event.cluster, reportKey };
}
