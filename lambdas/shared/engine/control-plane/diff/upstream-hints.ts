import type { ClusterInventory } from '../../model/cluster';
import type { ApplicationNetworkPolicy, NetworkPolicy, Pod, Service } from '../../model/kubernetes';
import type { ResolvedPolicy } from '../../model/resolved-policy';
import { selectorMatches } from '../../selectors';
import type { CanonicalGroup } from './canonical';
import type { Direction, GroupsByDestination, Hint, PodHints, RuleHints } from './compare-content';
import { podNameKey, type PodView } from './pod-endpoints';

/**
 * Heuristics that relate a PolicyEndpoint difference to a known upstream bug (controller.md §5, §5.1). They only
 * annotate findings; none of them decides whether a difference exists, except the aws/amazon-network-policy-controller-k8s#136 allow-all
 * companion, which is not drift.
 */

const ALLOW_ALL = new Set(['0.0.0.0/0', '::/0']);
const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

export const ISSUE = {
  allowAllBothFamilies: 'aws/amazon-network-policy-controller-k8s#136',
  missingPolicyEndpoints: 'aws/amazon-network-policy-controller-k8s#199',
  hostNetworkSelected: 'aws/amazon-network-policy-controller-k8s#202',
  terminalPodsKept: 'aws/amazon-network-policy-controller-k8s PR #190, PR #192',
  stalePodSelector: 'aws/amazon-network-policy-controller-k8s#238, aws/aws-network-policy-agent#643',
  stalePodEndpoints: 'aws/aws-network-policy-agent#643',
  multiPortServiceGuard: 'aws/amazon-network-policy-controller-k8s#222',
  namedPorts: 'aws/amazon-network-policy-controller-k8s#71, aws/amazon-network-policy-controller-k8s#81',
  allPortsLost: 'aws/amazon-network-policy-controller-k8s#98, aws/amazon-network-policy-controller-k8s#197',
  exceptsConcatenated: 'aws/amazon-network-policy-controller-k8s#121',
} as const;

type PolicyObject = NetworkPolicy | ApplicationNetworkPolicy;

export interface HintIndexes {
  readonly podsByName: ReadonlyMap<string, Pod>;
  readonly servicesByClusterIp: ReadonlyMap<string, Service>;
  readonly policies: ReadonlyMap<string, PolicyObject>;
}

export function policyObjectKey(kind: string, namespace: string, name: string): string {
  return `${kind}|${namespace}/${name}`;
}

function indexPodsByName(inventory: ClusterInventory): Map<string, Pod> {
  const podsByName = new Map<string, Pod>();
  for (const pod of inventory.pods)
    podsByName.set(podNameKey({ namespace: pod.metadata.namespace, name: pod.metadata.name }), pod);
  return podsByName;
}

function indexServicesByClusterIp(inventory: ClusterInventory): Map<string, Service> {
  const servicesByClusterIp = new Map<string, Service>();
  for (const service of inventory.services) {
    for (const ip of [service.spec.clusterIP, ...(service.spec.clusterIPs ?? [])]) {
      if (ip !== undefined && ip !== '' && ip !== 'None') servicesByClusterIp.set(ip, service);
    }
  }
  return servicesByClusterIp;
}

function indexPolicies(inventory: ClusterInventory): Map<string, PolicyObject> {
  const policies = new Map<string, PolicyObject>();
  for (const policy of [...inventory.networkPolicies, ...inventory.applicationNetworkPolicies]) {
    policies.set(policyObjectKey(policy.kind, policy.metadata.namespace, policy.metadata.name), policy);
  }
  return policies;
}

/** Each index is built on first use: without drift no hint is asked for, and the pod index is the size of the cluster. */
export function buildHintIndexes(inventory: ClusterInventory): HintIndexes {
  let podsByName: Map<string, Pod> | undefined;
  let servicesByClusterIp: Map<string, Service> | undefined;
  let policies: Map<string, PolicyObject> | undefined;
  return {
    get podsByName() {
      podsByName ??= indexPodsByName(inventory);
      return podsByName;
    },
    get servicesByClusterIp() {
      servicesByClusterIp ??= indexServicesByClusterIp(inventory);
      return servicesByClusterIp;
    },
    get policies() {
      policies ??= indexPolicies(inventory);
      return policies;
    },
  };
}

/** CP-PE-MISSING: when other policies do have PEs, a partial set points at the CRD-recreation bug. */
export function missingPolicyEndpointsHint(policiesWithEndpoints: number): Hint {
  if (policiesWithEndpoints > 0) {
    return {
      upstreamIssue: ISSUE.missingPolicyEndpoints,
      note: 'Other policies do have PolicyEndpoints: a subset missing matches aws/amazon-network-policy-controller-k8s#199 (PE CRD recreated, leader never resynced).',
    };
  }
  return { note: 'No policy has any PolicyEndpoint: the network policy controller may be disabled or not running.' };
}

export function extraPodHint(pod: PodView, policy: ResolvedPolicy, indexes: HintIndexes): Hint | undefined {
  const live = indexes.podsByName.get(podNameKey(pod));
  if (live === undefined) {
    return {
      upstreamIssue: ISSUE.stalePodEndpoints,
      note: 'The pod no longer exists: stale podSelectorEndpoints entry.',
    };
  }
  if (live.spec.hostNetwork === true && selectorMatches(policy.podSelector, live.metadata.labels ?? {})) {
    return {
      upstreamIssue: ISSUE.hostNetworkSelected,
      listedPod: 'selected, but hostNetwork pods are not enforced',
      note: "It runs in the node's network namespace, with no pod veth for the agent's tc programs; controllers since v1.1.2 leave hostNetwork pods out of podSelectorEndpoints (PR #206).",
    };
  }
  if (live.status.phase !== undefined && TERMINAL_PHASES.has(live.status.phase)) {
    return {
      upstreamIssue: ISSUE.terminalPodsKept,
      note: `The pod is ${live.status.phase}; controllers since v1.0.19 drop terminal pods, whose IP may be reused.`,
    };
  }
  if (!selectorMatches(policy.podSelector, live.metadata.labels ?? {})) {
    return {
      upstreamIssue: ISSUE.stalePodEndpoints,
      note: 'The pod no longer matches the policy podSelector: stale entry.',
    };
  }
  return undefined;
}

