import type { Finding, Layer } from '../model/finding';
import { remediationOf, resourceLabel } from './check-results';
import { escapeHtml } from './html-document';
import type { AuditReport } from './report';

export const LAYER_TITLES: Readonly<Record<Layer, string>> = {
  input: 'Inputs',
  config: 'Configuration',
  'control-plane': 'Control plane (PolicyEndpoints)',
  node: 'Node (eBPF)',
};
const LAYERS: readonly Layer[] = ['input', 'config', 'control-plane', 'node'];

export function severityBadge(severity: string): string {
  return `<span class="sev sev-${escapeHtml(severity)}">${escapeHtml(severity)}</span>`;
}

export function shown(value: unknown): string {
  return escapeHtml(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

function layerNotChecked(report: AuditReport, layer: Layer): number {
  return report.notChecked.filter(
    (entry) => entry.scope === `${layer} layer` || entry.scope.startsWith(layer === 'node' ? 'node ' : `${layer} `),
  ).length;
}

export function summaryCards(report: AuditReport): string {
  const cards = LAYERS.map((layer) => {
    const count = report.summary.byLayer[layer];
    const skipped = layerNotChecked(report, layer);
    const state = count > 0 ? 'has-findings' : skipped > 0 ? 'not-checked' : 'clean';
    const note = skipped > 0 ? `<div class="muted">${skipped} item(s) not checked</div>` : '';
    return `<div class="card ${state}" data-layer="${layer}"><div class="label">${escapeHtml(LAYER_TITLES[layer])}</div><div class="count">${count}</div><div>finding(s)</div>${note}</div>`;
  });
  return `<section id="summary"><h2>Summary</h2><div class="cards">${cards.join('')}</div></section>`;
}

export function findingDetails(finding: Finding): string {
  const parts: string[] = [];
  if (finding.expected !== undefined)
    parts.push(`<div class="expected">expected</div><pre>${shown(finding.expected)}</pre>`);
  if (finding.actual !== undefined) parts.push(`<div class="actual">actual</div><pre>${shown(finding.actual)}</pre>`);
  const hints = remediationOf(finding);
  if (hints.remediation !== undefined)
    parts.push(`<div><strong>Remediation:</strong> ${escapeHtml(hints.remediation)}</div>`);
  for (const command of hints.verify)
    parts.push(`<div><strong>Verify:</strong></div><pre class="verify">${escapeHtml(command)}</pre>`);
  if (finding.upstreamIssue !== undefined)
    parts.push(`<div>upstream: <code>${escapeHtml(finding.upstreamIssue)}</code></div>`);
  if (finding.fingerprint !== undefined)
    parts.push(`<div class="muted">fingerprint <code>${escapeHtml(finding.fingerprint)}</code></div>`);
  return parts.length === 0 ? '' : `<details><summary>details</summary>${parts.join('')}</details>`;
}

function options(name: string, values: readonly string[]): string {
  const unique = [...new Set(values)].sort();
  const choices = unique.map((value) => `<option value="${escapeHtml(value)}">${escapeHtml(value)}</option>`);
  return `<label>${escapeHtml(name)} <select data-filter="${escapeHtml(name)}" id="filter-${escapeHtml(name)}"><option value="">all</option>${choices.join('')}</select></label>`;
}

function statusOf(finding: Finding): 'open' | 'suppressed' {
  return finding.suppressed === undefined ? 'open' : 'suppressed';
}

function suppressedBadge(finding: Finding): string {
  const mark = finding.suppressed;
  if (mark === undefined) return '';
  const title = `${mark.reason} (through ${mark.expires}; ${mark.source})`;
  return ` <span class="muted" title="${escapeHtml(title)}">suppressed</span>`;
}

function findingRow(finding: Finding): string {
  const namespace = finding.resource.namespace ?? '';
  const attributes = `data-layer="${finding.layer}" data-severity="${finding.severity}" data-namespace="${escapeHtml(namespace)}" data-check="${escapeHtml(finding.checkId)}" data-status="${statusOf(finding)}"`;
  return `<tr ${attributes}><td>${severityBadge(finding.severity)}${suppressedBadge(finding)}</td><td>${escapeHtml(finding.layer)}</td><td><code>${escapeHtml(finding.checkId)}</code></td><td>${escapeHtml(resourceLabel(finding.resource))}</td><td>${escapeHtml(finding.message)}${findingDetails(finding)}</td></tr>`;
}

export function findingsTable(report: AuditReport): string {
  const { findings } = report;
  if (findings.length === 0) return '<section id="findings"><h2>Findings</h2><p>No findings.</p></section>';
  const filters = [
    options(
      'layer',
      findings.map((f) => f.layer),
    ),
    options(
      'severity',
      findings.map((f) => f.severity),
    ),
    options(
      'namespace',
      findings.map((f) => f.resource.namespace ?? '').filter((n) => n !== ''),
    ),
    options(
      'check',
      findings.map((f) => f.checkId),
    ),
    ...(findings.some((f) => f.suppressed !== undefined) ? [options('status', findings.map(statusOf))] : []),
  ];
  return [
    '<section id="findings"><h2>Findings</h2>',
    `<div class="filters">${filters.join('')}<span><span id="shown-count">${findings.length}</span> of ${findings.length} shown</span></div>`,
    '<table><thead><tr><th>severity</th><th>layer</th><th>check</th><th>resource</th><th>message</th></tr></thead><tbody>',
    ...findings.map(findingRow),
    '</tbody></table></section>',
  ].join('\n');
}

export function notCheckedSection(report: AuditReport): string {
  if (report.notChecked.length === 0) return '';
  const rows = report.notChecked.map(
    (entry) =>
      `<tr><td>${escapeHtml(entry.scope)}</td><td>${escapeHtml(entry.reason)}</td><td><code>${escapeHtml(entry.kind ?? '')}</code></td></tr>`,
  );
  return `<section id="not-checked"><h2>Not checked</h2><table><thead><tr><th>scope</th><th>reason</th><th>kind</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}
