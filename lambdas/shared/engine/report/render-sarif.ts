import { CHECK_CATALOG } from '../checks-catalog';
import type { CheckDefinition } from '../model/check';
import type { Finding, Severity } from '../model/finding';
import { resourceLabel } from './check-results';
import { fingerprintOf } from './fingerprint';
import type { AuditReport } from './report';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Readonly<Record<Severity, SarifLevel>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0.0-10.0) to rank results. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly helpUri?: string;
  readonly help?: { readonly text: string };
  readonly properties: { readonly 'security-severity': string; readonly tags: readonly string[] };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations: readonly [
    { readonly logicalLocations: readonly [{ readonly fullyQualifiedName: string; readonly kind: string }] },
  ];
  readonly partialFingerprints: { readonly 'netpolAuditFingerprint/v1': string };
  readonly properties: Readonly<Record<string, unknown>>;
  /** Present on suppressed results only (SARIF 2.1.0 §3.27.23: absent means no suppression was evaluated). */
  readonly suppressions?: readonly SarifSuppression[];
}

/** SARIF 2.1.0 §3.35: a suppression declared outside the analysed artefact (the suppressions file, a baseline). */
export interface SarifSuppression {
  readonly kind: 'external';
  readonly status: 'accepted';
  readonly justification: string;
  readonly properties: { readonly expires: string; readonly source: string; readonly owner?: string };
}

function suppressionsOf(finding: Finding): { suppressions?: readonly SarifSuppression[] } {
  const mark = finding.suppressed;
  if (mark === undefined) return {};
  const { reason, ...properties } = mark;
  return { suppressions: [{ kind: 'external', status: 'accepted', justification: reason, properties }] };
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: {
        readonly driver: {
          readonly name: string;
          readonly version: string;
          readonly rules: readonly SarifRule[];
        };
      };
      readonly automationDetails: { readonly id: string };
      readonly invocations: readonly [{ readonly executionSuccessful: boolean; readonly endTimeUtc: string }];
      readonly results: readonly SarifResult[];
    },
  ];
}

/** What a rule needs: a catalog entry, or the bare finding fields of a check the catalog does not know. */
type RuleSource = Pick<CheckDefinition, 'id' | 'layer' | 'severity' | 'title' | 'compares'> &
  Partial<Pick<CheckDefinition, 'upstream' | 'remediation' | 'verify'>>;

function ruleOf(check: RuleSource): SarifRule {
  const helpUri = check.upstream?.[0];
  const help =
    check.remediation === undefined || check.verify === undefined
      ? undefined
      : { text: `${check.remediation} Verify: ${check.verify}` };
  return {
    id: check.id,
    name: check.id
      .toLowerCase()
      .replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, next: string) => next.toUpperCase()),
    shortDescription: { text: check.title },
    fullDescription: { text: check.compares },
    defaultConfiguration: { level: LEVEL[check.severity] },
    ...(helpUri === undefined ? {} : { helpUri }),
    ...(help === undefined ? {} : { help }),
    properties: {
      'security-severity': SECURITY_SEVERITY[check.severity],
      tags: ['security', 'network-policy', check.layer],
    },
  };
}

function qualifiedName(finding: Finding): string {
  const { kind, namespace, name, node } = finding.resource;
  return [node === undefined ? undefined : `node/${node}`, kind, namespace, name]
    .filter((part) => part !== undefined)
    .join('/');
}

function resultOf(report: AuditReport, finding: Finding, ruleIndex: number): SarifResult {
  return {
    ruleId: finding.checkId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: `${resourceLabel(finding.resource)}: ${finding.message}` },
    locations: [{ logicalLocations: [{ fullyQualifiedName: qualifiedName(finding), kind: 'resource' }] }],
    partialFingerprints: {
      'netpolAuditFingerprint/v1': finding.fingerprint ?? fingerprintOf(report.cluster.name, finding),
    },
    properties: {
      severity: finding.severity,
      layer: finding.layer,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      ...(finding.expected === undefined ? {} : { expected: finding.expected }),
      ...(finding.actual === undefined ? {} : { actual: finding.actual }),
    },
    ...suppressionsOf(finding),
  };
}

/**
 * SARIF 2.1.0 for code scanning: one rule per catalog check, one result per finding. Kubernetes resources have no
 * file, so results carry logical locations and the fingerprint as a partial fingerprint.
 */
export function renderSarif(report: AuditReport): SarifLog {
  const catalog: RuleSource[] = [...CHECK_CATALOG];
  const known = new Set(catalog.map((check) => check.id));
  for (const finding of report.findings) {
    if (!known.has(finding.checkId)) {
      known.add(finding.checkId);
      catalog.push({
        id: finding.checkId,
        layer: finding.layer,
        severity: finding.severity,
        title: finding.checkId,
        compares: finding.checkId,
      });
    }
  }
  const ruleIndex = new Map(catalog.map((check, index) => [check.id, index]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.engine.name,
            version: report.engine.version,
            rules: catalog.map(ruleOf),
          },
        },
        automationDetails: { id: `${report.engine.name}/${report.cluster.name}/` },
        invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
        results: report.findings.map((finding) => resultOf(report, finding, ruleIndex.get(finding.checkId) ?? 0)),
      },
    ],
  };
}
