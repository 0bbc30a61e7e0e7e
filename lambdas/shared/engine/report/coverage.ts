import type { LayerOutcome } from '../model/assessment';
import type { Finding, Layer, ResourceRef } from '../model/finding';
import { resourceKey, type PassedCheck } from '../model/outcome';
import type { LayerCoverage, PassedEntry } from './report';

export interface LayerResult {
  readonly layer: Layer;
  /** `false` when the layer as a whole could not run (its reason is in notChecked). */
  readonly ran: boolean;
  readonly outcome: LayerOutcome;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Resources sorted by their key, each key computed once (not twice per comparison). */
function sortedResources(resources: readonly ResourceRef[]): ResourceRef[] {
  return resources
    .map((resource) => ({ key: resourceKey(resource), resource }))
    .sort((a, b) => byText(a.key, b.key))
    .map(({ resource }) => resource);
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
    .sort(([a], [b]) => byText(a, b))
    .map(([checkId, entry]) => ({ checkId, layer: entry.layer, resources: sortedResources(entry.resources) }));
}

/** Distinct resources by kind; a node counts once under `Node` however its resources name it. */
function resourceCounts(passed: readonly PassedCheck[], findings: readonly Finding[]): Record<string, number> {
  const byKind = new Map<string, Set<string>>();
  const keys = new Map<ResourceRef, string>();
  const note = (kind: string, key: string): void => {
    const kindKeys = byKind.get(kind);
    if (kindKeys === undefined) byKind.set(kind, new Set([key]));
    else kindKeys.add(key);
  };
  const count = (resource: ResourceRef): void => {
    if (resource.kind !== 'Node') {
      // Passed checks of one evaluation share their resource object: key it once.
      let key = keys.get(resource);
      if (key === undefined) {
        key = resourceKey(resource);
        keys.set(resource, key);
      }
      note(resource.kind, key);
    }
    if (resource.node !== undefined) note('Node', resource.node);
  };
  for (const entry of passed) count(entry.resource);
  for (const finding of findings) count(finding.resource);
  return Object.fromEntries(
    [...byKind].sort(([a], [b]) => byText(a, b)).map(([kind, kindKeys]) => [kind, kindKeys.size]),
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
    notChecked: outcome.notChecked.length,
  }));
}
