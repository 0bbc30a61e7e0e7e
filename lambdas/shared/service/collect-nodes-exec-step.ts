import { StoreError } from '#engine';
import { collectExecTargets } from '#adapters/kubernetes-exec/exec-node-collector';
import type { PodExec } from '#adapters/kubernetes-exec/pod-exec';
import { packNodeBundle } from '#adapters/s3/node-bundles';
import type { S3Objects } from '#adapters/s3/s3-objects';
import { BatchPlan, type BatchOutcome, type CollectNodesExecEvent } from './contract';
import { batchPlanKey, nodeUploadKey } from './keys';

/** The exec collector's status of a batch that ended (each node collected or listed with its reason). */
export const EXEC_BATCH_STATUS = 'Collected';

export interface CollectNodesExecDependencies {
  readonly objects: S3Objects;
  /** `pods/exec` on the run's cluster (an EKS token per connection). */
  readonly exec: PodExec;
  readonly now: () => Date;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** The invocation's time left (Lambda context): no exec outlives the function. */
  readonly remainingMs?: () => number;
}

/**
 * Collects one batch through `pods/exec` (aws-eks-na-cli in each node's aws-node pod) and stores each node's
 * outputs as the SSM collector's bundle under the same key, where analyze-nodes reads them; the nodes that delivered
 * nothing travel in the batch outcome with the reason.
 */
export async function collectNodesExecStep(
  event: CollectNodesExecEvent,
  dependencies: CollectNodesExecDependencies,
): Promise<BatchOutcome> {
  const { objects } = dependencies;
  const planKey = batchPlanKey(event.runId, event.cluster);
  const plan = await objects.requireJson(planKey, BatchPlan);
  const batch = plan.batches.find((candidate) => candidate.batchIndex === event.batchIndex);
  if (batch === undefined) throw new StoreError(objects.location(planKey), `no batch ${String(event.batchIndex)}`);
  const instanceOf = new Map(batch.instances.map((instance) => [instance.nodeName, instance.instanceId]));
  const { outputs, notCollected } = await collectExecTargets(dependencies.exec, batch.instances, {
    now: dependencies.now,
    ...(dependencies.concurrency === undefined ? {} : { concurrency: dependencies.concurrency }),
    ...(dependencies.timeoutMs === undefined ? {} : { timeoutMs: dependencies.timeoutMs }),
    ...(dependencies.remainingMs === undefined ? {} : { remainingMs: dependencies.remainingMs }),
  });
  for (const output of outputs) {
    const instanceId = instanceOf.get(output.nodeName) ?? output.nodeName;
    const bundle = await packNodeBundle(output.files, instanceId);
    await objects.put(nodeUploadKey(event.runId, event.cluster, instanceId), bundle, 'application/gzip');
  }
  return { batchIndex: event.batchIndex, status: EXEC_BATCH_STATUS, notCollected };
}
