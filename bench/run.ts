import { Command, Option } from 'commander';
import { median, timed } from './measure';
import { runAudit } from '#engine/audit';
import { diffPolicyEndpoints } from '#engine/control-plane/diff/index';
import { resolveNetworkPolicies } from '#engine/control-plane/resolver/index';
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
const generation = timed(() => {
  const base = buildSyntheticCluster(size);
  const { endpoints, driftedPolicies } = policyEndpointsWithDrift(
    resolveNetworkPolicies(base),
    size,
    seededRandom(size.seed + 1),
  );
  return { inventory: { ...base, policyEndpoints: endpoints }, driftedPolicies };
});
const { inventory, driftedPolicies } = generation.value;

/** The standalone resolve and diff timings; nothing of their output outlives the call. */
function timeResolveAndDiff(): { resolveMs: number; diffMs: number } {
  const resolved = timed(() => resolveNetworkPolicies(inventory));
  const diff = timed(() => diffPolicyEndpoints(inventory, resolved.value));
  return { resolveMs: resolved.ms, diffMs: diff.ms };
}

/** Wall time of the whole audit (config, resolve, diff, CPE diff, static limits, Service port check, report). */
function timeAudit(): { ms: number; findings: number } {
  const audit = timed(() =>
    runAudit({
      inventory,
      options: { now: new Date() },
      source: { kind: 'snapshot', location: 'synthetic' },
      engineVersion: 'bench',
    }),
  );
  return { ms: audit.ms, findings: audit.value.findings.length };
}

const resolveMs: number[] = [];
const diffMs: number[] = [];
const totalMs: number[] = [];
let findings = 0;
for (let run = 0; run < options.runs; run += 1) {
  const parts = timeResolveAndDiff();
  resolveMs.push(parts.resolveMs);
  diffMs.push(parts.diffMs);
  const audit = timeAudit();
  totalMs.push(audit.ms);
  findings = audit.findings;
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
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...nodeLayer,
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
