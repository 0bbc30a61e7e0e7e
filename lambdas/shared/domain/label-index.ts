import type { LabelSelector } from './model/kubernetes';
import { indexableTerms, labelKey, selectorMatches, type Labels } from './selectors';

/**
 * Objects grouped by namespace, with per-namespace posting lists keyed by `label=value`. Selecting takes
 * the smallest posting list that a selector requires and filters it, so a selector never scans every
 * object of a large namespace when it names a label.
 */
export class LabelIndex<T> {
  private readonly byNamespace = new Map<string, T[]>();
  private readonly postings = new Map<string, Map<string, T[]>>();

  constructor(
    objects: Iterable<T>,
    namespaceOf: (object: T) => string,
    private readonly labelsOf: (object: T) => Labels,
  ) {
    for (const object of objects) {
      const namespace = namespaceOf(object);
      let list = this.byNamespace.get(namespace);
      if (list === undefined) {
        list = [];
        this.byNamespace.set(namespace, list);
      }
      list.push(object);
      let namespacePostings = this.postings.get(namespace);
      if (namespacePostings === undefined) {
        namespacePostings = new Map();
        this.postings.set(namespace, namespacePostings);
      }
      for (const [key, value] of Object.entries(labelsOf(object))) {
        const posting = labelKey(key, value);
        let postingList = namespacePostings.get(posting);
        if (postingList === undefined) {
          postingList = [];
          namespacePostings.set(posting, postingList);
        }
        postingList.push(object);
      }
    }
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
    const namespacePostings = this.postings.get(namespace);
    let candidates: readonly T[] = all;
    for (const alternatives of indexableTerms(selector)) {
      const lists = alternatives.map((key) => namespacePostings?.get(key) ?? []);
      const size = lists.reduce((sum, list) => sum + list.length, 0);
      if (size < candidates.length) candidates = lists.length === 1 ? (lists[0] ?? []) : mergeInOrder(all, lists);
    }
    if (candidates.length === 0) return [];
    return candidates.filter((object) => selectorMatches(selector, this.labelsOf(object)));
  }
}

function mergeInOrder<T>(order: readonly T[], lists: readonly (readonly T[])[]): T[] {
  const wanted = new Set<T>();
  for (const list of lists) for (const object of list) wanted.add(object);
  return order.filter((object) => wanted.has(object));
}
