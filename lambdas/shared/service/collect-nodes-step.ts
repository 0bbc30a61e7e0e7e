import { StoreError } from '#engine';
import { createNodeUploadPolicy, encodePostFields } from '#adapters/s3/presigned-post';
import type { S3Objects } from '#adapters/s3/s3-objects';
import type { CollectorDocument, RunCommand } from '#adapters/ssm/run-command';
import { BatchPlan, type CollectNodesEvent, type TaskTokenRecord } from './contract';
import { batchPlanKey, nodeUploadPrefix, taskTokenKey } from './keys';

/** The collector's own bound per node, and how long the batch's upload policy stays valid (≤ 15 min). */
export const COLLECTOR_TIMEOUT_SECONDS = 120;
export const UPLOAD_POLICY_SECONDS = 600;

export interface CollectNodesDependencies {
  readonly objects: S3Objects;
  readonly runCommand: RunCommand;
  readonly document: CollectorDocument;
}

/**
 * Starts the collector on one batch: one presigned POST policy for the batch's upload prefix, one SendCommand
 * with the pinned document version, the task token stored by command id for command-status.
 */
export async function collectNodesStep(
  event: CollectNodesEvent,
  dependencies: CollectNodesDependencies,
): Promise<{ commandId: string; instances: number }> {
  const { objects } = dependencies;
  const plan = await objects.requireJson(batchPlanKey(event.runId, event.cluster), BatchPlan);
  const batch = plan.batches.find((candidate) => candidate.batchIndex === event.batchIndex);
  if (batch === undefined)
    throw new StoreError(
      objects.location(batchPlanKey(event.runId, event.cluster)),
      `no batch ${String(event.batchIndex)}`,
    );
  const policy = await createNodeUploadPolicy(objects.client, {
    bucket: objects.bucket,
    keyPrefix: nodeUploadPrefix(event.runId, event.cluster),
    expiresSeconds: UPLOAD_POLICY_SECONDS,
  });
  const commandId = await dependencies.runCommand.sendBatch({
    document: dependencies.document,
    instanceIds: batch.instances.map((instance) => instance.instanceId),
    postUrl: policy.url,
    postFields: encodePostFields(policy.fields),
    collectorTimeoutSeconds: COLLECTOR_TIMEOUT_SECONDS,
    comment: `netpol-audit ${event.runId} ${event.cluster} batch ${String(event.batchIndex)}`,
  });
  const record: TaskTokenRecord = {
    taskToken: event.taskToken,
    runId: event.runId,
    cluster: event.cluster,
    batchIndex: event.batchIndex,
  };
  await objects.putJson(taskTokenKey(commandId), record);
  return { commandId, instances: batch.instances.length };
}
