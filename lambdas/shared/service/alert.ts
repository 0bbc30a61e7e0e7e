import {
  atLeast,
  type AuditReport,
  type DriftAlert,
  type Finding,
  type ReportComparison,
  type Severity,
} from '#engine';

/** How many new findings the alert lists; the rest are in the report. */
export const TOP_FINDINGS = 5;

const LAYER_LABELS: Readonly<Record<Finding['layer'], string>> = {
  input: 'input',
  config: 'configuration',
  'control-plane': 'control plane',
  node: 'node',
};

export interface AlertContext {
  readonly report: AuditReport;
  readonly comparison: ReportComparison;
  readonly threshold: Severity;
  /** `s3://<bucket>/reports/<cluster>/.../<runId>/` */
  readonly reportLocation: string;
  /** The console page of the execution, when the stack knows the console base. */
  readonly executionUrl?: string;
}

function resourceOf(finding: Finding): string {
  const { kind, namespace, name, node } = finding.resource;
  const path = namespace === undefined ? name : `${namespace}/${name}`;
  return node === undefined || node === name ? `${kind} ${path}` : `${kind} ${path} on ${node}`;
}

/** The new findings at or above the threshold, most severe first (the report's order). */
export function alertableFindings(comparison: ReportComparison, threshold: Severity): Finding[] {
  return comparison.newFindings.filter((finding) => atLeast(finding.severity, threshold));
}

/**
 * The short alert for new drift, or `undefined` when nothing new reaches the threshold (the same drift on the
 * next night raises nothing): cluster, counts by layer, the top findings, where the report is, the execution.
 */
export function driftAlert(context: AlertContext): DriftAlert | undefined {
  const alertable = alertableFindings(context.comparison, context.threshold);
  if (alertable.length === 0) return undefined;
  const cluster = context.report.cluster.name;
  const byLayer = new Map<string, number>();
  for (const finding of alertable) {
    const label = LAYER_LABELS[finding.layer];
    byLayer.set(label, (byLayer.get(label) ?? 0) + 1);
  }
  const counts = [...byLayer].map(([layer, count]) => `${layer} ${String(count)}`).join(', ');
  const top = alertable
    .slice(0, TOP_FINDINGS)
    .map((finding) => `- [${finding.severity}] ${finding.checkId} ${resourceOf(finding)}: ${finding.message}`);
  const more = alertable.length > TOP_FINDINGS ? [`- ... and ${String(alertable.length - TOP_FINDINGS)} more`] : [];
  const lines = [
    `New network policy drift in EKS cluster ${cluster}: ${String(alertable.length)} new finding(s) at or above ${context.threshold}.`,
    `By layer: ${counts}.`,
    `Resolved since the last report: ${String(context.comparison.resolvedFindings.length)}; still open: ${String(context.comparison.persistingFindings.length)}.`,
    '',
    'Top findings:',
    ...top,
    ...more,
    '',
    `Report: ${context.reportLocation}report.md`,
    ...(context.executionUrl === undefined ? [] : [`Execution: ${context.executionUrl}`]),
  ];
  return {
    subject: `eks-netpol-audit: ${String(alertable.length)} new finding(s) in ${cluster}`,
    message: `${lines.join('\n')}\n`,
    cluster,
    newFindings: alertable.length,
  };
}

/** The Step Functions console page of an execution (`STATE_MACHINE_CONSOLE_BASE` + the execution ARN). */
export function executionConsoleUrl(base: string | undefined, executionArn: string | undefined): string | undefined {
  if (base === undefined || executionArn === undefined) return undefined;
  return `${base.replace(/\/+$/, '')}/${executionArn}`;
}
