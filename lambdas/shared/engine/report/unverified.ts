import { CHECK_CATALOG } from '../checks-catalog';
import type { AuditReport } from './report';

/** The checks whose finding means "this part of the cluster could not be verified" rather than drift. */
export const UNVERIFIED_CHECK_IDS: ReadonlySet<string> = new Set(
  CHECK_CATALOG.filter((check) => check.unverified === true).map((check) => check.id),
);

/**
 * The findings that say what could not be verified (the `--fail-on-unverified` gate), whatever their severity; `info`
 * ones are notes (an optional kind the cluster does not install), not gaps; suppressed ones are accepted.
 */
export function unverifiedFindings(report: AuditReport): AuditReport['findings'] {
  return report.findings.filter(
    (finding) =>
      UNVERIFIED_CHECK_IDS.has(finding.checkId) && finding.severity !== 'info' && finding.suppressed === undefined,
  );
}
