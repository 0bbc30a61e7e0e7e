import { findingOf, type Finding, type SuppressionMark } from '../model/finding';
import { withFingerprints } from './fingerprint';
import { compareFindings, summarise, type AuditReport, type PolicySummary } from './report';
import { INPUT_SUPPRESSION_EXPIRED, INPUT_SUPPRESSION_UNUSED, isSuppressionFinding } from './suppress-checks';
import type { Suppression } from './suppress-file';
import { literalNamespace, matcherOf, suppressionLabel } from './suppress-match';

/** The audit's day (UTC) as YYYY-MM-DD: a suppression holds through its `expires` day. */
export function auditDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function append<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else list.push(value);
}

const checkInNamespace = (checkId: string, namespace: string): string => `${checkId}\u0000${namespace}`;

/**
 * The findings a suppression may match, by fingerprint, by check and namespace, or by check, so no suppression
 * scans every finding.
 */
class FindingIndex {
  private readonly byFingerprint = new Map<string, Finding[]>();
  private readonly byCheck = new Map<string, Finding[]>();
  private readonly byCheckInNamespace = new Map<string, Finding[]>();

  constructor(findings: readonly Finding[]) {
    for (const finding of findings) {
      if (finding.fingerprint !== undefined) append(this.byFingerprint, finding.fingerprint, finding);
      append(this.byCheck, finding.checkId, finding);
      append(this.byCheckInNamespace, checkInNamespace(finding.checkId, finding.resource.namespace ?? ''), finding);
    }
  }

  private candidates(suppression: Suppression): readonly Finding[] {
    if (suppression.fingerprint !== undefined) return this.byFingerprint.get(suppression.fingerprint) ?? [];
    const check = suppression.check ?? '';
    const namespace = literalNamespace(suppression);
    const index =
      namespace === undefined
        ? this.byCheck.get(check)
        : this.byCheckInNamespace.get(checkInNamespace(check, namespace));
    return index ?? [];
  }

  matching(suppression: Suppression): Finding[] {
    return this.candidates(suppression).filter(matcherOf(suppression));
  }
}

/** Two lists in `compareFindings` order as one, without sorting the (large) first one again. */
function merged(sorted: readonly Finding[], added: readonly Finding[]): Finding[] {
  const extra = [...added].sort(compareFindings);
  const result: Finding[] = [];
  let next = 0;
  for (const finding of sorted) {
    while (next < extra.length && compareFindings(extra[next] as Finding, finding) < 0)
      result.push(extra[next++] as Finding);
    result.push(finding);
  }
  return [...result, ...extra.slice(next)];
}

function markOf(suppression: Suppression): SuppressionMark {
  const { reason, expires, source, owner } = suppression;
  return { reason, expires, source, ...(owner === undefined ? {} : { owner }) };
}

function described(suppression: Suppression): string {
  const owner = suppression.owner === undefined ? '' : `, owner ${suppression.owner}`;
  return `suppression ${suppressionLabel(suppression)} (${suppression.source}${owner}, reason "${suppression.reason}")`;
}

function expiredFinding(suppression: Suppression, matched: number): Finding {
  return findingOf(
    INPUT_SUPPRESSION_EXPIRED,
    { kind: 'Suppression', name: suppressionLabel(suppression) },
    `${described(suppression)} expired on ${suppression.expires}; the ${matched} finding(s) it matched are reported again`,
    { expected: `expires on or after the audit day`, actual: suppression.expires },
  );
}

function unusedFinding(suppression: Suppression): Finding {
  return findingOf(
    INPUT_SUPPRESSION_UNUSED,
    { kind: 'Suppression', name: suppressionLabel(suppression) },
    `${described(suppression)} matches no finding of this audit`,
  );
}

/** The report as the engine made it: no suppression marks, none of the suppression checks' findings. */
function unsuppressed(findings: readonly Finding[]): Finding[] {
  return findings
    .filter((finding) => !isSuppressionFinding(finding))
    .map((finding) => {
      if (finding.suppressed === undefined) return finding;
      const copy = { ...finding };
      delete copy.suppressed;
      return copy;
    });
}

/**
 * Marks the findings the suppressions accept (the first suppression in order wins) and adds a finding per expired
 * suppression (which accepts nothing) and per unused one from a file. Pure: `now` is the audit's clock; applying
 * again replaces what an earlier application added. The report's findings are in `compareFindings` order, as the
 * engine writes them.
 */
export function applySuppressions(report: AuditReport, suppressions: readonly Suppression[], now: Date): AuditReport {
  const findings = unsuppressed(report.findings);
  const index = new FindingIndex(findings);
  const today = auditDay(now);
  const marks = new Map<Finding, SuppressionMark>();
  const added: Finding[] = [];
  for (const suppression of suppressions) {
    const matched = index.matching(suppression);
    if (suppression.expires < today) added.push(expiredFinding(suppression, matched.length));
    else if (matched.length === 0 && suppression.origin === 'file') added.push(unusedFinding(suppression));
    else for (const finding of matched) if (!marks.has(finding)) marks.set(finding, markOf(suppression));
  }
  const marked = findings.map((finding) => {
    const mark = marks.get(finding);
    return mark === undefined ? finding : { ...finding, suppressed: mark };
  });
  const all = merged(marked, withFingerprints(report.cluster.name, added));
  return { ...report, findings: all, summary: summarise(all), policies: withOpenCounts(report.policies, all) };
}

const policyKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

/** Each policy's `findings` as the findings on it that no suppression accepts. */
function withOpenCounts(policies: readonly PolicySummary[], findings: readonly Finding[]): PolicySummary[] {
  const counts = new Map<string, number>();
  for (const { resource, suppressed } of findings) {
    if (suppressed !== undefined) continue;
    const key = policyKey(resource.kind, resource.namespace, resource.name);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return policies.map((policy) => ({
    ...policy,
    findings: counts.get(policyKey(policy.kind, policy.namespace, policy.name)) ?? 0,
  }));
}
