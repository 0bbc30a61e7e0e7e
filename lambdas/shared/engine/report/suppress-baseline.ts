import type { AuditReport } from './report';
import { auditDay } from './suppress';
import { isSuppressionFinding } from './suppress-checks';
import type { Suppression } from './suppress-file';
import { fingerprintOf } from './fingerprint';

/** How long a baseline accepts its findings when no expiry is given. */
export const BASELINE_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The audit's day plus `BASELINE_DAYS`, as YYYY-MM-DD. */
export function defaultBaselineExpiry(now: Date): string {
  return auditDay(new Date(now.getTime() + BASELINE_DAYS * DAY_MS));
}

/**
 * One suppression per fingerprint of a previous report's findings (`reason` and `source` "baseline <file>"), so
 * only drift new since that report counts. The suppression checks' own findings are not accepted.
 */
export function baselineSuppressions(baseline: AuditReport, fileName: string, expires: string): Suppression[] {
  const fingerprints = new Set(
    baseline.findings
      .filter((finding) => !isSuppressionFinding(finding))
      .map((finding) => finding.fingerprint ?? fingerprintOf(baseline.cluster.name, finding)),
  );
  const label = `baseline ${fileName}`;
  return [...fingerprints].map((fingerprint) => ({
    fingerprint,
    reason: label,
    expires,
    source: label,
    origin: 'baseline',
  }));
}
