import type { ClusterInventory } from '../../model/cluster';
import { findingOf, type Finding, type ResourceRef } from '../../model/finding';
import type { ClusterPolicyEndpoint } from '../../model/kubernetes';
import type { EndpointLike } from './canonical';
import * as checks from './checks';
import { comparePods, compareRules, type PodChecks, type RuleChecks, type RuleHints } from './compare-content';
import { distinctSorted, isKindUnavailable } from './diff-policy-endpoints';
import { controllerOwner, EndpointIndex } from './endpoint-index';
import type { PodEndpointLike } from './pod-endpoints';
import { skippedPolicyReasons } from './skipped-policies';

const CLUSTER_POLICY_KINDS: ReadonlySet<string> = new Set(['ClusterNetworkPolicy']);

/** One expected ingress/egress entry of a ClusterNetworkPolicy: an EndpointInfo tagged with the rule action. */
export interface ExpectedClusterEndpoint extends EndpointLike {
  readonly action: string;
}

/**
 * The unchunked ClusterPolicyEndpoint content expected for one ClusterNetworkPolicy. Declared structurally so the
 * resolver's ResolvedClusterPolicy can be passed without a shared import.
 */
export interface ExpectedClusterPolicy {
  readonly policyRef: { readonly name: string };
  readonly tier: string;
  readonly priority: number;
  readonly podSelectorEndpoints: readonly PodEndpointLike[];
  readonly ingress: readonly ExpectedClusterEndpoint[];
  readonly egress: readonly ExpectedClusterEndpoint[];
}

const POD_CHECKS: PodChecks = {
  missing: checks.CP_CPE_POD_MISSING,
  extra: checks.CP_CPE_POD_EXTRA,
  staleIp: checks.CP_CPE_POD_STALE_IP,
};
const RULE_CHECKS: RuleChecks = {
  ingressMissing: checks.CP_CPE_INGRESS_MISSING,
  ingressExtra: checks.CP_CPE_INGRESS_EXTRA,
  egressMissing: checks.CP_CPE_EGRESS_MISSING,
  egressExtra: checks.CP_CPE_EGRESS_EXTRA,
  narrower: checks.CP_CPE_PORTS_NARROWER,
  wider: checks.CP_CPE_PORTS_WIDER,
};

const CPE_RULE_HINTS: RuleHints = {
  missingGroup: () => undefined,
  extraGroup: () => undefined,
  narrowerPorts: (_direction, expected) =>
    expected.allPorts
      ? {
          note: 'The per-CPE combine step has no all-ports precedence (controller.md §5.1 item 8, derived from code, no upstream issue).',
        }
      : undefined,
  widerPorts: () => undefined,
};

function resourceOf(name: string): ResourceRef {
  return { kind: 'ClusterNetworkPolicy', name };
}

function tierPriorityFindings(policy: ExpectedClusterPolicy, endpoints: readonly ClusterPolicyEndpoint[]): Finding[] {
  const differing = endpoints
    .filter((endpoint) => endpoint.spec.tier !== policy.tier || endpoint.spec.priority !== policy.priority)
    .map((endpoint) => ({
      clusterPolicyEndpoint: endpoint.metadata.name,
      tier: endpoint.spec.tier ?? null,
      priority: endpoint.spec.priority ?? null,
    }));
  if (differing.length === 0) return [];
  return [
    findingOf(
      checks.CP_CPE_TIER_PRIORITY_MISMATCH,
      resourceOf(policy.policyRef.name),
      `ClusterNetworkPolicy ${policy.policyRef.name} is ${policy.tier}/${String(policy.priority)}, but ClusterPolicyEndpoint(s) ${differing.map((entry) => `${entry.clusterPolicyEndpoint} ${entry.tier ?? '<none>'}/${entry.priority === null ? '<none>' : String(entry.priority)}`).join('; ')} differ; the agent orders rules by them.`,
      {
        expected: { tier: policy.tier, priority: policy.priority },
        actual: differing,
        identity: distinctSorted(differing.map((entry) => `${entry.tier ?? ''}/${String(entry.priority ?? '')}`)),
      },
    ),
  ];
}

interface KnownClusterPolicies {
  readonly names: ReadonlySet<string>;
  readonly uids: ReadonlySet<string>;
  readonly uidByName: ReadonlyMap<string, string | undefined>;
  /** Name of a ClusterNetworkPolicy skipped as malformed → why. */
  readonly unreadable: ReadonlyMap<string, string>;
}

