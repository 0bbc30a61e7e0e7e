import { EksClusters } from '#adapters/eks/eks-cluster';
import { PlanEvent } from '../shared/service/contract';
import { logger, instrumented } from '../shared/service/observability';
import { planRun } from '../shared/service/plan-run';
import { runtime } from '../shared/service/runtime';

/** Validates the execution input (RunInputError names the field) and resolves the clusters of the run. */
export const handler = instrumented('plan', PlanEvent, async ({ input }) => {
  const { environment, eks } = runtime();
  logger.appendKeys({ auditRunId: input.executionName });
  const plan = await planRun(input, {
    config: environment.SERVICE_CONFIG,
    discoverClusters: (tags) => new EksClusters(eks).discover(tags),
    now: () => new Date(),
  });
  logger.info('run planned', {
    clusters: plan.clusters.length,
    focus: plan.focus,
    explain: plan.explain !== undefined,
  });
  return plan;
});
