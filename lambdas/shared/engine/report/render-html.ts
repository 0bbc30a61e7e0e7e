import type { FlowExplanation } from '../explain';
import { escapeHtml, page } from './html-document';
import { explainSection } from './html-explain';
import { findingsTable, notCheckedSection, summaryCards } from './html-findings';
import { policiesSection } from './html-policies';
import { trendSection } from './html-trend';
import type { ReportHistory } from './history';
import type { AuditReport } from './report';

export interface HtmlOptions {
  /** The cluster's history: the trend chart is drawn when it has runs. */
  readonly history?: ReportHistory;
  /** Explain results to show beside the findings. */
  readonly explanations?: readonly FlowExplanation[];
}

function configurationSection(report: AuditReport): string {
  const c = report.configuration;
  const rows: [string, string][] = [
    ['network policy enabled', c.networkPolicyEnabled === null ? 'unknown' : String(c.networkPolicyEnabled)],
    [
      'enforcement mode',
      `${c.enforcementMode ?? 'unknown'}${c.desiredMode === null ? '' : ` (desired: ${c.desiredMode})`}`,
    ],
    ['VPC CNI version', c.cniVersion ?? 'unknown'],
    ['VPC CNI installed as', c.cniManagement ?? 'unknown'],
    ['network policy agent version', c.agentVersion ?? 'unknown'],
    ['EKS Auto Mode', c.autoMode === null ? 'unknown' : String(c.autoMode)],
    ['IP family', c.ipFamily ?? 'unknown'],
  ];
  const body = rows.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  return `<section id="configuration"><h2>Configuration</h2><table>${body}</table></section>`;
}

/** `report.html`: one self-contained page (inline style and script, no external asset, a CSP that forbids any). */
export function renderHtml(report: AuditReport, options: HtmlOptions = {}): string {
  const title = `Network policy audit: ${report.cluster.name}`;
  const header = `<header><h1>${escapeHtml(title)}</h1><p>Generated ${escapeHtml(report.generatedAt)} by ${escapeHtml(report.engine.name)} ${escapeHtml(report.engine.version)} from ${escapeHtml(report.cluster.source)} <code>${escapeHtml(report.cluster.location)}</code> · ${report.summary.totalFindings} finding(s)</p></header>`;
  const sections = [
    summaryCards(report),
    trendSection(options.history),
    findingsTable(report),
    explainSection(options.explanations ?? []),
    policiesSection(report),
    configurationSection(report),
    notCheckedSection(report),
  ];
  return page(title, `${header}<main>${sections.filter((section) => section !== '').join('\n')}</main>`);
}
