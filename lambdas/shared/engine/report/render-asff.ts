import type { Finding, Severity } from '../model/finding';
import { checkResults, failedResult, resourceLabel, type CheckResult } from './check-results';
import { compareReports } from './fingerprint';
import type { AuditReport } from './report';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** BatchImportFindings takes at most 100 findings per call. */
export const ASFF_BATCH_SIZE = 100;
const TITLE_LIMIT = 256;
const DESCRIPTION_LIMIT = 1024;

type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

const SEVERITY_LABEL: Readonly<Record<Severity, AsffSeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

/** Where the findings go: the account and region of Security Hub and the audited cluster. */
export interface AsffTarget {
  readonly accountId: string;
  readonly region: string;
  readonly clusterArn: string;
  /** Defaults to the account's own custom product, `arn:aws:securityhub:<region>:<account>:product/<account>/default`. */
  readonly productArn?: string;
}

export interface AsffFinding {
  readonly SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  readonly Id: string;
  readonly ProductArn: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: readonly string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { readonly Label: AsffSeverityLabel };
  readonly Title: string;
  readonly Description: string;
  readonly Resources: readonly [
    {
      readonly Type: 'AwsEksCluster';
      readonly Id: string;
      readonly Partition: string;
      readonly Region: string;
      readonly Details: { readonly AwsEksCluster: { readonly Name: string; readonly Arn: string } };
    },
  ];
  readonly Compliance: { readonly Status: 'PASSED' | 'FAILED' };
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
  readonly ProductFields: Readonly<Record<string, string>>;
}

/** The `BatchImportFindings` request input, batch by batch. */
export interface AsffBatch {
  readonly Findings: readonly AsffFinding[];
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function partitionOf(arn: string): string {
  return arn.split(':')[1] ?? 'aws';
}

function clusterName(arn: string, fallback: string): string {
  return arn.split('/').at(-1) ?? fallback;
}

interface Entry {
  readonly result: CheckResult;
  readonly compliance: 'PASSED' | 'FAILED';
  readonly state: 'ACTIVE' | 'ARCHIVED';
}

function asffFinding(report: AuditReport, target: AsffTarget, entry: Entry): AsffFinding {
  const { result } = entry;
  const partition = partitionOf(target.clusterArn);
  const productArn =
    target.productArn ??
    `arn:${partition}:securityhub:${target.region}:${target.accountId}:product/${target.accountId}/default`;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `${report.engine.name}/${result.fingerprint}`,
    ProductArn: productArn,
    GeneratorId: `${report.engine.name}/${result.checkId}`,
    AwsAccountId: target.accountId,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards/Network Policy'],
    CreatedAt: report.generatedAt,
    UpdatedAt: report.generatedAt,
    Severity: { Label: entry.compliance === 'PASSED' ? 'INFORMATIONAL' : SEVERITY_LABEL[result.severity] },
    Title: cut(`${result.checkId}: ${result.title}`, TITLE_LIMIT),
    Description: cut(`${resourceLabel(result.resource)}: ${result.message}`, DESCRIPTION_LIMIT),
    Resources: [
      {
        Type: 'AwsEksCluster',
        Id: target.clusterArn,
        Partition: partition,
        Region: target.region,
        Details: {
          AwsEksCluster: { Name: clusterName(target.clusterArn, report.cluster.name), Arn: target.clusterArn },
        },
      },
    ],
    Compliance: { Status: entry.compliance },
    RecordState: entry.state,
    ProductFields: {
      layer: result.layer,
      checkId: result.checkId,
      resourceKind: result.resource.kind,
      resourceName: result.resource.name,
      ...(result.resource.namespace === undefined ? {} : { resourceNamespace: result.resource.namespace }),
      ...(result.resource.node === undefined ? {} : { node: result.resource.node }),
      fingerprint: result.fingerprint,
    },
  };
}

function resolvedResult(previous: AuditReport, finding: Finding): CheckResult {
  const result = failedResult(previous.cluster.name, finding);
  return { ...result, status: 'pass', message: `resolved: ${finding.message}` };
}

/**
 * Security Hub findings for `BatchImportFindings`, in batches of at most 100: failed checks ACTIVE/FAILED, passed
 * checks ACTIVE/PASSED, and, given the previous report, resolved drift ARCHIVED under the Id it had, so Security Hub
 * updates the finding it already holds.
 */
export function renderAsff(report: AuditReport, target: AsffTarget, previous?: AuditReport): AsffBatch[] {
  const entries: Entry[] = checkResults(report).map((result) => ({
    result,
    compliance: result.status === 'pass' ? 'PASSED' : 'FAILED',
    state: 'ACTIVE',
  }));
  if (previous !== undefined) {
    for (const finding of compareReports(previous, report).resolvedFindings) {
      entries.push({ result: resolvedResult(previous, finding), compliance: 'PASSED', state: 'ARCHIVED' });
    }
  }
  const findings = entries.map((entry) => asffFinding(report, target, entry));
  const batches: AsffBatch[] = [];
  for (let start = 0; start < findings.length; start += ASFF_BATCH_SIZE) {
    batches.push({ Findings: findings.slice(start, start + ASFF_BATCH_SIZE) });
  }
  return batches;
}
