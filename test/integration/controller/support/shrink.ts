import type { KubeClient } from '../../kubernetes/support/kube-admin';
import { agrees, runSideBySide, type ScenarioOutcome, type SettleOptions } from './differential';
import type { Placement, Scenario } from './scenario';

/** Hands out unique namespace prefixes and pod IP blocks for the whole run. */
export class Placements {
  private next = 0;
  constructor(private readonly prefix: string) {}

  take(): Placement {
    const slot = this.next;
    this.next += 1;
    return { id: `${this.prefix}${String(slot)}`, slot };
  }
}

function without<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, position) => position !== index);
}

function withoutRule(scenario: Scenario, policyIndex: number, direction: 'ingress' | 'egress', rule: number): Scenario {
  const policies = scenario.policies.map((policy, position) => {
    if (position !== policyIndex) return policy;
    const rules = policy.spec[direction] as unknown[];
    return { ...policy, spec: { ...policy.spec, [direction]: without(rules, rule) } };
  });
  return { ...scenario, policies };
}

const isPlanted = (scenario: Scenario, namespace: string, name: string): boolean =>
  scenario.plantedCollisions.some((planted) => planted.policy === `${namespace}/${name}`);

/** Every scenario with one object, or one rule of a policy without a planted collision, less. */
export function smallerScenarios(scenario: Scenario): Scenario[] {
  const smaller: Scenario[] = [];
  scenario.policies.forEach((policy, index) => {
    if (isPlanted(scenario, policy.namespace, policy.name)) return;
    smaller.push({ ...scenario, policies: without(scenario.policies, index) });
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = policy.spec[direction];
      if (!Array.isArray(rules)) continue;
      for (let rule = 0; rule < rules.length; rule++) smaller.push(withoutRule(scenario, index, direction, rule));
    }
  });
  scenario.pods.forEach((_, index) => smaller.push({ ...scenario, pods: without(scenario.pods, index) }));
  scenario.services.forEach((_, index) => smaller.push({ ...scenario, services: without(scenario.services, index) }));
  return smaller;
}

/**
 * Greedy shrinking against the real controller: each round runs every one-smaller variant side by side and keeps
 * the first that still disagrees, until none does or the round budget is spent.
 */
export async function shrink(
  admin: KubeClient,
  failing: ScenarioOutcome,
  placements: Placements,
  options: SettleOptions & { readonly rounds?: number },
): Promise<ScenarioOutcome> {
  let smallest = failing;
  for (let round = 0; round < (options.rounds ?? 12); round++) {
    const candidates = smallerScenarios(smallest.scenario);
    if (candidates.length === 0) break;
    const outcomes = await runSideBySide(
      admin,
      candidates.map((candidate) => [candidate, placements.take()] as [Scenario, Placement]),
      options,
    );
    const stillFailing = outcomes.find((outcome) => !agrees(outcome));
    if (stillFailing === undefined) break;
    smallest = stillFailing;
  }
  return smallest;
}
