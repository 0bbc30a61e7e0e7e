import type { UpstreamLink } from '../model/check';
import type { ClusterInventory } from '../model/cluster';
import type { Pod } from '../model/kubernetes';

export type BugComponent = 'agent' | 'controller' | 'cni';

/** The inventory kinds a trigger reads: when one could not be listed, the bug is not checked. */
export type TriggerKind = 'Pod' | 'PolicyEndpoint';

/** What in a snapshot sets a bug off: how many objects, and the first few by name. */
export interface TriggerHits {
  readonly count: number;
  readonly sample: readonly string[];
}

/**
 * An upstream bug whose trigger is visible in a snapshot (agent.md §5), fixed in a later release. A finding needs
 * both: the running version inside `affected` and a trigger present.
 */
export interface KnownBug {
  readonly component: BugComponent;
  /** semver range of the affected `x.y.z` versions. */
  readonly affected: string;
  /** First release of the component with the fix. */
  readonly fixedIn: string;
  /** From this VPC CNI release on, every release ships a component at or after `fixedIn`. */
  readonly fixedFromCni: string;
  readonly upstream: readonly [UpstreamLink, ...UpstreamLink[]];
  /** What goes wrong, as a sentence. */
  readonly effect: string;
  /** What the trigger objects are, plural ("pods with a '.' in the name listed in a PolicyEndpoint"). */
  readonly triggerNoun: string;
  readonly reads: readonly TriggerKind[];
  readonly triggeredBy: (inventory: ClusterInventory) => TriggerHits;
}

const SAMPLE_SIZE = 5;

/** The count and the alphabetically first few, without sorting everything (a trigger can hit 150,000 pods). */
function hitsOf(names: Iterable<string>): TriggerHits {
  let count = 0;
  const first: string[] = [];
  for (const name of names) {
    count++;
    if (first.length === SAMPLE_SIZE && name >= (first[SAMPLE_SIZE - 1] ?? '')) continue;
    first.push(name);
    first.sort();
    if (first.length > SAMPLE_SIZE) first.pop();
  }
  return { count, sample: first };
}

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

/** Pods the agent of their node handles: scheduled, running in the pod network, not finished. */
function agentHandled(pod: Pod): boolean {
  const node = pod.spec.nodeName ?? '';
  return node !== '' && pod.spec.hostNetwork !== true && !TERMINAL_PHASES.has(pod.status.phase ?? '');
}

/** `namespace/name` of the pods PolicyEndpoints list that pass `keep`, host-network entries (podIP = hostIP) left out. */
function podsListedInEndpoints(
  inventory: ClusterInventory,
  keep: (namespace: string, name: string) => boolean,
): Set<string> {
  const listed = new Set<string>();
  for (const endpoint of inventory.policyEndpoints) {
    for (const pod of endpoint.spec.podSelectorEndpoints ?? []) {
      if (pod.podIP !== pod.hostIP && keep(pod.namespace, pod.name)) listed.add(`${pod.namespace}/${pod.name}`);
    }
  }
  return listed;
}

/**
 * Namespaces that can take part in a `name + namespace` collision: equal concatenations with different namespaces
 * need one namespace to end with the other ("c" and "bc"). Namespaces are few, so pairs are compared directly.
 */
function suffixNamespaces(inventory: ClusterInventory): Set<string> {
  const namespaces = [...new Set(inventory.pods.map((pod) => pod.metadata.namespace))];
  const involved = new Set<string>();
  for (const longer of namespaces) {
    for (const shorter of namespaces) {
      if (longer.length > shorter.length && longer.endsWith(shorter)) involved.add(longer).add(shorter);
    }
  }
  return involved;
}

/**
 * Pods on one node whose `name + namespace` (no separator: the agent's in-memory attach key before v1.3.7) equals
 * that of another pod on the node, in groups where a PolicyEndpoint lists at least one of them: the agent takes
 * the second for already attached and installs no tc filter on it.
 */
