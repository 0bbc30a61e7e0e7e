import { RunCommand } from '#adapters/ssm/run-command';
import { collectNodesStep } from '../shared/service/collect-nodes-step';
import { CollectNodesEvent } from '../shared/service/contract';
import { instrumented, logger } from '../shared/service/observability';
import { runtime } from '../shared/service/runtime';

/** Sends the collector to one batch; the task token resumes the state when the command ends (command-status). */
export const handler = instrumented('collect-nodes', CollectNodesEvent, async ({ input }) => {
  const { environment, objects, ssm } = runtime();
  logger.appendKeys({ auditRunId: input.runId, clusterName: input.cluster, batchIndex: input.batchIndex });
  const sent = await collectNodesStep(input, {
    objects,
    runCommand: new RunCommand(ssm),
    document: { name: environment.COLLECTOR_DOCUMENT_NAME, version: environment.COLLECTOR_DOCUMENT_VERSION },
  });
  logger.info('collector sent', sent);
  return sent;
});
