import type { LabelSelector } from './model/kubernetes';
import { selectorMatches, type Labels } from './selectors';

/**
 * Objects grouped by namespace, with per-namespace posting lists by label key and value. Selecting takes the smallest
 * posting list that a selector requires and filters it, so a selector never scans every object of a large namespace
 * when it names a label. Posting lists are built per (namespace, label key) on first use: label keys no selector names
 * (pod-template-hash and the like) are never indexed.
 */
export class LabelIndex<T> {
  private readonly byNamespace = new Map<string, T[]>();
  private readonly postings = new Map<string, Map<string, Map<string, T[]>>>();

  constructor(
    objects: Iterable<T>,
    namespaceOf: (object: T) => string,
    private readonly labelsOf: (object: T) => Labels,
  ) {
    for (const object of objects) {
      const namespace = namespaceOf(object);
      const list = this.byNamespace.get(namespace);
      if (list === undefined) this.byNamespace.set(namespace, [object]);
      else list.push(object);
    }
    for (const [namespace, list] of this.byNamespace) this.byNamespace.set(namespace, list.slice());
  }

  inNamespace(namespace: string): readonly T[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  namespaces(): IterableIterator<string> {
    return this.byNamespace.keys();
  }

  /** Objects of `namespace` matched by `selector` (absent selector: all), in insertion order. */
  select(namespace: string, selector: LabelSelector | null | undefined): readonly T[] {
    const all = this.inNamespace(namespace);
    if (selector === null || selector === undefined) return all;
    let candidates: readonly T[] = all;
    for (const [key, values] of indexableRequirements(selector)) {
      const byValue = this.postingsFor(namespace, key);
      const lists = values.map((value) => byValue.get(value) ?? []);
      const size = lists.reduce((sum, list) => sum + list.length, 0);
      if (size < candidates.length) candidates = lists.length === 1 ? (lists[0] ?? []) : mergeInOrder(all, lists);
    }
    if (candidates.length === 0) return [];
    return candidates.filter((object) => selectorMatches(selector, this.labelsOf(object)));
  }

  /** Label value → objects of `namespace` carrying `key` with that value, in insertion order (exact-size lists). */
  private postingsFor(namespace: string, key: string): ReadonlyMap<string, readonly T[]> {
    let byKey = this.postings.get(namespace);
    if (byKey === undefined) {
      byKey = new Map();
      this.postings.set(namespace, byKey);
    }
    let byValue = byKey.get(key);
    if (byValue === undefined) {
      byValue = new Map();
      for (const object of this.inNamespace(namespace)) {
        const labels = this.labelsOf(object);
        if (!Object.hasOwn(labels, key)) continue;
        const value = String(labels[key]);
        const list = byValue.get(value);
        if (list === undefined) byValue.set(value, [object]);
        else list.push(object);
      }
      for (const [value, list] of byValue) if (list.length > 1) byValue.set(value, list.slice());
      byKey.set(key, byValue);
    }
    return byValue;
  }
}

/**
 * The requirements a posting list can answer, as (label key, accepted values): each matchLabels pair, and each `In`
 * expression. Every object the selector matches is in the union of the lists of each of them.
 */
function indexableRequirements(selector: LabelSelector): [string, readonly string[]][] {
  const requirements: [string, readonly string[]][] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push([key, [value]]);
  for (const requirement of selector.matchExpressions ?? []) {
    if (requirement.operator === 'In') requirements.push([requirement.key, requirement.values ?? []]);
  }
  return requirements;
}

function mergeInOrder<T>(order: readonly T[], lists: readonly (readonly T[])[]): T[] {
  const wanted = new Set<T>();
  for (const list of lists) for (const object of list) wanted.add(object);
  return order.filter((object) => wanted.has(object));
}
