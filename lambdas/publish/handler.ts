import { SnsAlertSink } from '#adapters/sns/sns-alert-sink';
import packageJson from '../../package.json';
import { PublishEvent } from '../shared/service/contract';
import { instrumented, logger, publishClusterMetrics } from '../shared/service/observability';
import { publishStep } from '../shared/service/publish-step';
import { runtime } from '../shared/service/runtime';

/** Keeps the report, updates latest.json, alerts on new drift, emits the cluster's metrics. */
export const handler = instrumented('publish', PublishEvent, async ({ input }) => {
  const { environment, objects, sns } = runtime();
  logger.appendKeys({ auditRunId: input.runId, clusterName: input.cluster });
  const output = await publishStep(input, {
    objects,
    alerts: new SnsAlertSink(sns, environment.ALERTS_TOPIC_ARN),
    threshold: environment.SERVICE_CONFIG.alertSeverity,
    ...(environment.STATE_MACHINE_CONSOLE_BASE === undefined
      ? {}
      : { consoleBase: environment.STATE_MACHINE_CONSOLE_BASE }),
    now: () => new Date(),
    engineVersion: packageJson.version,
    recordMetrics: publishClusterMetrics,
  });
  logger.info('report published', output);
  return output;
});