export function podHintsFor(policy: ResolvedPolicy, indexes: HintIndexes): PodHints {
  return { extraPod: (pod) => extraPodHint(pod, policy, indexes), missingPod: () => undefined };
}

function isStrictSuperset(larger: readonly string[], smaller: readonly string[]): boolean {
  if (larger.length <= smaller.length) return false;
  const set = new Set(larger);
  return smaller.every((value) => set.has(value));
}

function portsSignature(group: CanonicalGroup): string {
  return group.allPorts ? 'all' : [...group.ports.keys()].sort().join(',');
}

/** aws/amazon-network-policy-controller-k8s#136: the other family's allow-all with the same ports is expected, so this one is not drift. */
export function isAllowAllCompanion(group: CanonicalGroup, expected: GroupsByDestination): boolean {
  const cidr = group.destination.cidr;
  if (cidr === undefined || !ALLOW_ALL.has(cidr) || group.except.length > 0) return false;
  const companion = cidr === '0.0.0.0/0' ? '::/0' : '0.0.0.0/0';
  return (expected.get(`cidr:${companion}`) ?? []).some(
    (other) =>
      other.except.length === 0 && other.action === group.action && portsSignature(other) === portsSignature(group),
  );
}

function ruleHasNamedPort(
  rules: readonly { ports?: readonly { port?: number | string | undefined }[] | null | undefined }[] | null | undefined,
): boolean {
  return (rules ?? []).some((rule) => (rule.ports ?? []).some((port) => typeof port.port === 'string'));
}

function namedPortHint(direction: Direction, policy: ResolvedPolicy, indexes: HintIndexes): Hint | undefined {
  if (direction !== 'ingress') return undefined;
  const live = indexes.policies.get(policyObjectKey(policy.kind, policy.policyRef.namespace, policy.policyRef.name));
  if (live === undefined || !ruleHasNamedPort(live.spec.ingress)) return undefined;
  return {
    upstreamIssue: ISSUE.namedPorts,
    note: 'The policy uses named ingress ports, which older controllers resolved against the wrong pods.',
  };
}

function serviceHint(group: CanonicalGroup, indexes: HintIndexes): Hint | undefined {
  const service = indexes.servicesByClusterIp.get(group.destination.cidr ?? '');
  if (service === undefined) return undefined;
  const ports = service.spec.ports ?? [];
  const serviceName = `${service.metadata.namespace}/${service.metadata.name}`;
  if (ports.length > 1 && ports.some((port) => typeof port.targetPort === 'string')) {
    return {
      upstreamIssue: ISSUE.multiPortServiceGuard,
      note: `${group.destination.cidr ?? ''} is the ClusterIP of multi-port Service ${serviceName} with named targetPorts (whole-service bypass guard, controller v1.1.2–v1.1.4).`,
    };
  }
  return {
    note: `${group.destination.cidr ?? ''} is the ClusterIP of Service ${serviceName}, whose selector the peer podSelector matches, so the controller must list it; the PolicyEndpoint is stale (Service created or changed after the last reconcile) or was written by an older controller.`,
  };
}

function exceptSupersetHint(
  group: CanonicalGroup,
  others: readonly CanonicalGroup[],
  actualHasMore: boolean,
): Hint | undefined {
  const related = others.some(
    (other) =>
      other !== group &&
      other.action === group.action &&
      (actualHasMore ? isStrictSuperset(other.except, group.except) : isStrictSuperset(group.except, other.except)),
  );
  if (!related) return undefined;
  return {
    upstreamIssue: ISSUE.exceptsConcatenated,
    note: 'The same CIDR carries extra except entries from another rule (combine by CIDR only, controller ≤ v1.1.2).',
  };
}

export function ruleHintsFor(policy: ResolvedPolicy, indexes: HintIndexes): RuleHints {
  return {
    missingGroup(direction, group, actual) {
      return (
        exceptSupersetHint(group, actual.get(group.destinationKey) ?? [], true) ??
        (direction === 'egress' ? serviceHint(group, indexes) : undefined) ??
        namedPortHint(direction, policy, indexes)
      );
    },
    extraGroup(_direction, group, expected) {
      if (isAllowAllCompanion(group, expected)) return { suppress: true, upstreamIssue: ISSUE.allowAllBothFamilies };
      return exceptSupersetHint(group, expected.get(group.destinationKey) ?? [], false);
    },
    narrowerPorts(direction, expected) {
      if (expected.allPorts) {
        return {
          upstreamIssue: ISSUE.allPortsLost,
          note: 'An all-ports rule on this CIDR was lost when merged with a port-specific rule (controller ≤ v1.1.2).',
        };
      }
      return namedPortHint(direction, policy, indexes);
    },
    widerPorts(_direction, expected, _actual, expectedAll) {
      const siblings = (expectedAll.get(expected.destinationKey) ?? []).filter((other) => other !== expected);
      if (siblings.length === 0) return undefined;
      return {
        upstreamIssue: ISSUE.exceptsConcatenated,
        note: 'Another rule on the same CIDR with a different except list was merged into this one (controller ≤ v1.1.2).',
      };
    },
  };
}
