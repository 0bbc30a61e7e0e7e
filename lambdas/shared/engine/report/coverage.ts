import type { LayerOutcome } from '../model/assessment';
import type { Finding, Layer, ResourceRef } from '../model/finding';
import type { PassedCheck } from '../model/outcome';
import type { LayerCoverage, PassedEntry } from './report';

export interface LayerResult {
  readonly layer: Layer;
  /** `false` when the layer as a whole could not run (its reason is in notChecked). */
  readonly ran: boolean;
  readonly outcome: LayerOutcome;
}

const resourceKey = (resource: ResourceRef): string =>
  JSON.stringify([resource.kind, resource.namespace ?? '', resource.name, resource.node ?? '']);

function compareResources(a: ResourceRef, b: ResourceRef): number {
  const left = resourceKey(a);
  const right = resourceKey(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Passed checks grouped by check id, resources sorted: the report's `passed[]`. */
export function passedEntries(layers: readonly LayerResult[]): PassedEntry[] {
  const byCheck = new Map<string, { layer: Layer; resources: ResourceRef[] }>();
  for (const { layer, outcome } of layers) {
    for (const { checkId, resource } of outcome.passed) {
      const entry = byCheck.get(checkId);
      if (entry === undefined) byCheck.set(checkId, { layer, resources: [resource] });
      else entry.resources.push(resource);
    }
  }
  return [...byCheck]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([checkId, entry]) => ({ checkId, layer: entry.layer, resources: entry.resources.sort(compareResources) }));
}

/** Distinct resources by kind; a node counts once under `Node` however its resources name it. */
function resourceCounts(passed: readonly PassedCheck[], findings: readonly Finding[]): Record<string, number> {
  const byKind = new Map<string, Set<string>>();
  const note = (kind: string, key: string): void => {
    const keys = byKind.get(kind) ?? new Set<string>();
    keys.add(key);
    byKind.set(kind, keys);
  };
  for (const resource of [...passed.map((entry) => entry.resource), ...findings.map((finding) => finding.resource)]) {
    if (resource.kind !== 'Node') note(resource.kind, resourceKey(resource));
    if (resource.node !== undefined) note('Node', resource.node);
  }
  return Object.fromEntries(
    [...byKind].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([kind, keys]) => [kind, keys.size]),
  );
}

/** One coverage line per layer that has checks: what it looked at, how much passed, how much it found. */
export function layerCoverage(layers: readonly LayerResult[]): LayerCoverage[] {
  return layers.map(({ layer, ran, outcome }) => ({
    layer,
    ran,
    resources: resourceCounts(outcome.passed, outcome.findings),
    passed: outcome.passed.length,
    findings: outcome.findings.length,
  }));
}
