/**
 * What the tests observe: the SSM document's collector script run on the agent's node (real aws-eks-na-cli v1.4.1,
 * tc, bpffs), its bundle placed under nodes/ of a live snapshot, the engine's audit and explain on that snapshot, and
 * real connection attempts between the pods' network namespaces.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { audit, explain, type AuditInputs, type AuditReport, type Finding, type Verdict } from '#engine';
import { runCollector, sha256, unpack } from '../node-collector/collector-run';
import { realNaCliPath } from '../node-collector/prerequisites';
import { run } from '../node-collector/process';
import type { AgentNode } from './agent-node';
import type { AgentCluster } from './cluster';
import { AGENT_VERSION, NODE_NAME, type Flow } from './scenarios';

const FALLBACK_PREFIX = 'netpol-audit-bundle-base64:';
const attempts = z.array(z.object({ target: z.string(), connected: z.boolean(), error: z.string().optional() }));

export interface AuditedSnapshot {
  readonly directory: string;
  readonly inputs: AuditInputs;
  readonly report: AuditReport;
  readonly nodeFindings: readonly Finding[];
}

let collections = 0;

/** A live snapshot of the cluster plus the collector's bundle of the node, audited. */
export async function collectAndAudit(cluster: AgentCluster, node: AgentNode): Promise<AuditedSnapshot> {
  const directory = await cluster.snapshot();
  collections += 1;
  const name = `collect-${String(collections)}`;
  const result = await runCollector(
    join(node.options.workDir, `${name}.sh`),
    { UploadUrl: 'none', NodeName: NODE_NAME, TimeoutSeconds: '60', IncludeAgentLog: 'true' },
    {
      NPC_NA_CLI: realNaCliPath(AGENT_VERSION),
      NPC_CNI_BIN: node.options.build.directory,
      NPC_AGENT_LOG: node.agentLog,
    },
    (command, args, env) => node.lab.inMountNs(command, args, env, 60_000),
  );
  const fallback = result.stdoutLines[1] ?? '';
  if (!fallback.startsWith(FALLBACK_PREFIX)) {
    throw new Error(`collector gave no base64 bundle: ${JSON.stringify(result.summary)} ${result.stderr.slice(-500)}`);
  }
  const archive = Buffer.from(fallback.slice(FALLBACK_PREFIX.length), 'base64');
  if (sha256(archive) !== result.summary.sha256) throw new Error('collector bundle does not match its sha256');
  await unpack(archive, join(node.options.workDir, `${name}.tar.gz`), directory);
  const snapshot = new SnapshotDirectory(directory);
  const inputs: AuditInputs = {
    inventory: await snapshot.readInventory(),
    nodeOutputs: await snapshot.readNodeOutputs(),
    source: { kind: 'snapshot', location: directory },
  };
  const report = audit(inputs, { now: new Date(), engineVersion: 'integration-agent' });
  return { directory, inputs, report, nodeFindings: report.findings.filter((f) => f.layer === 'node') };
}

/** Collects and audits until the node layer is clean (the agent reconciles asynchronously) or the time is up. */
export async function auditWhenProgrammed(
  cluster: AgentCluster,
  node: AgentNode,
  timeoutMs = 45_000,
): Promise<AuditedSnapshot & { readonly waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const audited = await collectAndAudit(cluster, node);
    const waitedMs = Date.now() - started;
    if (audited.nodeFindings.length === 0 || waitedMs > timeoutMs) return { ...audited, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** A finding reduced to what the tests pin: check, resource and the key or program it names. */
export function digest(finding: Finding): string {
  const { kind, namespace, name } = finding.resource;
  return `${finding.checkId} ${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}: ${finding.message}`;
}

export type Outcome = 'connected' | 'dropped';

export interface FlowResult {
  readonly flow: Flow;
  readonly packet: Outcome;
  readonly kernel: Verdict;
  readonly intent: Verdict;
  readonly policyEndpoint: Verdict;
  readonly kernelReason: string;
}

const verdictOf: Record<Outcome, Verdict> = { connected: 'allow', dropped: 'deny' };

export function matches(result: FlowResult): boolean {
  return verdictOf[result.packet] === result.kernel;
}

/** Real connection attempts, all sources at once (each source's attempts in parallel), then explain per flow. */
export async function tryFlows(node: AgentNode, inputs: AuditInputs, flows: readonly Flow[]): Promise<FlowResult[]> {
  const bySource = new Map<string, Flow[]>();
  for (const flow of flows) {
    const key = node.podNetns(flow.from);
    bySource.set(key, [...(bySource.get(key) ?? []), flow]);
  }
  const outcomes = new Map<Flow, Outcome>();
  await Promise.all(
    [...bySource.entries()].map(async ([netns, sourceFlows]) => {
      const targets = sourceFlows.map((f) => `${f.protocol.toLowerCase()}:${f.toIp}:${String(f.port)}`);
      const { stdout } = await run('nsenter', [
        `--net=/run/netns/${netns}`,
        '--',
        node.options.build.standIns,
        'probe',
        'connect',
        '--timeout',
        '1500ms',
        ...targets,
      ]);
      const results = attempts.parse(JSON.parse(stdout));
      sourceFlows.forEach((flow, i) => outcomes.set(flow, results[i]?.connected === true ? 'connected' : 'dropped'));
    }),
  );
  return flows.map((flow) => {
    const explained = explain(inputs, {
      from: `${flow.from.namespace}/${flow.from.name}`,
      to: flow.to,
      port: flow.port,
      protocol: flow.protocol,
    });
    return {
      flow,
      packet: outcomes.get(flow) ?? 'dropped',
      kernel: explained.kernel.verdict,
      intent: explained.intent.verdict,
      policyEndpoint: explained.policyEndpoint.verdict,
      kernelReason: explained.kernel.reason,
    };
  });
}

export function flowTable(title: string, results: readonly FlowResult[]): string {
  const rows = results.map((r) =>
    [
      `${r.flow.from.namespace}/${r.flow.from.name}`.padEnd(38),
      r.flow.to.padEnd(38),
      `${String(r.flow.port)}/${r.flow.protocol}`.padEnd(9),
      r.packet.padEnd(10),
      r.kernel.padEnd(8),
      r.intent.padEnd(8),
      matches(r) ? 'ok' : 'MISMATCH',
      r.kernelReason.slice(0, 110),
    ].join(' '),
  );
  const header = [
    'from'.padEnd(38),
    'to'.padEnd(38),
    'port'.padEnd(9),
    'packet'.padEnd(10),
    'kernel'.padEnd(8),
    'intent'.padEnd(8),
    '',
  ].join(' ');
  return [`${title} (${String(results.length)} flows)`, header, ...rows].join('\n');
}

/** `<from> -> <to>:<port>/<protocol>` of the flows that connected. */
export function connected(results: readonly FlowResult[]): string[] {
  return results
    .filter((r) => r.packet === 'connected')
    .map((r) => `${r.flow.from.name} -> ${r.flow.to}:${String(r.flow.port)}/${r.flow.protocol}`);
}
