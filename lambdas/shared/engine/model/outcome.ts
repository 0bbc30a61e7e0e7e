import type { CheckDefinition, Finding, ResourceRef } from './finding';

/** One check that ran on one resource and found nothing wrong. */
export interface PassedCheck {
  readonly checkId: string;
  readonly resource: ResourceRef;
}

/**
 * Checks a layer ran on a resource. A `Cluster` resource covers the whole cluster and a `Node` resource everything on
 * that node, so a finding of the check anywhere inside the scope means it did not pass there.
 */
export interface Evaluation {
  readonly checks: readonly CheckDefinition[];
  readonly resource: ResourceRef;
}

export function clusterResource(clusterName: string): ResourceRef {
  return { kind: 'Cluster', name: clusterName };
}

/** The stable key of a resource: what `passed[]` sorts by and what the outcome sets compare. */
export function resourceKey(resource: ResourceRef): string {
  return JSON.stringify([resource.kind, resource.namespace ?? '', resource.name, resource.node ?? '']);
}

const CLUSTER_SCOPE = 'cluster';

/** Check ids per scope key (a resource's key, or `cluster` for the cluster as a whole). */
class ScopedChecks {
  private readonly byScope = new Map<string, Set<string>>();

  add(scope: string, checkId: string): void {
    const checks = this.byScope.get(scope);
    if (checks === undefined) this.byScope.set(scope, new Set([checkId]));
    else checks.add(checkId);
  }

  has(scope: string, checkId: string): boolean {
    return this.byScope.get(scope)?.has(checkId) === true;
  }
}

/** Scopes in which a finding fails an evaluation: its own resource, its node, and the cluster. */
function failedScopes(findings: readonly Finding[]): ScopedChecks {
  const failed = new ScopedChecks();
  for (const { checkId, resource } of findings) {
    failed.add(resourceKey(resource), checkId);
    failed.add(CLUSTER_SCOPE, checkId);
    if (resource.node !== undefined)
      failed.add(resourceKey({ kind: 'Node', name: resource.node, node: resource.node }), checkId);
  }
  return failed;
}

const scopeOf = (resource: ResourceRef): string =>
  resource.kind === 'Cluster' ? CLUSTER_SCOPE : resourceKey(resource);

/** The evaluated (check, resource) pairs no finding fails, each once, in evaluation order. */
export function passedOf(evaluations: readonly Evaluation[], findings: readonly Finding[]): PassedCheck[] {
  const failed = failedScopes(findings);
  const seen = new ScopedChecks();
  const passed: PassedCheck[] = [];
  for (const evaluation of evaluations) {
    const scope = scopeOf(evaluation.resource);
    for (const check of evaluation.checks) {
      if (failed.has(scope, check.id) || seen.has(scope, check.id)) continue;
      seen.add(scope, check.id);
      passed.push({ checkId: check.id, resource: evaluation.resource });
    }
  }
  return passed;
}
