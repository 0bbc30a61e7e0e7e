import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_VERSION, IDENTIFIERS, type LabPod } from './audit-cluster';
import { NodeLab } from './node-lab';
import { BPF_SOURCE, missingPrerequisites, realNaCliPath, REPO } from './prerequisites';
import { run } from './process';

const TC_ATTACH_SOURCE = join(REPO, 'test/fixtures/node-collector/tc-attach.c');

/** The lab node of audit-cluster.ts, programmed as agent v1.4.1 would, and what its collector needs. */
export interface AuditLab {
  readonly lab: NodeLab;
  /** The collector's environment on the lab node: the real aws-eks-na-cli, the CNI bin dir, the agent's log. */
  readonly collectorEnv: Readonly<Record<string, string>>;
  /** Removes the lab's namespaces, veths, pins and programs; returns what could not be removed. */
  readonly cleanup: () => Promise<string[]>;
}

/** Throws, naming what is missing and how to get it, when this machine cannot run the real-kernel lab. */
export function requireLabPrerequisites(suite: string): void {
  const missing = missingPrerequisites(AGENT_VERSION);
  if (missing.length > 0)
    throw new Error(
      `${suite} cannot run; missing: ${missing.join('; ')}. Install with scripts/install-node-test-deps.sh (as root).`,
    );
}

/**
 * Compiles the fixture's BPF program and tc attacher into `work`, starts the lab node in its own network namespace
 * (`<netnsPrefix>node`), gives each pod its namespace and host veth, loads and pins the identifiers and attaches them.
 */
export async function startAuditLab(work: string, netnsPrefix: string, pods: readonly LabPod[]): Promise<AuditLab> {
  const object = join(work, 'tc-policy.bpf.o');
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  await run('clang', ['-O2', '-g', '-target', 'bpf', `-I/usr/include/${multiarch}`, '-c', BPF_SOURCE, '-o', object]);
  const tcAttacher = join(work, 'tc-attach');
  await run('clang', ['-O2', '-Wall', '-o', tcAttacher, TC_ATTACH_SOURCE]);
  const agentLog = join(work, 'network-policy-agent.log');
  writeFileSync(
    agentLog,
    `${JSON.stringify({
      level: 'info',
      ts: '2026-11-26T11:00:00.000Z',
      logger: 'setup',
      msg: `Starting network policy agent: ${AGENT_VERSION} (built: 2026-08-01T00:00:00Z)`,
    })}\n`,
  );
  const cniBin = join(work, 'cni-bin');
  mkdirSync(cniBin, { recursive: true });
  writeFileSync(join(cniBin, 'tc.v4ingress.bpf.o'), '');

  const lab = await NodeLab.start(object, { nodeNetns: `${netnsPrefix}node`, tcAttacher });
  const cleanup = async (): Promise<string[]> => {
    const problems = await lab.cleanup();
    const leftovers = (await run('ip', ['netns', 'list'])).stdout
      .split('\n')
      .filter((line) => line.startsWith(netnsPrefix));
    return [...problems, ...leftovers.map((ns) => `network namespace left behind: ${ns}`)];
  };
  try {
    for (const [i, pod] of pods.entries()) await lab.addPod(`${netnsPrefix}${String(i)}`, pod.veth, pod.ip);
    for (const spec of IDENTIFIERS) await lab.loadIdentifier(spec);
    for (const pod of pods) await lab.attach(pod.veth, pod.identifier);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    lab,
    collectorEnv: { NPC_NA_CLI: realNaCliPath(AGENT_VERSION), NPC_CNI_BIN: cniBin, NPC_AGENT_LOG: agentLog },
    cleanup,
  };
}

/** A lab suite's afterAll: the lab (when it started) and then `work` removed; throws naming what stayed behind. */
export async function removeAuditLab(auditLab: AuditLab | undefined, work: string): Promise<void> {
  const problems = auditLab === undefined ? [] : await auditLab.cleanup();
  if (work !== '') rmSync(work, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(`cleanup incomplete: ${problems.join('; ')}`);
}
