import type { LocalRuns } from './local-runs';
import type { LineItem, ScenarioCost } from './model';
import { PRICES } from './prices';
import type { StackFacts } from './stack-facts';

export function usd(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.001) return `$${value.toFixed(6)}`;
  if (value < 1) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(2)}`;
}

function quantity(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value < 0.01 ? value.toExponential(2) : value.toFixed(2);
}

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

const label = (cost: ScenarioCost): string =>
  `${String(cost.scenario.clusters)} × ${String(cost.scenario.nodesPerCluster)}`;

function amount(items: readonly LineItem[], prefix: string): number {
  return items.filter((item) => item.item.startsWith(prefix)).reduce((total, item) => total + item.quantity, 0);
}

function perRunTable(costs: readonly ScenarioCost[]): string {
  return table(
    [
      'clusters × nodes',
      'batches per cluster',
      'state transitions',
      'Lambda GB-s',
      'S3 PUT-class / GET',
      'KMS requests',
      'CloudWatch Logs MB',
      '$ per run',
      '$ per cluster audit',
    ],
    costs.map((cost) => [
      label(cost),
      String(cost.batchesPerCluster),
      String(cost.transitions),
      quantity(amount(cost.perRun, 'Lambda compute')),
      `${quantity(amount(cost.perRun, 'S3 PUT'))} / ${quantity(amount(cost.perRun, 'S3 GET'))}`,
      quantity(amount(cost.perRun, 'KMS')),
      ((amount(cost.perRun, 'CloudWatch Logs') + amount(cost.perRun, 'custom-metric')) * 1024).toFixed(2),
      usd(cost.perRunUsd),
      usd(cost.perRunUsd / cost.scenario.clusters),
    ]),
  );
}

function lineItems(items: readonly LineItem[]): string[][] {
  return items.map((item) => [item.item, quantity(item.quantity), item.unit, usd(item.usd), item.source]);
}

function fixedTable(costs: readonly ScenarioCost[]): string {
  const [first] = costs;
  if (first === undefined) return '';
  const perCluster = first.fixedPerCluster.reduce((total, item) => total + item.usd, 0);
  const perAccount = first.fixedPerAccount.reduce((total, item) => total + item.usd, 0);
  return [
    `Per account and per cluster (${label(first)} at ${String(first.scenario.runsPerMonth)} runs a month):`,
    '',
    table(
      ['item', 'quantity', 'unit', '$ per month', 'price source'],
      [
        ...lineItems(first.fixedPerAccount).map((cells) => [`account: ${cells[0] ?? ''}`, ...cells.slice(1)]),
        ['**per account**', '', '', `**${usd(perAccount)}**`, ''],
        ...lineItems(first.fixedPerCluster).map((cells) => [`cluster: ${cells[0] ?? ''}`, ...cells.slice(1)]),
        ['**per cluster**', '', '', `**${usd(perCluster)}**`, ''],
      ],
    ),
    '',
    table(
      ['clusters × nodes', 'fixed $ per month', 'runs $ per month', 'total $ per month'],
      costs.map((cost) => {
        const runs = cost.perRunUsd * cost.scenario.runsPerMonth;
        return [label(cost), usd(cost.fixedPerMonthUsd), usd(runs), usd(cost.fixedPerMonthUsd + runs)];
      }),
    ),
  ].join('\n');
}

export interface RenderContext {
  readonly facts: StackFacts;
  readonly local: LocalRuns;
  readonly nodeMs: number;
  readonly auditMs: ReadonlyMap<number, number>;
}

export function renderCostTables(costs: readonly ScenarioCost[], context: RenderContext): string {
  const [first] = costs;
  const { transitions } = context.facts;
  const audits = [...context.auditMs].map(([nodes, ms]) => `${String(nodes)} nodes ${ms.toFixed(0)} ms`).join(', ');
  return [
    `State transitions per run (from the synthesized definition): ${String(transitions.perRun)} + clusters × ` +
      `(${String(transitions.perCluster)} + ${String(transitions.perBatch)} × batches), batches = ⌈nodes / 50⌉.`,
    `Engine times measured here: control-plane audit ${audits}; node layer ${context.nodeMs.toFixed(1)} ms per node.`,
    `Handler durations and S3 requests: ${context.local.source}, measured ${context.local.measuredAt}.`,
    '',
    '**Per run**',
    '',
    perRunTable(costs),
    '',
    first === undefined ? '' : `Line items of one run, ${label(first)}:`,
    '',
    first === undefined
      ? ''
      : table(['item', 'quantity', 'unit', '$ per run', 'price source'], lineItems(first.perRun)),
    '',
    '**Fixed per month**',
    '',
    fixedTable(costs),
    '',
    `Prices: us-east-1 list prices, free tiers left out (${PRICES.stateTransition.source} and the AWS pricing pages named).`,
    '',
  ].join('\n');
}
