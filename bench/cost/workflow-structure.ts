/**
 * What the cost model reads from the synthesized stack rather than from a copy: the state transitions and Lambda
 * invocations of a run (walked on the ASL definition of the template), each function's memory size, the alarms and
 * their metrics, dashboards, KMS keys, log retention and the S3 lifecycle.
 */
import { z } from 'zod';

const AslState = z.looseObject({
  Type: z.string(),
  Next: z.string().optional(),
  End: z.boolean().optional(),
  Resource: z.string().optional(),
  ItemsPath: z.string().optional(),
  Parameters: z.looseObject({ FunctionName: z.string().optional() }).optional(),
});
type AslState = z.infer<typeof AslState>;
interface AslGraph {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}
const AslGraph: z.ZodType<AslGraph> = z.looseObject({ StartAt: z.string(), States: z.record(z.string(), AslState) });
const Nested = z.looseObject({ ItemProcessor: AslGraph.optional(), Branches: z.array(AslGraph).optional() });

/** How many items each Map iterates, by its ItemsPath (`$.clusters`, `$.batches`). */
export type ItemCounts = (itemsPath: string) => number;

/** Transitions and Lambda invocations (by the function's logical id) of one happy-path run. */
export interface RunTally {
  transitions: number;
  readonly invocations: Map<string, number>;
}

function add(into: RunTally, from: RunTally, times: number): void {
  into.transitions += from.transitions * times;
  for (const [fn, count] of from.invocations) into.invocations.set(fn, (into.invocations.get(fn) ?? 0) + count * times);
}

/** The logical id of a Lambda task's function (the definition renders `Fn::GetAtt` as `…:function:<logical id>`). */
function invokedFunction(state: AslState): string | undefined {
  if (state.Type !== 'Task' || state.Resource?.startsWith('arn:aws:states:::lambda:invoke') !== true) return undefined;
  return state.Parameters?.FunctionName?.split(':function:')[1];
}

/**
 * Walks a graph from StartAt along `Next` (the success path; a Catch replaces states, it adds none): one transition
 * per state entered, a Map's item processor once per item, every branch of a Parallel once.
 */
export function tallyRun(graph: AslGraph, items: ItemCounts): RunTally {
  const tally: RunTally = { transitions: 0, invocations: new Map() };
  const visited = new Set<string>();
  let name: string | undefined = graph.StartAt;
  while (name !== undefined) {
    if (visited.has(name)) throw new Error(`state ${name} is entered twice on the success path: a loop`);
    visited.add(name);
    const state: AslState | undefined = graph.States[name];
    if (state === undefined) throw new Error(`no state ${name}`);
    tally.transitions += 1;
    const fn = invokedFunction(state);
    if (fn !== undefined) tally.invocations.set(fn, (tally.invocations.get(fn) ?? 0) + 1);
    const nested = Nested.parse(state);
    if (state.Type === 'Map' && nested.ItemProcessor !== undefined)
      add(tally, tallyRun(nested.ItemProcessor, items), items(state.ItemsPath ?? '$'));
    for (const branch of nested.Branches ?? []) add(tally, tallyRun(branch, items), 1);
    name = state.End === true ? undefined : state.Next;
  }
  return tally;
}

/** transitions = perRun + clusters × (perCluster + batches × perBatch), batches counted per cluster. */
export interface TransitionsFormula {
  readonly perRun: number;
  readonly perCluster: number;
  readonly perBatch: number;
}

export const CLUSTERS_PATH = '$.clusters';
export const BATCHES_PATH = '$.batches';

function itemsFor(clusters: number, batches: number): ItemCounts {
  return (itemsPath) => {
    if (itemsPath === CLUSTERS_PATH) return clusters;
    if (itemsPath === BATCHES_PATH) return batches;
    throw new Error(`a Map over ${itemsPath}: the cost model knows only clusters and batches`);
  };
}

export function transitionsOf(formula: TransitionsFormula, clusters: number, batchesPerCluster: number): number {
  return formula.perRun + clusters * (formula.perCluster + batchesPerCluster * formula.perBatch);
}

/**
 * The formula's coefficients from three walks (no cluster; one cluster without batches; one with one batch), then
 * checked on a fourth: a definition whose transitions are not of this form (a polling loop, a per-node state) fails.
 */
export function transitionsFormula(definition: AslGraph): TransitionsFormula {
  const at = (clusters: number, batches: number): number =>
    tallyRun(definition, itemsFor(clusters, batches)).transitions;
  const perRun = at(0, 0);
  const perCluster = at(1, 0) - perRun;
  const perBatch = at(1, 1) - perRun - perCluster;
  const formula = { perRun, perCluster, perBatch };
  if (at(3, 7) !== transitionsOf(formula, 3, 7))
    throw new Error('the transitions of the definition are not perRun + clusters × (perCluster + batches × perBatch)');
  return formula;
}

/** Invocations of each function (by logical id) per cluster and per batch, from the same walks. */
export function invocationsPerScope(definition: AslGraph): {
  perRun: Map<string, number>;
  perCluster: Map<string, number>;
  perBatch: Map<string, number>;
} {
  const at = (clusters: number, batches: number): Map<string, number> =>
    tallyRun(definition, itemsFor(clusters, batches)).invocations;
  const none = at(0, 0);
  const one = at(1, 0);
  const batch = at(1, 1);
  const minus = (a: Map<string, number>, b: Map<string, number>): Map<string, number> =>
    new Map([...a].map(([fn, count]) => [fn, count - (b.get(fn) ?? 0)] as const).filter(([, count]) => count > 0));
  return { perRun: none, perCluster: minus(one, none), perBatch: minus(batch, one) };
}

export { AslGraph };
