/**
 * `npm run cost`: the cost model for N clusters × M nodes, printed as the Markdown tables of the README and
 * docs/cost.md. Structure from the synthesized stack, durations and requests from out/local-runs.json (measured
 * first when missing or with --measure), engine times measured on synthetic clusters of each scenario's size.
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { audit, resolve } from '#engine';
import { reportMetrics } from '../../lambdas/shared/service/report-metrics';
import { AuditReport } from '#engine';
import { MAX_BATCH_SIZE } from '../../lambdas/shared/service/contract';
import { median } from '../measure';
import { benchNodeLayer } from '../node-layer';
import { buildSyntheticCluster, DEFAULT_SIZE, policyEndpointsWithDrift, seededRandom } from '../synthetic-cluster';
import { LOCAL_RUNS_FILE, measureLocalRuns, writeLocalRuns } from './local-run';
import { LocalRuns } from './local-runs';
import { READER_FILE, ReaderMeasure } from './reader-measure';
import { costOf, type Assumptions, type EngineTimes, type Scenario } from './model';
import { renderCostTables } from './render';
import { stackFacts } from './stack-facts';

export const DEFAULT_SCENARIOS = '1x100,10x100,1x1000,20x500';

/**
 * CPU time per pod of reading, projecting and snapshotting page by page when out/reader.json is missing: the value
 * bench/cost/reader.ts measured at 150,000 pods on 2026-12-04 (docs/cost.md).
 */
const READER_MS_PER_POD = 0.15;

/** bench/cost/reader.ts's CPU time per pod on the 150,000-pod cluster. */
function readerMsPerPod(): number {
  if (!existsSync(READER_FILE)) return READER_MS_PER_POD;
  return ReaderMeasure.parse(JSON.parse(readFileSync(READER_FILE, 'utf8'))).msPerPod;
}

function parseScenarios(text: string, runsPerMonth: number): Scenario[] {
  return text.split(',').map((part) => {
    const match = /^(\d+)x(\d+)$/.exec(part.trim());
    if (match === null) throw new Error(`a scenario is <clusters>x<nodes>, e.g. 10x100; got ${part}`);
    return { clusters: Number(match[1]), nodesPerCluster: Number(match[2]), runsPerMonth };
  });
}

/** Median audit time of a synthetic cluster with the bench's proportions (30 pods a node) scaled to `nodes`. */
function clusterAuditMs(nodes: number): number {
  const scale = nodes / DEFAULT_SIZE.nodes;
  const size = {
    ...DEFAULT_SIZE,
    nodes,
    pods: Math.round(DEFAULT_SIZE.pods * scale),
    namespaces: Math.max(1, Math.round(DEFAULT_SIZE.namespaces * scale)),
    policies: Math.max(1, Math.round(DEFAULT_SIZE.policies * scale)),
    services: Math.max(1, Math.round(DEFAULT_SIZE.services * scale)),
  };
  const base = buildSyntheticCluster(size);
  const { endpoints } = policyEndpointsWithDrift(resolve({ inventory: base }), size, seededRandom(size.seed + 1));
  const inventory = { ...base, policyEndpoints: endpoints };
  // CPU time, not wall time: this 2-core machine is shared; at 1,769 MB the function has one vCPU of its own.
  const times = [0, 1, 2, 3].map(() =>
    cpuTimed(() =>
      audit(
        { inventory, source: { kind: 'snapshot', location: 'synthetic' } },
        { now: new Date(), engineVersion: 'cost' },
      ),
    ),
  );
  return median(times.slice(1));
}

function cpuTimed(work: () => unknown): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * The node bench's median wall time per node, scaled by the share of a CPU the process got meanwhile: on this shared
 * machine the wall time includes waiting for a core, which a Lambda with its own vCPU does not.
 */
function nodeLayerMs(): number {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const { nodeTotalMs } = benchNodeLayer(5);
  const cpu = process.cpuUsage(cpuStart);
  const share = Math.min(1, (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart));
  return nodeTotalMs * share;
}

function metricsPerCluster(): number {
  const report = AuditReport.parse(JSON.parse(readFileSync('out/seed-cluster/report.json', 'utf8')));
  return reportMetrics(report).length;
}

function assumptions(): Assumptions {
  return {
    podsPerNode: DEFAULT_SIZE.pods / DEFAULT_SIZE.nodes,
    batchSize: MAX_BATCH_SIZE,
    s3RequestMs: 30,
    kubernetesPageMs: 300,
    podsPerPage: 500,
    otherKindPages: 10,
    awsCallMs: 60,
    awsCallsPerInvocation: 2,
    platformLogBytes: 900,
    stateLogBytes: 1000,
    alertShare: 1,
    emailSubscribers: 1,
    snapshotBytesPerPod: 1000,
    accessLogBytesPerRequest: 400,
    metricsPerCluster: existsSync('out/seed-cluster/report.json') ? metricsPerCluster() : 17,
    coldStartMetrics: 6,
  };
}

async function localRuns(measure: boolean): Promise<LocalRuns> {
  if (!measure && existsSync(LOCAL_RUNS_FILE)) {
    const parsed = LocalRuns.safeParse(JSON.parse(readFileSync(LOCAL_RUNS_FILE, 'utf8')));
    if (parsed.success) return parsed.data;
  }
  const runs = await measureLocalRuns(6);
  writeLocalRuns(runs);
  return runs;
}

async function main(): Promise<void> {
  const options = new Command('cost')
    .description('cost model of the audit service for N clusters × M nodes; prints Markdown tables')
    .addOption(
      new Option('--scenarios <list>', 'clusters x nodes per cluster, comma-separated').default(DEFAULT_SCENARIOS),
    )
    .addOption(new Option('--runs-per-month <n>', 'runs in a month (nightly: 30)').default('30'))
    .addOption(new Option('--measure', 're-measure the local handler runs even if out/local-runs.json exists'))
    .parse()
    .opts<{ scenarios: string; runsPerMonth: string; measure?: boolean }>();
  const scenarios = parseScenarios(options.scenarios, Number(options.runsPerMonth));
  const facts = stackFacts();
  const local = await localRuns(options.measure === true);
  const nodeMs = nodeLayerMs();
  const auditMs = new Map<number, number>();
  for (const { nodesPerCluster } of scenarios)
    if (!auditMs.has(nodesPerCluster)) auditMs.set(nodesPerCluster, clusterAuditMs(nodesPerCluster));
  const assumed = assumptions();
  const readerMs = readerMsPerPod();
  const costs = scenarios.map((scenario) => {
    const engine: EngineTimes = {
      clusterAuditMs: auditMs.get(scenario.nodesPerCluster) ?? 0,
      nodeMs,
      readerMsPerPod: readerMs,
    };
    return costOf(scenario, { facts, local, engine, assumptions: assumed });
  });
  process.stdout.write(renderCostTables(costs, { facts, local, nodeMs, auditMs }));
}

if (require.main === module) void main();
