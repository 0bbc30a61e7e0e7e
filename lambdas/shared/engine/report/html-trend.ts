import { escapeHtml } from './html-document';
import type { HistoryRun, ReportHistory } from './history';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 40, right: 16, top: 14, bottom: 34 };

interface Series {
  readonly name: string;
  readonly colour: string;
  readonly value: (run: HistoryRun) => number;
}

const SERIES: readonly Series[] = [
  { name: 'all findings', colour: '#0f172a', value: (run) => run.totalFindings },
  { name: 'critical + high', colour: '#b91c1c', value: (run) => run.bySeverity.critical + run.bySeverity.high },
  { name: 'new', colour: '#b45309', value: (run) => run.newFindings },
];

function point(index: number, value: number, runs: number, max: number): string {
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = PAD.left + (runs === 1 ? innerWidth / 2 : (index * innerWidth) / (runs - 1));
  const y = PAD.top + innerHeight - (value * innerHeight) / max;
  return `${x.toFixed(1)},${y.toFixed(1)}`;
}

function line(series: Series, runs: readonly HistoryRun[], max: number): string {
  const points = runs.map((run, index) => point(index, series.value(run), runs.length, max));
  const dots = points.map((p) => {
    const [x, y] = p.split(',');
    return `<circle cx="${x ?? '0'}" cy="${y ?? '0'}" r="2.5" fill="${series.colour}"/>`;
  });
  return `<polyline fill="none" stroke="${series.colour}" stroke-width="2" points="${points.join(' ')}"/>${dots.join('')}`;
}

/** An inline SVG line chart of the last runs (no script, no external asset). */
export function trendSection(history: ReportHistory | undefined): string {
  const runs = history?.runs ?? [];
  if (runs.length === 0) return '';
  const max = Math.max(1, ...runs.flatMap((run) => SERIES.map((series) => series.value(run))));
  const baseline = HEIGHT - PAD.bottom;
  const first = runs[0]?.generatedAt.slice(0, 10) ?? '';
  const last = runs.at(-1)?.generatedAt.slice(0, 10) ?? '';
  const legend = SERIES.map(
    (series, index) =>
      `<text x="${PAD.left + index * 150}" y="${HEIGHT - 6}"><tspan fill="${series.colour}">■</tspan> ${escapeHtml(series.name)}</text>`,
  );
  return [
    `<section id="trend"><h2>Trend: last ${runs.length} run(s)</h2>`,
    `<svg role="img" aria-label="findings per run" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">`,
    `<line x1="${PAD.left}" y1="${baseline}" x2="${WIDTH - PAD.right}" y2="${baseline}" stroke="#94a3b8"/>`,
    `<text x="4" y="${PAD.top + 4}">${max}</text><text x="4" y="${baseline}">0</text>`,
    `<text x="${PAD.left}" y="${baseline + 14}">${escapeHtml(first)}</text>`,
    `<text x="${WIDTH - PAD.right - 70}" y="${baseline + 14}">${escapeHtml(last)}</text>`,
    ...SERIES.map((series) => line(series, runs, max)),
    ...legend,
    '</svg></section>',
  ].join('');
}