function orphanFinding(endpoint: ClusterPolicyEndpoint, known: KnownClusterPolicies): Finding | undefined {
  const { names, uids, uidByName } = known;
  const refName = endpoint.spec.policyRef.name;
  const ownerUid = controllerOwner(endpoint.metadata)?.uid;
  const ownerKnown = ownerUid !== undefined && uids.has(ownerUid);
  const actual = { clusterPolicyEndpoint: endpoint.metadata.name, policyRef: endpoint.spec.policyRef, ownerUid };
  const placeholders = { clusterPolicyEndpoint: endpoint.metadata.name };
  const details =
    (endpoint.spec.podSelectorEndpoints ?? []).length > 0
      ? { actual, placeholders }
      : { actual, placeholders, severity: 'low' as const };
  const unreadableBecause = known.unreadable.get(refName);
  if (!names.has(refName) && !ownerKnown && unreadableBecause !== undefined) {
    return findingOf(
      checks.CP_CPE_POLICY_UNREADABLE,
      resourceOf(refName),
      `ClusterPolicyEndpoint ${endpoint.metadata.name} is owned by ClusterNetworkPolicy ${refName}, a policy that could not be read (${unreadableBecause}); its content is not compared. The agent still enforces its rules for the pods it lists.`,
      { actual, placeholders, identity: 'policy could not be read' },
    );
  }
  if (!names.has(refName) && !ownerKnown) {
    return findingOf(
      checks.CP_CPE_ORPHAN,
      resourceOf(refName),
      `ClusterPolicyEndpoint ${endpoint.metadata.name} refers to ClusterNetworkPolicy ${refName}, which does not exist; the agent still enforces its rules for the pods it lists.`,
      { ...details, identity: 'policy does not exist' },
    );
  }
  const liveUid = uidByName.get(refName);
  if (ownerUid === undefined || ownerUid === '' || ownerKnown || liveUid === undefined || liveUid === '')
    return undefined;
  return findingOf(
    checks.CP_CPE_ORPHAN,
    resourceOf(refName),
    `ClusterPolicyEndpoint ${endpoint.metadata.name} is owned by UID ${ownerUid}, a deleted ClusterNetworkPolicy; the live ${refName} has UID ${liveUid}.`,
    { ...details, expected: { ownerUid: liveUid }, identity: `owner ${ownerUid}` },
  );
}

/** ClusterPolicyEndpoints against the expected content per ClusterNetworkPolicy, grouped additionally by action. */
export function diffClusterPolicyEndpoints(
  inventory: ClusterInventory,
  expected: readonly ExpectedClusterPolicy[],
): Finding[] {
  if (isKindUnavailable(inventory, 'ClusterPolicyEndpoint')) return [];
  const uidByName = new Map<string, string | undefined>();
  const uids = new Set<string>();
  for (const policy of inventory.clusterNetworkPolicies) {
    uidByName.set(policy.metadata.name, policy.metadata.uid);
    if (policy.metadata.uid !== undefined && policy.metadata.uid !== '') uids.add(policy.metadata.uid);
  }
  const names = new Set([...uidByName.keys(), ...expected.map((policy) => policy.policyRef.name)]);
  const unreadable = skippedPolicyReasons(inventory, CLUSTER_POLICY_KINDS);
  const known: KnownClusterPolicies = { names, uids, uidByName, unreadable };
  const index = new EndpointIndex(inventory.clusterPolicyEndpoints, (endpoint) => endpoint.spec.policyRef.name);

  const findings: Finding[] = [];
  for (const policy of expected) {
    const uid = uidByName.get(policy.policyRef.name);
    const endpoints = index.gather(policy.policyRef.name, uid, (endpoint) => {
      const ownerUid = controllerOwner(endpoint.metadata)?.uid;
      return ownerUid !== undefined && ownerUid !== uid && uids.has(ownerUid);
    });
    const resource = resourceOf(policy.policyRef.name);
    if (endpoints.length === 0) {
      findings.push(
        findingOf(
          checks.CP_CPE_MISSING,
          resource,
          `ClusterNetworkPolicy ${policy.policyRef.name} has no ClusterPolicyEndpoint, so none of its rules are enforced.`,
          {
            expected: {
              podSelectorEndpoints: policy.podSelectorEndpoints.length,
              ingress: policy.ingress.length,
              egress: policy.egress.length,
            },
            actual: { clusterPolicyEndpoints: 0 },
          },
        ),
      );
      continue;
    }
    findings.push(
      ...tierPriorityFindings(policy, endpoints),
      ...comparePods(
        resource,
        policy.podSelectorEndpoints,
        endpoints.flatMap((endpoint) => endpoint.spec.podSelectorEndpoints ?? []),
        POD_CHECKS,
      ),
      ...compareRules(
        resource,
        'ingress',
        policy.ingress,
        endpoints.flatMap((endpoint) => endpoint.spec.ingress ?? []),
        RULE_CHECKS,
        CPE_RULE_HINTS,
        true,
      ),
      ...compareRules(
        resource,
        'egress',
        policy.egress,
        endpoints.flatMap((endpoint) => endpoint.spec.egress ?? []),
        RULE_CHECKS,
        CPE_RULE_HINTS,
        true,
      ),
    );
  }
  for (const endpoint of inventory.clusterPolicyEndpoints) {
    const orphan = orphanFinding(endpoint, known);
    if (orphan !== undefined) findings.push(orphan);
  }
  return findings;
}
