import { parse } from 'yaml';
import { sharedCluster } from '../kubernetes/support/test-cluster';
import type { ScenarioOutcome } from './support/differential';
import { randomScenario } from './support/generator';
import { HANDWRITTEN } from './support/handwritten';
import { runDifferential } from './support/run';
import type { Scenario } from './support/scenario';
import { Placements } from './support/shrink';

/** Seeds per CI run (`npm run differential -- --seeds N --from S` runs more). */
const SEEDS = 200;
const FROM = Number(process.env.NETPOL_AUDIT_DIFFERENTIAL_FROM ?? '1');

jest.setTimeout(600_000);

function table(outcomes: readonly ScenarioOutcome[]): Record<string, { expected: string[]; actual: string[] }> {
  return Object.fromEntries(
    outcomes.map((outcome) => [
      outcome.scenario.name,
      { expected: [...outcome.expected], actual: [...outcome.actual] },
    ]),
  );
}

function expectAgreement(outcomes: readonly ScenarioOutcome[], reproductions: readonly string[]): void {
  if (reproductions.length > 0) console.error(`Disagreements with the real controller:\n${reproductions.join('\n')}`);
  const disagreeing = outcomes.filter((outcome) => JSON.stringify(outcome.expected) !== JSON.stringify(outcome.actual));
  expect(table(disagreeing)).toEqual({});
}

describe('differential: the real controller v1.1.7 against resolve + the diff (canonical form)', () => {
  it('agrees on one handwritten scenario per rule of controller.md §2, the planted key collisions expected exactly', async () => {
    // Prepare
    const cluster = await sharedCluster('controller');
    // Act
    const report = await runDifferential(cluster.adminKubeconfig, HANDWRITTEN, new Placements('h'));
    // Assess
    expectAgreement(report.outcomes, report.reproductions);
    const collisions = report.outcomes.flatMap((outcome) =>
      outcome.findings.filter((finding) => finding.checkId === 'CP-PE-ENTRY-KEY-COLLISION'),
    );
    expect(
      collisions.map((finding) => (finding.actual as { controllerKeyText: string }).controllerKeyText).sort(),
    ).toEqual([expect.stringMatching(/^10\.1\.\d+\.\d+TCP1234$/) as unknown as string, '10.250.0.0/16TCP8081']);
    expect(report.outcomes.map((outcome) => outcome.scenario.name)).toHaveLength(HANDWRITTEN.length);
  });

  it('shrinks a disagreement to a minimal reproduction and prints it', async () => {
    // Prepare: a scenario whose expectation leaves out its collision, so that it disagrees with the controller
    const cluster = await sharedCluster('controller');
    const collision = HANDWRITTEN.find((scenario) => scenario.name.startsWith('1.5 entry-key collision: 80-81'));
    if (collision === undefined) throw new Error('no handwritten collision scenario');
    const wrong = { ...collision, name: 'collision left out of the expectation', plantedCollisions: [] };
    // Act
    const report = await runDifferential(cluster.adminKubeconfig, [wrong], new Placements('x'));
    // Assess: only the colliding policy with both rules is left, and the reproduction says what differed
    expect(report.reproductions).toHaveLength(1);
    const [reproduction] = report.reproductions;
    const shrunk = parse((reproduction ?? '').replace(/^#.*\n/, '')) as {
      scenario: Scenario;
      actualDifferences: string[];
    };
    expect(shrunk.scenario.pods).toEqual([]);
    expect(shrunk.scenario.policies.map((policy) => [policy.name, (policy.spec.ingress as unknown[]).length])).toEqual([
      ['collide', 2],
    ]);
    expect(shrunk.actualDifferences).toEqual(['CP-PE-ENTRY-KEY-COLLISION a/collide ingress']);
  });

  it(`agrees on ${String(SEEDS)} seeded random clusters run side by side`, async () => {
    // Prepare
    const cluster = await sharedCluster('controller');
    const scenarios = Array.from({ length: SEEDS }, (_, index) => randomScenario(FROM + index));
    // Act
    const report = await runDifferential(cluster.adminKubeconfig, scenarios, new Placements('r'));
    // Assess
    expectAgreement(report.outcomes, report.reproductions);
    const planted = report.outcomes.filter((outcome) => outcome.scenario.plantedCollisions.length > 0).length;
    expect(planted).toBeGreaterThan(SEEDS / 4);
    console.log(
      `${String(SEEDS)} random clusters (seeds ${String(FROM)}..${String(FROM + SEEDS - 1)}, ${String(planted)} with a planted collision) settled and agreed in ${report.seconds.toFixed(1)} s`,
    );
  });
});
