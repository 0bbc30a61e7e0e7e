import { RunInputError } from '#engine';
import { ExecutionInput, type PlanEvent, type PlanOutput } from './contract';
import type { ServiceConfig } from './config';

export interface PlanDependencies {
  readonly config: ServiceConfig;
  /** Clusters of the region with all of the tags (for `clusters.allInRegion`). */
  readonly discoverClusters: (tags: Readonly<Record<string, string>>) => Promise<string[]>;
  readonly now: () => Date;
}

/** The execution input as the plan step accepts it, or a `RunInputError` naming the first bad field. */
export function validateExecutionInput(input: unknown): ExecutionInput {
  const parsed = ExecutionInput.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? 'input' : issue.path.map(String).join('.');
  const keys = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new RunInputError(field, `${issue?.message ?? 'invalid'}${keys}`);
}

/**
 * Validates the execution input and resolves the clusters of the run: the input's clusters must be configured
 * ones (an on-demand run cannot reach outside the stack's access entries).
 */
export async function planRun(event: PlanEvent, dependencies: PlanDependencies): Promise<PlanOutput> {
  const input = validateExecutionInput(event.input);
  const { clusters } = dependencies.config;
  const configured =
    'names' in clusters ? [...clusters.names].sort() : await dependencies.discoverClusters(clusters.tags);
  let selected = configured;
  if (input.clusters !== undefined) {
    const known = new Set(configured);
    const unknown = input.clusters.filter((name) => !known.has(name));
    if (unknown.length > 0)
      throw new RunInputError(
        'clusters',
        `not configured in this stack: ${unknown.join(', ')} (configured: ${configured.join(', ') || 'none'})`,
      );
    selected = [...new Set(input.clusters)];
  }
  if ((input.pods !== undefined || input.explain !== undefined) && selected.length !== 1)
    throw new RunInputError('clusters', 'a run with pods or explain names exactly one cluster');
  return {
    runId: event.executionName,
    startedAt: dependencies.now().toISOString(),
    executionArn: event.executionArn,
    clusters: selected.map((name) => ({ name })),
    focus: {
      ...(input.namespaces === undefined ? {} : { namespaces: input.namespaces }),
      ...(input.pods === undefined ? {} : { pods: input.pods }),
    },
    ...(input.explain === undefined ? {} : { explain: input.explain }),
  };
}
