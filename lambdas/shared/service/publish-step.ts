import {
  AuditReport,
  compareReports,
  emptyHistory,
  renderHtml,
  ReportHistory,
  uncheckedClusterReport,
  updateHistory,
  type AlertSink,
  type ClusterAccessCause,
  type FlowExplanation,
  type Severity,
} from '#engine';
import type { S3Objects } from '#adapters/s3/s3-objects';
import { S3ReportStore } from '#adapters/s3/s3-report-store';
import { driftAlert, executionConsoleUrl } from './alert';
import { BatchPlan, ExplainRecord, type PublishEvent, type PublishOutput } from './contract';
import {
  batchPlanKey,
  historyKey,
  latestReportKey,
  nodeUploadPrefix,
  reportPrefix,
  runExplainKey,
  runSnapshotPrefix,
} from './keys';
import { reportMetrics, type MetricValue } from './report-metrics';
import { causeDetail } from './step-error';

export interface PublishDependencies {
  readonly objects: S3Objects;
  readonly alerts: AlertSink;
  readonly threshold: Severity;
  readonly consoleBase?: string;
  readonly now: () => Date;
  readonly engineVersion: string;
  readonly recordMetrics: (cluster: string, values: readonly MetricValue[]) => void;
}

const ACCESS_CAUSES: readonly ClusterAccessCause[] = ['unreachable', 'forbidden', 'not-found', 'throttled', 'failed'];

/** The report of a cluster the branch could not check, from the Catch's `{ error, cause }`. */
function failureReport(
  event: Extract<PublishEvent, { failure: unknown }>,
  dependencies: PublishDependencies,
): AuditReport {
  const detail = causeDetail(event.failure.cause ?? event.failure.error);
  const cause = ACCESS_CAUSES.find((candidate) => detail.includes(`: ${candidate}: `)) ?? 'error';
  return uncheckedClusterReport({
    clusterName: event.cluster,
    cause,
    detail: `${event.failure.error}: ${detail}`,
    location: `run ${event.runId}`,
    now: dependencies.now(),
    engineVersion: dependencies.engineVersion,
  });
}

/**
 * Raw inputs, node bundles and the explain result of the run, copied (server side, still gzipped) beside the
 * report; a run that explained a flow also gets report.html, the engine's page with the explain verdicts beside
 * the findings.
 */
async function copyRunData(
  objects: S3Objects,
  event: PublishEvent,
  prefix: string,
  report: AuditReport,
): Promise<void> {
  const snapshot = runSnapshotPrefix(event.runId, event.cluster);
  for (const key of await objects.listKeys(snapshot))
    await objects.copy(key, `${prefix}snapshot/${key.slice(snapshot.length)}`);
  const nodes = nodeUploadPrefix(event.runId, event.cluster);
  for (const key of await objects.listKeys(nodes))
    await objects.copy(key, `${prefix}snapshot/nodes/${key.slice(nodes.length)}`);
  const explainKey = runExplainKey(event.runId, event.cluster);
  const explained = await objects.getJson(explainKey, ExplainRecord);
  if (explained === undefined) return;
  await objects.copy(explainKey, `${prefix}explain.json`);
  if ('explanation' in explained) {
    // analyze-nodes wrote the engine's FlowExplanation; the schema above checked its shape.
    const explanation = explained.explanation as unknown as FlowExplanation;
    await objects.put(
      `${prefix}report.html`,
      renderHtml(report, { explanations: [explanation] }),
      'text/html; charset=utf-8',
    );
  }
}

/**
 * Keeps the report: report.json, report.md and the run's raw inputs under `reports/<cluster>/<date>/<runId>/`,
 * then latest.json and history.json; alerts on new findings at or above the threshold; emits the cluster's metrics.
 * A cluster that could not be checked gets its report and an alert, but touches neither latest.json nor
 * history.json: its missing data must not turn the previous findings into "resolved" ones.
 */
export async function publishStep(event: PublishEvent, dependencies: PublishDependencies): Promise<PublishOutput> {
  const { objects } = dependencies;
  const checked = 'reportKey' in event;
  const report = checked ? await objects.requireJson(event.reportKey, AuditReport) : failureReport(event, dependencies);
  const plan = checked ? await objects.getJson(batchPlanKey(event.runId, event.cluster), BatchPlan) : undefined;
  const failureStart = 'failure' in event ? event.startedAt : undefined;
  const startedAt = new Date(plan?.startedAt ?? failureStart ?? dependencies.now().toISOString());
  const prefix = reportPrefix(event.cluster, startedAt, event.runId);
  const store = new S3ReportStore(objects, prefix, latestReportKey);
  const previous = await store.latest(event.cluster);
  await store.write(report);
  if (checked) {
    await copyRunData(objects, event, prefix, report);
    await store.promote(report);
    // The counts of the run for the trend chart (`netpol-audit report --from`); like latest.json, only a checked run.
    const history = (await objects.getJson(historyKey(event.cluster), ReportHistory)) ?? emptyHistory(event.cluster);
    await objects.putJson(historyKey(event.cluster), updateHistory(history, report, previous));
  }
  const comparison = compareReports(previous, report);
  const executionArn = 'failure' in event ? event.executionArn : plan?.executionArn;
  const executionUrl = executionConsoleUrl(dependencies.consoleBase, executionArn);
  const alert = driftAlert({
    report,
    comparison,
    threshold: dependencies.threshold,
    reportLocation: objects.location(prefix),
    ...(executionUrl === undefined ? {} : { executionUrl }),
  });
  if (alert !== undefined) await dependencies.alerts.publish(alert);
  dependencies.recordMetrics(
    event.cluster,
    checked ? reportMetrics(report) : [{ name: 'ClusterNotChecked', value: 1 }],
  );
  return {
    cluster: event.cluster,
    reportPrefix: prefix,
    newFindings: comparison.newFindings.length,
    alerted: alert !== undefined,
  };
}
