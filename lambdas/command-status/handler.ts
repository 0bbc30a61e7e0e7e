import { commandStatusStep } from '../shared/service/command-status-step';
import { CommandStatusEvent } from '../shared/service/contract';
import { instrumented, logger } from '../shared/service/observability';
import { runtime } from '../shared/service/runtime';

/** EventBridge target for the collector's command status changes: resumes the waiting batch. */
export const handler = instrumented('command-status', CommandStatusEvent, async ({ input }) => {
  const { environment, objects, sfn } = runtime();
  const result = await commandStatusStep(input, {
    objects,
    sfn,
    documentName: environment.COLLECTOR_DOCUMENT_NAME,
  });
  logger.info('command status', { ...result, status: input.detail.status });
  return result;
});
