import { KubeClient } from '../../kubernetes/support/kube-admin';
import { agrees, reproduction, runSideBySide, type ScenarioOutcome } from './differential';
import type { Placement, Scenario } from './scenario';
import { Placements, shrink } from './shrink';

export interface DifferentialReport {
  readonly outcomes: readonly ScenarioOutcome[];
  /** Shrunk reproductions of the disagreeing scenarios (YAML), empty when everything agrees. */
  readonly reproductions: readonly string[];
  readonly seconds: number;
}

/** Runs the scenarios side by side against the real controller; every disagreement is shrunk and printed. */
export async function runDifferential(
  adminKubeconfig: string,
  scenarios: readonly Scenario[],
  placements: Placements,
  options: { readonly shrinkRounds?: number } = {},
): Promise<DifferentialReport> {
  const started = Date.now();
  const admin = await KubeClient.fromKubeconfig(adminKubeconfig);
  const placed = scenarios.map((scenario) => [scenario, placements.take()] as [Scenario, Placement]);
  const outcomes = await runSideBySide(admin, placed, { adminKubeconfig });
  const reproductions: string[] = [];
  for (const failing of outcomes.filter((outcome) => !agrees(outcome))) {
    const smallest =
      (options.shrinkRounds ?? 8) > 0
        ? await shrink(admin, failing, placements, { adminKubeconfig, rounds: options.shrinkRounds ?? 8 })
        : failing;
    reproductions.push(`# ${failing.scenario.name} (as ${failing.placement.id}), shrunk:\n${reproduction(smallest)}`);
  }
  return { outcomes, reproductions, seconds: (Date.now() - started) / 1000 };
}
