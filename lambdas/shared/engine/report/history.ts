import { z } from 'zod';
import { InputError } from '../errors';
import { Layer, Severity } from '../model/finding';
import { compareReports } from './fingerprint';
import type { AuditReport } from './report';

export const HISTORY_SCHEMA_VERSION = '1';
export const DEFAULT_HISTORY_RUNS = 30;

/** One audit run, reduced to counts: what the trend chart and the service's `history.json` keep. */
export const HistoryRun = z.object({
  generatedAt: z.string(),
  totalFindings: z.number().int().nonnegative(),
  bySeverity: z.record(Severity, z.number().int().nonnegative()),
  byLayer: z.record(Layer, z.number().int().nonnegative()),
  newFindings: z.number().int().nonnegative(),
  resolvedFindings: z.number().int().nonnegative(),
  notChecked: z.number().int().nonnegative(),
});
export type HistoryRun = z.infer<typeof HistoryRun>;

/** `reports/<cluster>/history.json`: the last runs of one cluster, oldest first. */
export const ReportHistory = z.object({
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION),
  cluster: z.string(),
  runs: z.array(HistoryRun),
});
export type ReportHistory = z.infer<typeof ReportHistory>;

export function emptyHistory(cluster: string): ReportHistory {
  return { schemaVersion: HISTORY_SCHEMA_VERSION, cluster, runs: [] };
}

function runOf(previous: AuditReport | undefined, report: AuditReport): HistoryRun {
  const comparison = compareReports(previous, report);
  return {
    generatedAt: report.generatedAt,
    totalFindings: report.summary.totalFindings,
    bySeverity: report.summary.bySeverity,
    byLayer: report.summary.byLayer,
    newFindings: comparison.newFindings.length,
    resolvedFindings: comparison.resolvedFindings.length,
    notChecked: report.notChecked.length,
  };
}

/**
 * Adds a run to the history and keeps the last `limit` runs, oldest first. Pure. A run with the same
 * `generatedAt` replaces the one recorded (a retried run must not count twice). Throws InputError for another cluster.
 */
export function updateHistory(
  history: ReportHistory,
  report: AuditReport,
  previous: AuditReport | undefined,
  limit = DEFAULT_HISTORY_RUNS,
): ReportHistory {
  if (history.cluster !== report.cluster.name) {
    throw new InputError(
      `history of cluster ${history.cluster} cannot take a report of cluster ${report.cluster.name}`,
    );
  }
  const run = runOf(previous, report);
  const kept = history.runs.filter((existing) => existing.generatedAt !== run.generatedAt);
  const runs = [...kept, run].sort((a, b) => a.generatedAt.localeCompare(b.generatedAt)).slice(-Math.max(1, limit));
  return { ...history, runs };
}
