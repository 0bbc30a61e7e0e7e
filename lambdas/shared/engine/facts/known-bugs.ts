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

function hitsOf(names: readonly string[]): TriggerHits {
  return { count: names.length, sample: names.slice(0, SAMPLE_SIZE) };
}

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

/** Pods the agent of their node handles: scheduled, running in the pod network, not finished. */
function agentHandled(pod: Pod): boolean {
  const node = pod.spec.nodeName ?? '';
  return node !== '' && pod.spec.hostNetwork !== true && !TERMINAL_PHASES.has(pod.status.phase ?? '');
}

/** `namespace/name` of every pod a PolicyEndpoint lists, host-network entries (podIP = hostIP) left out. */
function podsListedInEndpoints(inventory: ClusterInventory): Set<string> {
  const listed = new Set<string>();
  for (const endpoint of inventory.policyEndpoints) {
    for (const pod of endpoint.spec.podSelectorEndpoints ?? []) {
      if (pod.podIP !== pod.hostIP) listed.add(`${pod.namespace}/${pod.name}`);
    }
  }
  return listed;
}

/**
 * Pods on one node whose `name + namespace` (no separator: the agent's in-memory attach key before v1.3.7) equals
 * that of another pod on the node, in groups where a PolicyEndpoint lists at least one of them: the agent takes
 * the second for already attached and installs no tc filter on it.
 */
function attachKeyCollisions(inventory: ClusterInventory): TriggerHits {
  const firstByKey = new Map<string, string>();
  const groups = new Map<string, Set<string>>();
  for (const pod of inventory.pods) {
    if (!agentHandled(pod)) continue;
    const { name, namespace } = pod.metadata;
    const key = `${pod.spec.nodeName ?? ''}\u0000${name}${namespace}`;
    const qualified = `${namespace}/${name}`;
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, qualified);
    else if (first !== qualified) groups.set(key, (groups.get(key) ?? new Set([first])).add(qualified));
  }
  if (groups.size === 0) return hitsOf([]);
  const listed = podsListedInEndpoints(inventory);
  const colliding = [...groups.values()].filter((group) => [...group].some((pod) => listed.has(pod)));
  return hitsOf(colliding.flatMap((group) => [...group]).sort());
}

/** Pods listed in a PolicyEndpoint (not host-network entries) whose name has a '.'. */
function dottedPodNames(inventory: ClusterInventory): TriggerHits {
  const dotted = [...podsListedInEndpoints(inventory)].filter((pod) => pod.slice(pod.indexOf('/') + 1).includes('.'));
  return hitsOf(dotted.sort());
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
  return hitsOf(names.sort());
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
