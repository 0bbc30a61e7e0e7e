import { SEVERITY_RANK, type Finding, type Layer } from '../model/finding';
import { resourceLabel } from './check-results';
import { coverageLines } from './render-coverage';
import { SUPPRESSED_MARKER } from './render-markdown';
import type { AuditReport } from './report';

const LAYERS: readonly Layer[] = ['input', 'config', 'control-plane', 'node'];

export interface TableOptions {
  /** Terminal width to fit; the message column is cut to what is left. */
  readonly width?: number;
  readonly colour?: boolean;
}

const COLOURS: Readonly<Record<string, string>> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RESET = '\u001b[0m';

interface Row {
  readonly severity: string;
  readonly layer: string;
  readonly check: string;
  readonly resource: string;
  readonly message: string;
}

function rowOf(finding: Finding): Row {
  return {
    severity: finding.severity.toUpperCase(),
    layer: finding.layer,
    check: finding.checkId,
    resource: resourceLabel(finding.resource),
    message: `${finding.suppressed === undefined ? '' : `${SUPPRESSED_MARKER} `}${finding.message.replace(/\s+/g, ' ')}`,
  };
}

function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

type Column = keyof Row;
const COLUMNS: readonly Column[] = ['severity', 'layer', 'check', 'resource', 'message'];
const HEADERS: Readonly<Record<Column, string>> = {
  severity: 'SEVERITY',
  layer: 'LAYER',
  check: 'CHECK',
  resource: 'RESOURCE',
  message: 'MESSAGE',
};
const MAX_RESOURCE = 48;

function widths(rows: readonly Row[], total: number): Record<Column, number> {
  const measured = (column: Column): number =>
    Math.max(HEADERS[column].length, ...rows.map((row) => row[column].length));
  const result = {
    severity: measured('severity'),
    layer: measured('layer'),
    check: measured('check'),
    resource: Math.min(MAX_RESOURCE, measured('resource')),
    message: 0,
  };
  const used = result.severity + result.layer + result.check + result.resource + 2 * (COLUMNS.length - 1);
  result.message = Math.max(20, Math.min(measured('message'), total - used));
  return result;
}

function line(row: Row, columnWidths: Record<Column, number>, colour: boolean, severityKey: string): string {
  const cells = COLUMNS.map((column) => {
    const text = fit(row[column], columnWidths[column]);
    return column === 'message' ? text : text.padEnd(columnWidths[column]);
  });
  const start = colour ? (COLOURS[severityKey] ?? '') : '';
  if (start !== '') cells[0] = `${start}${cells[0] ?? ''}${RESET}`;
  return cells.join('  ').trimEnd();
}

function layerCounts(report: AuditReport): string {
  return LAYERS.map((layer) => `${layer} ${report.summary.byLayer[layer]}`).join(' · ');
}

/** A kubectl-style table for the terminal: one line per finding, most severe first, then what was not checked. */
export function renderTable(report: AuditReport, options: TableOptions = {}): string {
  const findings = [...report.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const rows = findings.map(rowOf);
  const columnWidths = widths(rows, options.width ?? 160);
  const header: Row = HEADERS;
  const lines = [
    `cluster ${report.cluster.name} · ${report.summary.totalFindings} finding(s) · ${layerCounts(report)}${report.summary.suppressed === 0 ? '' : ` · ${report.summary.suppressed} suppressed`}`,
    ...coverageLines(report),
    '',
  ];
  if (rows.length === 0) lines.push('No findings.');
  else {
    lines.push(line(header, columnWidths, false, ''));
    rows.forEach((row, index) => {
      lines.push(line(row, columnWidths, options.colour ?? false, findings[index]?.severity ?? ''));
    });
  }
  if (report.notChecked.length > 0) {
    lines.push('', 'NOT CHECKED');
    for (const entry of report.notChecked)
      lines.push(`  ${entry.scope}: ${entry.reason}${entry.kind === undefined ? '' : ` [${entry.kind}]`}`);
  }
  return `${lines.join('\n')}\n`;
}
