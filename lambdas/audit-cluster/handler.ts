import { EksClusters } from '#adapters/eks/eks-cluster';
import { eksBearerTokenOpener } from '#adapters/eks/eks-live-source';
import { RunCommand } from '#adapters/ssm/run-command';
import packageJson from '../../package.json';
import { auditClusterStep } from '../shared/service/audit-cluster-step';
import { AuditClusterEvent } from '../shared/service/contract';
import { instrumented, logger, tracer } from '../shared/service/observability';
import { runtime } from '../shared/service/runtime';

/** Reads one cluster into the run's S3 snapshot and plans its node batches. */
export const handler = instrumented('audit-cluster', AuditClusterEvent, async ({ input }) => {
  const { environment, objects, eks, ssm, clusterTokens } = runtime();
  logger.appendKeys({ auditRunId: input.runId, clusterName: input.cluster.name });
  tracer.putAnnotation('clusterName', input.cluster.name);
  const output = await auditClusterStep(input, {
    config: environment.SERVICE_CONFIG,
    objects,
    eks: new EksClusters(eks),
    runCommand: new RunCommand(ssm),
    openKubernetes: eksBearerTokenOpener(clusterTokens),
    now: () => new Date(),
    toolVersion: packageJson.version,
  });
  logger.info('cluster read', {
    nodesToCollect: output.nodesToCollect,
    nodesSkipped: output.nodesSkipped,
    batches: output.batches.length,
  });
  return output;
});
