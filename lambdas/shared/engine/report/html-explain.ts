import type { FlowExplanation, LayerName, LayerVerdict } from '../explain';
import { escapeHtml } from './html-document';

const LAYERS: readonly [LayerName, string][] = [
  ['intent', 'NetworkPolicy (intent)'],
  ['policyEndpoint', 'PolicyEndpoint'],
  ['kernel', 'Kernel'],
];

function verdictCell(verdict: LayerVerdict, differs: boolean): string {
  return `<td class="${differs ? 'differs' : ''}"><span class="verdict-${verdict.verdict}">${escapeHtml(verdict.verdict)}</span><br>${escapeHtml(verdict.reason)}</td>`;
}

function explanationRow(explanation: FlowExplanation): string {
  const { flow } = explanation;
  const disagreeing = new Set(explanation.disagreements.flatMap((d) => d.between));
  const cells = LAYERS.map(([layer]) => verdictCell(explanation[layer], disagreeing.has(layer)));
  const notes = explanation.disagreements.map((d) => `<div class="actual">${escapeHtml(d.description)}</div>`).join('');
  const label = `${flow.from} (${flow.fromIp}) → ${flow.to} (${flow.toIp}) ${flow.protocol}/${flow.port}`;
  return `<tr><td>${escapeHtml(label)}${notes}</td>${cells.join('')}</tr>`;
}

/** Explain results, one flow a row, the layers that disagree highlighted. */
export function explainSection(explanations: readonly FlowExplanation[]): string {
  if (explanations.length === 0) return '';
  const headers = LAYERS.map(([, title]) => `<th>${escapeHtml(title)}</th>`).join('');
  return `<section id="explain"><h2>Explained flows</h2><table class="layers-table"><thead><tr><th>flow</th>${headers}</tr></thead><tbody>${explanations.map(explanationRow).join('')}</tbody></table></section>`;
}
