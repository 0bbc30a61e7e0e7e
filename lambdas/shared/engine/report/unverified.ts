import type { AuditReport } from './report';

/**
 * Checks whose finding means "this part of the cluster could not be verified" rather than drift: the data a layer
 * needed was not collected, not complete, not parseable or not readable.
 */
export const UNVERIFIED_CHECK_IDS: ReadonlySet<string> = new Set([
  'INPUT-CLUSTER-UNREADABLE',
  'INPUT-KIND-UNAVAILABLE',
  'NODE-NOT-COLLECTED',
  'NODE-COLLECTION-FAILED',
  'NODE-COLLECTION-INCOMPLETE',
  'NODE-OUTPUT-UNPARSEABLE',
]);

/**
 * The findings that say what could not be verified (the `--fail-on-unverified` gate), whatever their severity; `info`
 * ones are notes (an optional kind the cluster does not install), not gaps.
 */
export function unverifiedFindings(report: AuditReport): AuditReport['findings'] {
  return report.findings.filter((finding) => UNVERIFIED_CHECK_IDS.has(finding.checkId) && finding.severity !== 'info');
}
