import { Command, Option } from 'commander';
import { median, timed } from './measure';
import { audit, resolve, type AuditPhase, type AuditReport, type PhaseTimer } from '#engine';
import { benchGrouping } from './grouping';
import { benchNodeLayer } from './node-layer';
import {
  buildSyntheticCluster,
  DEFAULT_SIZE,
  policyEndpointsWithDrift,
  seededRandom,
  type SyntheticClusterSize,
} from './synthetic-cluster';

const integer = (value: string): number => Number.parseInt(value, 10);

const options = new Command('bench')
  .description('control-plane benchmark on a synthetic cluster; prints one JSON line')
  .addOption(new Option('--nodes <n>').default(DEFAULT_SIZE.nodes).argParser(integer))
  .addOption(new Option('--pods <n>').default(DEFAULT_SIZE.pods).argParser(integer))
  .addOption(new Option('--namespaces <n>').default(DEFAULT_SIZE.namespaces).argParser(integer))
  .addOption(new Option('--policies <n>').default(DEFAULT_SIZE.policies).argParser(integer))
  .addOption(new Option('--services <n>').default(DEFAULT_SIZE.services).argParser(integer))
  .addOption(new Option('--runs <n>', 'repetitions; medians are reported').default(3).argParser(integer))
  .parse()
  .opts<{ nodes: number; pods: number; namespaces: number; policies: number; services: number; runs: number }>();

const size: SyntheticClusterSize = { ...DEFAULT_SIZE, ...options };
// The node layer first, on a small heap, so the large cluster's garbage does not land in its timings.
const nodeLayer = benchNodeLayer();
const grouping = benchGrouping();
const generation = timed(() => {
  const base = buildSyntheticCluster(size);
  const { endpoints, driftedPolicies } = policyEndpointsWithDrift(
    resolve({ inventory: base }),
    size,
    seededRandom(size.seed + 1),
  );
  return { inventory: { ...base, policyEndpoints: endpoints }, driftedPolicies };
});
const { inventory, driftedPolicies } = generation.value;

/** A timer that adds up the time of each phase of one audit. */
function phaseTotals(): { timer: PhaseTimer; totals: Map<AuditPhase, number> } {
  const totals = new Map<AuditPhase, number>();
  const timer: PhaseTimer = {
    time: (phase, run) => {
      const phaseRun = timed(run);
      totals.set(phase, (totals.get(phase) ?? 0) + phaseRun.ms);
      return phaseRun.value;
    },
  };
  return { timer, totals };
}

/**
 * Wall time of the whole audit through the front door, with the resolve and diff phases seen by the timer, and the
 * process's CPU time meanwhile (on a shared machine the wall time also counts the waits for a core).
 */
function timeAudit(): { ms: number; cpuMs: number; resolveMs: number; diffMs: number; report: AuditReport } {
  const { timer, totals } = phaseTotals();
  const cpuStart = process.cpuUsage();
  const run = timed(() =>
    audit(
      { inventory, source: { kind: 'snapshot', location: 'synthetic' } },
      { now: new Date(), engineVersion: 'bench', timer },
    ),
  );
  const cpu = process.cpuUsage(cpuStart);
  return {
    ms: run.ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    resolveMs: totals.get('control-plane-resolve') ?? 0,
    diffMs: totals.get('control-plane-diff') ?? 0,
    report: run.value,
  };
}

const resolveMs: number[] = [];
const diffMs: number[] = [];
const totalMs: number[] = [];
const totalCpuMs: number[] = [];
let findings = 0;
for (let run = 0; run < options.runs; run += 1) {
  const measured = timeAudit();
  resolveMs.push(measured.resolveMs);
  diffMs.push(measured.diffMs);
  totalMs.push(measured.ms);
  totalCpuMs.push(measured.cpuMs);
  findings = measured.report.findings.length;
}

const round = (value: number): number => Math.round(value * 10) / 10;
// The figures first (medians over the runs; peak RSS of the whole process, generation included), then context.
process.stdout.write(
  `${JSON.stringify({
    pods: inventory.pods.length,
    policies: inventory.networkPolicies.length,
    resolveMs: round(median(resolveMs)),
    diffMs: round(median(diffMs)),
    totalMs: round(median(totalMs)),
    totalCpuMs: round(median(totalCpuMs)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...nodeLayer,
    ...grouping,
    nodes: size.nodes,
    namespaces: inventory.namespaces.length,
    services: inventory.services.length,
    policyEndpoints: inventory.policyEndpoints.length,
    driftedPolicies,
    findings,
    runs: options.runs,
    generateMs: round(generation.ms),
  })}\n`,
);
