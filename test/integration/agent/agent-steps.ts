/**
 * Steps both agent-tier suites share: the scenario pods by name, the agent's program pins, and a tamper behind the
 * agent's back that must give exactly one expected finding while the packets keep following explain.
 */
import type { AgentNode } from './agent-node';
import { collectAndAudit, type AuditedSnapshot, type FlowResult } from './node-audit';
import { ARTICLE, RICH, type ScenarioPod } from './scenarios';
import type { AgentTier } from './tier';

export const PIN_PROGRAMS = '/sys/fs/bpf/globals/aws/programs';
export const TCP = 6;
export const ANY = 254;

export function podNamed(name: string): ScenarioPod {
  const pod = [...ARTICLE.pods, ...RICH.pods].find((p) => p.name === name);
  if (pod === undefined) throw new Error(`no scenario pod ${name}`);
  return pod;
}

export interface Tamper {
  readonly title: string;
  readonly expectedCheck: string;
  readonly change: (n: AgentNode) => Promise<void>;
  /** Puts back what the agent wrote (it misses out-of-band edits). */
  readonly restore: (n: AgentNode) => Promise<void>;
}

/** Tampers, audits (exactly `expectedCheck` on the node) and runs the packets, then restores. */
export async function tampered(
  tier: AgentTier,
  tamper: Tamper,
): Promise<{ audited: AuditedSnapshot; results: FlowResult[] }> {
  await tamper.change(tier.node);
  try {
    const audited = await collectAndAudit(tier.cluster, tier.node);
    expect(audited.nodeFindings.map((f) => f.checkId)).toEqual([tamper.expectedCheck]);
    return { audited, results: await tier.packets(tamper.title, audited) };
  } finally {
    await tamper.restore(tier.node);
  }
}
