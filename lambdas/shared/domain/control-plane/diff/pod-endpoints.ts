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
