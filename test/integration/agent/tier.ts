/**
 * The agent tier's per-suite set-up: a cluster (real kube-apiserver, the real controller when built), the scenarios
 * loaded into it, an agent node in the given mode with every scenario pod set up through the CNI calls, and the two
 * checks every step repeats: a clean audit and real packets that follow explain's kernel verdict.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPrerequisites, REPO } from '../node-collector/prerequisites';
import { run } from '../node-collector/process';
import { requireAgentBuild } from './agent-build';
import { AgentNode, type EnforcingMode } from './agent-node';
import { AgentCluster } from './cluster';
import {
  auditWhenProgrammed,
  digest,
  flowTable,
  matches,
  tryFlows,
  type AuditedSnapshot,
  type FlowResult,
} from './node-audit';
import { AGENT_VERSION, flowsOf, NODE_IP, type Scenario } from './scenarios';

export interface AgentTier {
  readonly cluster: AgentCluster;
  readonly node: AgentNode;
  /** Collects and audits until programmed; asserts zero node findings and no agent error since set-up. */
  readonly cleanAudit: () => Promise<AuditedSnapshot>;
  /** Every flow of the scenarios as a real connection attempt; asserts each equals explain's kernel verdict. */
  readonly packets: (title: string, audited: AuditedSnapshot) => Promise<FlowResult[]>;
}

/** Registers beforeAll/afterAll for one suite; call inside `describe`. */
export function agentTier(mode: EnforcingMode, scenarios: readonly Scenario[]): () => AgentTier {
  const runId = `npa${String(process.pid % 100000)}${mode === 'strict' ? 't' : 's'}`;
  let work = '';
  let cluster: AgentCluster | undefined;
  let node: AgentNode | undefined;
  let agentLogMark = 0;

  beforeAll(async () => {
    const missing = missingPrerequisites(AGENT_VERSION);
    if (missing.length > 0) {
      throw new Error(`agent tier cannot run; missing: ${missing.join('; ')} (scripts/install-node-test-deps.sh)`);
    }
    const build = await requireAgentBuild();
    work = mkdtempSync(join(tmpdir(), 'npa-it-'));
    const tcAttacher = join(work, 'tc-attach');
    await run('clang', ['-O2', '-Wall', '-o', tcAttacher, join(REPO, 'test/fixtures/node-collector/tc-attach.c')]);
    cluster = await AgentCluster.start(work);
    await cluster.load(scenarios, mode);
    node = await AgentNode.start({
      build,
      runId,
      workDir: work,
      nodeIp: NODE_IP,
      mode,
      apiserverUrl: cluster.apiserverUrl,
      adminKubeconfig: cluster.env.adminKubeconfig,
      tcAttacher,
    });
    for (const pod of scenarios.flatMap((s) => s.pods)) await node.addPod(pod);
    if (node.cniFailures.length > 0) {
      console.log(
        `${mode} mode: the agent refused ${String(node.cniFailures.length)} CNI ADD(s), torn down and added again:\n${node.cniFailures.join('\n')}`,
      );
    }
    // Before the CNI ADDs the agent reconciles PolicyEndpoints of pods whose veth is not there yet and logs
    // "Link not found" (agent.md §5, #569): expected on a real node too. From here on the log must stay clean.
    agentLogMark = node.agentLogLines().length;
  });

  afterAll(async () => {
    const problems = node === undefined ? [] : await node.stop();
    if (cluster !== undefined) await cluster.stop();
    if (work !== '') rmSync(work, { recursive: true, force: true });
    const leftovers = (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(runId));
    problems.push(...leftovers.map((ns) => `network namespace left behind: ${ns}`));
    if (problems.length > 0) throw new Error(`cleanup incomplete: ${problems.join('; ')}`);
  });

  return () => {
    if (cluster === undefined || node === undefined) throw new Error('the cluster or the agent node did not start');
    const c = cluster;
    const n = node;
    return {
      cluster: c,
      node: n,
      cleanAudit: async () => {
        const audited = await auditWhenProgrammed(c, n);
        expect({ node: audited.nodeFindings.map(digest), agentErrors: n.agentErrors(agentLogMark) }).toEqual({
          node: [],
          agentErrors: [],
        });
        return audited;
      },
      packets: async (title, audited) => {
        const results = await tryFlows(n, audited.inputs, scenarios.flatMap(flowsOf));
        console.log(flowTable(`${mode} mode, ${title}`, results));
        const mismatches = results.filter((r) => !matches(r));
        expect(mismatches.map((r) => `${r.flow.from.name} -> ${r.flow.to}:${String(r.flow.port)}`)).toEqual([]);
        return results;
      },
    };
  };
}
