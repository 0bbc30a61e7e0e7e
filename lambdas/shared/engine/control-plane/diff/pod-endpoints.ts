import type { LabelSelector } from '../../model/kubernetes';

/** A podSelectorEndpoints entry as it may appear in hand-made input (fields possibly missing). */
export interface PodEndpointLike {
  readonly name?: string | null | undefined;
  readonly namespace?: string | null | undefined;
  readonly podIP?: string | null | undefined;
  readonly hostIP?: string | null | undefined;
}

export interface PodView {
  readonly namespace: string;
  readonly name: string;
  readonly podIP: string;
  readonly hostIP: string;
}

export function podView(pod: PodEndpointLike): PodView {
  return { namespace: pod.namespace ?? '', name: pod.name ?? '', podIP: pod.podIP ?? '', hostIP: pod.hostIP ?? '' };
}

export function podNameKey(pod: { readonly namespace: string; readonly name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

export function podTupleKey(pod: PodView): string {
  return `${pod.namespace}/${pod.name}|${pod.podIP}|${pod.hostIP}`;
}

/** Pods grouped by namespace/name, each with the distinct (podIP, hostIP) tuples seen for it. */
export function podsByName(pods: Iterable<PodEndpointLike>): Map<string, Map<string, PodView>> {
  const byName = new Map<string, Map<string, PodView>>();
  for (const pod of pods) {
    const view = podView(pod);
    const nameKey = podNameKey(view);
    let tuples = byName.get(nameKey);
    if (tuples === undefined) {
      tuples = new Map();
      byName.set(nameKey, tuples);
    }
    tuples.set(podTupleKey(view), view);
  }
  return byName;
}

/** Pod lists as they arrive: one list, or one per endpoint object (absent lists are empty). */
export type PodChunks = readonly (readonly PodEndpointLike[] | null | undefined)[];

/** The pods of every chunk, or `undefined` when a chunk is neither a list nor absent (left to `comparePods`). */
function podsOf(chunks: PodChunks): (readonly PodEndpointLike[])[] | undefined {
  const lists: (readonly PodEndpointLike[])[] = [];
  for (const chunk of chunks) {
    if (Array.isArray(chunk)) lists.push(chunk);
    else if (chunk !== null && chunk !== undefined) return undefined;
  }
  return lists;
}

/**
 * Whether every expected pod (first entry per namespace and name) is listed and every listed pod is expected with
 * the same podIP and hostIP: then `comparePods` finds nothing. Keyed by the namespace and name strings themselves;
 * a `/` in either could make two pods one `podNameKey`, so such input is left to `comparePods`.
 */
export function samePods(expectedChunks: PodChunks, actualChunks: PodChunks): boolean {
  const expectedPods = podsOf(expectedChunks);
  const actualPods = podsOf(actualChunks);
  if (expectedPods === undefined || actualPods === undefined) return false;
  const indexes = new Map<string, Map<string, number>>();
  const firsts: PodEndpointLike[] = [];
  for (const list of expectedPods) {
    for (const pod of list) {
      // Hand-made input may carry other types; they are left to comparePods as well.
      const namespace: unknown = pod.namespace ?? '';
      const name: unknown = pod.name ?? '';
      if (typeof namespace !== 'string' || typeof name !== 'string') return false;
      if (namespace.includes('/') || name.includes('/')) return false;
      let names = indexes.get(namespace);
      if (names === undefined) {
        names = new Map();
        indexes.set(namespace, names);
      }
      if (!names.has(name)) {
        names.set(name, firsts.length);
        firsts.push(pod);
      }
    }
  }
  const listed = new Uint8Array(firsts.length);
  let count = 0;
  for (const list of actualPods) {
    for (const pod of list) {
      const index = indexes.get(pod.namespace ?? '')?.get(pod.name ?? '');
      const wanted = index === undefined ? undefined : firsts[index];
      if (index === undefined || wanted === undefined) return false;
      if ((wanted.podIP ?? '') !== (pod.podIP ?? '') || (wanted.hostIP ?? '') !== (pod.hostIP ?? '')) return false;
      if (listed[index] === 0) {
        listed[index] = 1;
        count += 1;
      }
    }
  }
  return count === firsts.length;
}

/** Order-insensitive identity of a label selector; absent and `{}` are the same (both select every pod). */
export function selectorKey(selector: LabelSelector | null | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .sort();
  const expressions = (selector?.matchExpressions ?? [])
    .map(
      (requirement) =>
        `${requirement.key} ${requirement.operator} (${[...new Set(requirement.values ?? [])].sort().join(',')})`,
    )
    .sort();
  return JSON.stringify([labels, [...new Set(expressions)]]);
}
