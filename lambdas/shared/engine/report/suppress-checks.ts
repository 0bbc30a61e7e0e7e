import { defineCheck, type CheckDefinition } from '../model/check';
import type { Finding } from '../model/finding';

const SUPPRESS = 'lambdas/shared/engine/report/suppress.ts';

export const INPUT_SUPPRESSION_EXPIRED = defineCheck({
  id: 'INPUT-SUPPRESSION-EXPIRED',
  layer: 'input',
  severity: 'low',
  title: 'Suppression expired',
  compares:
    "Each suppression's expiry against the audit's date; an expired suppression accepts nothing, so the findings it matched are reported again.",
  resource: 'cluster-wide',
  remediation:
    'Fix the findings that suppression {name} accepted, or renew it in the suppressions file with a current reason and a later expires date.',
  verify: 'grep -n -e "check:" -e "fingerprint:" -e "expires:" .netpol-audit.yaml',
  upstream: [],
  emittedBy: SUPPRESS,
});

export const INPUT_SUPPRESSION_UNUSED = defineCheck({
  id: 'INPUT-SUPPRESSION-UNUSED',
  layer: 'input',
  severity: 'info',
  title: 'Suppression matches no finding',
  compares:
    'Each suppression of the suppressions file against the findings of the audit; one that matches none accepts drift that is gone (or names the wrong check, resource or cluster).',
  resource: 'cluster-wide',
  remediation:
    'Remove suppression {name} from the suppressions file if the drift it accepted is fixed, or correct its fingerprint, check or resource.',
  verify: 'grep -n -e "check:" -e "fingerprint:" -e "resource:" .netpol-audit.yaml',
  upstream: [],
  emittedBy: SUPPRESS,
});

export const SUPPRESSION_CHECKS: readonly CheckDefinition[] = [INPUT_SUPPRESSION_EXPIRED, INPUT_SUPPRESSION_UNUSED];

const SUPPRESSION_CHECK_IDS: ReadonlySet<string> = new Set(SUPPRESSION_CHECKS.map((check) => check.id));

/** A finding about a suppression itself, which no suppression or baseline accepts. */
export function isSuppressionFinding(finding: Pick<Finding, 'checkId'>): boolean {
  return SUPPRESSION_CHECK_IDS.has(finding.checkId);
}
