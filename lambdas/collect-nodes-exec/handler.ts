import { EksClusters, endpointOf } from '#adapters/eks/eks-cluster';
import { eksPodExec } from '#adapters/kubernetes-exec/eks-pod-exec';
import { collectNodesExecStep } from '../shared/service/collect-nodes-exec-step';
import { CollectNodesExecEvent } from '../shared/service/contract';
import { instrumented, logger } from '../shared/service/observability';
import { runtime } from '../shared/service/runtime';

/** Collects one batch through `pods/exec` into the nodes' aws-node pods; returns the batch outcome. */
export const handler = instrumented('collect-nodes-exec', CollectNodesExecEvent, async ({ input, context }) => {
  const { objects, eks, clusterTokens } = runtime();
  logger.appendKeys({ auditRunId: input.runId, clusterName: input.cluster, batchIndex: input.batchIndex });
  const endpoint = endpointOf(await new EksClusters(eks).describeCluster(input.cluster));
  const tokens = clusterTokens(input.cluster);
  const outcome = await collectNodesExecStep(input, {
    objects,
    exec: eksPodExec(input.cluster, endpoint, () => tokens.token()),
    now: () => new Date(),
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  logger.info('batch collected by exec', { notCollected: outcome.notCollected?.length ?? 0 });
  return outcome;
});
