import { NODE_NOT_COLLECTED, type AuditReport, type Layer, type Severity } from '#engine';

const LAYER_METRIC: Readonly<Partial<Record<Layer, string>>> = {
  config: 'FindingsConfig',
  'control-plane': 'FindingsControlPlane',
  node: 'FindingsNode',
};
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export interface MetricValue {
  readonly name: string;
  readonly value: number;
}

/**
 * The per-cluster CloudWatch metrics of a report (dimension `Cluster` only): findings by layer and severity
 * (`FindingsNodeHigh`, ...; zeros included so alarms see the drift go away), nodes checked and not collected.
 */
export function reportMetrics(report: AuditReport): MetricValue[] {
  const counts = new Map<string, number>();
  for (const metric of Object.values(LAYER_METRIC))
    for (const severity of SEVERITIES) counts.set(`${metric}${capitalised(severity)}`, 0);
  for (const finding of report.findings) {
    const metric = LAYER_METRIC[finding.layer];
    if (metric === undefined) continue;
    const name = `${metric}${capitalised(finding.severity)}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const notCollected = report.findings.filter((finding) => finding.checkId === NODE_NOT_COLLECTED.id).length;
  return [
    ...[...counts].map(([name, value]) => ({ name, value })),
    { name: 'NodesChecked', value: report.inputs.nodeOutputs },
    { name: 'NodesNotCollected', value: notCollected },
  ];
}
