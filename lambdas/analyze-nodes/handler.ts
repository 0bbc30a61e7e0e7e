import { RunCommand } from '#adapters/ssm/run-command';
import packageJson from '../../package.json';
import { analyzeNodesStep } from '../shared/service/analyze-nodes-step';
import { AnalyzeNodesEvent } from '../shared/service/contract';
import { instrumented, logger } from '../shared/service/observability';
import { runtime } from '../shared/service/runtime';

/** Runs the full audit of one cluster from the run's snapshot and node outputs; writes the run's report. */
export const handler = instrumented('analyze-nodes', AnalyzeNodesEvent, async ({ input }) => {
  const { environment, objects, ssm } = runtime();
  logger.appendKeys({ auditRunId: input.runId, clusterName: input.cluster });
  const output = await analyzeNodesStep(input, {
    config: environment.SERVICE_CONFIG,
    objects,
    runCommand: new RunCommand(ssm),
    now: () => new Date(),
    engineVersion: packageJson.version,
  });
  logger.info('cluster audited', { reportKey: output.reportKey });
  return output;
});
