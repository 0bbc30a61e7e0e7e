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

function resourceKey(resource: ResourceRef): string {
  return JSON.stringify([resource.kind, resource.namespace ?? '', resource.name, resource.node ?? '']);
}

/** Keys under which a finding fails an evaluation: its own resource, its node, and the cluster. */
function scopeKeys(checkId: string, resource: ResourceRef): string[] {
  const keys = [`${checkId}|${resourceKey(resource)}`, `${checkId}|cluster`];
  if (resource.node !== undefined)
    keys.push(`${checkId}|${resourceKey({ kind: 'Node', name: resource.node, node: resource.node })}`);
  return keys;
}

function evaluationKey(checkId: string, resource: ResourceRef): string {
  return resource.kind === 'Cluster' ? `${checkId}|cluster` : `${checkId}|${resourceKey(resource)}`;
}

/** The evaluated (check, resource) pairs no finding fails, each once, in evaluation order. */
export function passedOf(evaluations: readonly Evaluation[], findings: readonly Finding[]): PassedCheck[] {
  const failed = new Set<string>();
  for (const finding of findings) for (const key of scopeKeys(finding.checkId, finding.resource)) failed.add(key);
  const seen = new Set<string>();
  const passed: PassedCheck[] = [];
  for (const evaluation of evaluations) {
    for (const check of evaluation.checks) {
      const key = evaluationKey(check.id, evaluation.resource);
      if (failed.has(key) || seen.has(key)) continue;
      seen.add(key);
      passed.push({ checkId: check.id, resource: evaluation.resource });
    }
  }
  return passed;
}
