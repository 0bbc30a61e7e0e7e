import { CHECK_CATALOG } from '../checks-catalog';
import { fillTemplate, resourceValues, type CheckDefinition } from '../model/check';
import type { Finding, Layer, ResourceRef, Severity } from '../model/finding';
import { fingerprintOf } from './fingerprint';
import type { AuditReport } from './report';

/** One check evaluated on one resource: what JUnit, PolicyReport, OpenReports and ASFF list, passed ones included. */
export interface CheckResult {
  readonly status: 'pass' | 'fail';
  readonly checkId: string;
  readonly title: string;
  readonly layer: Layer;
  readonly severity: Severity;
  readonly resource: ResourceRef;
  readonly message: string;
  readonly fingerprint: string;
  readonly finding?: Finding;
}

const CATALOG_BY_ID: ReadonlyMap<string, CheckDefinition> = new Map(CHECK_CATALOG.map((check) => [check.id, check]));

export function checkDefinition(checkId: string): CheckDefinition | undefined {
  return CATALOG_BY_ID.get(checkId);
}

export function resourceLabel(resource: ResourceRef): string {
  const { kind, namespace, name, node } = resource;
  const base = `${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`;
  return node === undefined || (kind === 'Node' && name === node) ? base : `${base} on ${node}`;
}

/** A finding as a failed result; `clusterName` keys its fingerprint when the finding has none. */
export function failedResult(clusterName: string, finding: Finding): CheckResult {
  return {
    status: 'fail',
    checkId: finding.checkId,
    title: checkDefinition(finding.checkId)?.title ?? finding.checkId,
    layer: finding.layer,
    severity: finding.severity,
    resource: finding.resource,
    message: finding.message,
    fingerprint: finding.fingerprint ?? fingerprintOf(clusterName, finding),
    finding,
  };
}

function passed(report: AuditReport, check: CheckDefinition, resource: ResourceRef, message: string): CheckResult {
  const asFinding: Finding = { checkId: check.id, severity: check.severity, layer: check.layer, resource, message };
  return {
    status: 'pass',
    checkId: check.id,
    title: check.title,
    layer: check.layer,
    severity: check.severity,
    resource,
    message,
    fingerprint: fingerprintOf(report.cluster.name, asFinding),
  };
}

/**
 * For reports written before `passed` existed (it parses as empty): every catalog check (input checks aside) that
 * has no finding and was not listed as not checked, by id or by its layer, passed for the cluster as a whole.
 */
function derivedPasses(report: AuditReport): CheckResult[] {
  const failedChecks = new Set(report.findings.map((finding) => finding.checkId));
  const skipped = new Set(report.notChecked.map((entry) => entry.scope));
  const cluster: ResourceRef = { kind: 'Cluster', name: report.cluster.name };
  return CHECK_CATALOG.filter(
    (check) =>
      check.layer !== 'input' &&
      !failedChecks.has(check.id) &&
      !skipped.has(check.id) &&
      !skipped.has(`${check.layer} layer`),
  ).map((check) => passed(report, check, cluster, `${check.title}: no finding`));
}

/** The engine's passed outcomes, one result per check and resource; `undefined` when the report has none. */
function reportedPasses(report: AuditReport): CheckResult[] | undefined {
  if (report.passed.length === 0) return undefined;
  return report.passed.flatMap((entry) => {
    const check = checkDefinition(entry.checkId);
    if (check === undefined) return [];
    return entry.resources.map((resource) => passed(report, check, resource, `${check.title}: passed`));
  });
}

/** Failed results in report order, then passed ones: `report.passed` when present, derived otherwise. */
export function checkResults(report: AuditReport): CheckResult[] {
  const failures = report.findings.map((finding) => failedResult(report.cluster.name, finding));
  return [...failures, ...(reportedPasses(report) ?? derivedPasses(report))];
}

/** What to do and how to check it, names filled in; for reports written before findings carried them, from the catalog. */
export interface RemediationHints {
  readonly remediation?: string;
  readonly verify: readonly string[];
}

export function remediationOf(finding: Finding): RemediationHints {
  const check = checkDefinition(finding.checkId);
  const values = resourceValues(finding.resource);
  const remediation =
    finding.remediation ?? (check === undefined ? undefined : fillTemplate(check.remediation, values));
  const verify = finding.verify ?? (check === undefined ? undefined : fillTemplate(check.verify, values));
  return {
    ...(remediation === undefined ? {} : { remediation }),
    verify: verify === undefined ? [] : [verify],
  };
}
