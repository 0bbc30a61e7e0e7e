/**
 * The S3 key layout of the reports bucket. `runs/` holds the working data of one execution (expired by the
 * lifecycle), `reports/` what is kept, `tokens/` the task tokens of the commands in flight.
 */

export const SNAPSHOT_OBJECT_SUFFIX = '.gz';

export function runPrefix(runId: string, cluster: string): string {
  return `runs/${runId}/${cluster}/`;
}

/** The raw inputs of the run in the snapshot layout; each object is `<layout path>.gz`. */
export function runSnapshotPrefix(runId: string, cluster: string): string {
  return `${runPrefix(runId, cluster)}snapshot/`;
}

export function batchPlanKey(runId: string, cluster: string): string {
  return `${runPrefix(runId, cluster)}batches.json`;
}

/** What each node's presigned POST may write under (the `starts-with $key` condition). */
export function nodeUploadPrefix(runId: string, cluster: string): string {
  return `${runPrefix(runId, cluster)}nodes/`;
}

export function nodeUploadKey(runId: string, cluster: string, instanceId: string): string {
  return `${nodeUploadPrefix(runId, cluster)}${instanceId}.tar.gz`;
}

export function runReportKey(runId: string, cluster: string): string {
  return `${runPrefix(runId, cluster)}report.json`;
}

export function runExplainKey(runId: string, cluster: string): string {
  return `${runPrefix(runId, cluster)}explain.json`;
}

export function taskTokenKey(commandId: string): string {
  return `tokens/${commandId}.json`;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** `reports/<cluster>/<yyyy>/<mm>/<dd>/<runId>/` (UTC date of the run's start). */
export function reportPrefix(cluster: string, startedAt: Date, runId: string): string {
  const day = `${String(startedAt.getUTCFullYear())}/${twoDigits(startedAt.getUTCMonth() + 1)}/${twoDigits(startedAt.getUTCDate())}`;
  return `reports/${cluster}/${day}/${runId}/`;
}

export function latestReportKey(cluster: string): string {
  return `reports/${cluster}/latest.json`;
}

/** `reports/<cluster>/history.json`: counts of the cluster's last runs (the HTML trend chart). */
export function historyKey(cluster: string): string {
  return `reports/${cluster}/history.json`;
}
