import { resolveNode } from '#engine';
import { parseNodeBundle } from '#engine/node/bundle';
import { compareNodeState, IDENTIFIER_STEPS, type IdentifierStep } from '#engine/node/compare/audit-node-layer';
import { assessCollection } from '#engine/node/compare/collection';
import { IpOwners } from '#engine/node/compare/context';
import { LpmDiffs } from '#engine/node/compare/maps';
import { CidrParser } from '#engine/facts/cidr';
import { DRIFT_NODE, loadExample } from './support';

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('node compare steps', () => {
  it('give the same findings in every order (filters, programs, maps share no state)', async () => {
    // Prepare
    const drift = await loadExample('drift-cluster');
    const raw = drift.nodeOutputs.find((output) => output.nodeName === DRIFT_NODE);
    if (raw === undefined) throw new Error(`the drift example lost node ${DRIFT_NODE}`);
    const expected = resolveNode({ inventory: drift.inventory }, DRIFT_NODE);
    const run = (steps: readonly IdentifierStep[]): string[] => {
      const bundle = parseNodeBundle(raw);
      const shared = { cidrs: new CidrParser(), owners: IpOwners.of(drift.inventory), lpmDiffs: new LpmDiffs() };
      const outcome = compareNodeState(bundle, expected, shared, assessCollection(bundle), steps);
      return outcome.findings.map((finding) => JSON.stringify(finding));
    };
    const orders = permutations(IDENTIFIER_STEPS);
    // Act
    const results = orders.map((order) => run(order).sort());
    // Assess
    expect(orders).toHaveLength(6);
    const [first] = results;
    expect(first?.some((finding) => finding.includes('NODE-FILTER-PROGRAM-MISMATCH'))).toBe(true);
    expect(first?.some((finding) => finding.includes('NODE-PROGRAM-NOT-ATTACHED'))).toBe(false);
    for (const result of results) expect(result).toEqual(first);
  });
});