function attachKeyCollisions(inventory: ClusterInventory): TriggerHits {
  const involved = suffixNamespaces(inventory);
  if (involved.size === 0) return hitsOf([]);
  const firstByKey = new Map<string, string>();
  const groups = new Map<string, Set<string>>();
  for (const pod of inventory.pods) {
    const { name, namespace } = pod.metadata;
    if (!involved.has(namespace) || !agentHandled(pod)) continue;
    const key = `${pod.spec.nodeName ?? ''}\u0000${name}${namespace}`;
    const qualified = `${namespace}/${name}`;
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, qualified);
    else if (first !== qualified) groups.set(key, (groups.get(key) ?? new Set([first])).add(qualified));
  }
  if (groups.size === 0) return hitsOf([]);
  const members = new Set([...groups.values()].flatMap((group) => [...group]));
  const listed = podsListedInEndpoints(inventory, (namespace, name) => members.has(`${namespace}/${name}`));
  const colliding = [...groups.values()].filter((group) => [...group].some((pod) => listed.has(pod)));
  return hitsOf(colliding.flatMap((group) => [...group]));
}

/** Pods listed in a PolicyEndpoint (not host-network entries) whose name has a '.'. */
function dottedPodNames(inventory: ClusterInventory): TriggerHits {
  return hitsOf(podsListedInEndpoints(inventory, (_namespace, name) => name.includes('.')));
}

/** PolicyEndpoints with an ingress or egress entry that has an `except` list. */
function endpointsWithExcept(inventory: ClusterInventory): TriggerHits {
  const names = inventory.policyEndpoints
    .filter((endpoint) =>
      [...(endpoint.spec.ingress ?? []), ...(endpoint.spec.egress ?? [])].some(
        (entry) => (entry.except ?? []).length > 0,
      ),
    )
    .map((endpoint) => `${endpoint.metadata.namespace}/${endpoint.metadata.name}`);
  return hitsOf(names);
}

/**
 * The catalog. Only bugs agent.md §5 names with a fixed release and a trigger a snapshot shows; the fixed releases
 * were confirmed with `git tag --contains` on the fix commits in aws/aws-network-policy-agent. Controller bugs are
 * not here: the controller version is not in a snapshot (EKS runs it in the control plane), and their symptoms are
 * compared directly (PolicyEndpoint diff with upstream hints).
 */
export const KNOWN_BUGS = {
  attachKeyCollision: {
    component: 'agent',
    affected: '<1.3.7',
    fixedIn: '1.3.7',
    fixedFromCni: '1.22.3',
    upstream: ['https://github.com/aws/aws-network-policy-agent/pull/563'],
    effect:
      'Pods on one node whose name followed by namespace spell the same string ("ab" in "c" and "a" in "bc") share the in-memory attach key, so the agent takes the second pod for attached and installs no tc filter on it: its policies are bypassed.',
    triggerNoun:
      'pods whose name + namespace collide with another pod on the same node, one of them listed in a PolicyEndpoint',
    reads: ['Pod', 'PolicyEndpoint'],
    triggeredBy: attachKeyCollisions,
  },
  dottedPodName: {
    component: 'agent',
    affected: '<1.3.2',
    fixedIn: '1.3.2',
    fixedFromCni: '1.22.1',
    upstream: [
      'https://github.com/aws/aws-network-policy-agent/pull/504',
      'https://github.com/aws/aws-network-policy-agent/issues/502',
      'https://github.com/aws/aws-network-policy-agent/issues/118',
    ],
    effect:
      'A pod name with a "." crashes the reconciler (v1.0.x) or breaks the parsing of its pin paths when the agent recovers its programs after a restart, so the pod can be left without the programs its policies need.',
    triggerNoun: 'pods with a "." in the name listed in a PolicyEndpoint',
    reads: ['PolicyEndpoint'],
    triggeredBy: dottedPodNames,
  },
  exceptRules: {
    component: 'agent',
    affected: '<1.2.4',
    fixedIn: '1.2.4',
    fixedFromCni: '1.20.1',
    upstream: [
      'https://github.com/aws/aws-network-policy-agent/issues/78',
      'https://github.com/aws/aws-network-policy-agent/issues/72',
      'https://github.com/aws/aws-network-policy-agent/issues/92',
      'https://github.com/aws/aws-network-policy-agent/issues/105',
    ],
    effect:
      "an ipBlock except is programmed the old way (before the fwruleprocessor rework): the except key takes the rule's own ports with the protocol forced to deny, overwriting an allow of the same CIDR, and narrower CIDRs inside the except still inherit the broader rule's ports.",
    triggerNoun: 'PolicyEndpoints with an except list',
    reads: ['PolicyEndpoint'],
    triggeredBy: endpointsWithExcept,
  },
} as const satisfies Record<string, KnownBug>;
