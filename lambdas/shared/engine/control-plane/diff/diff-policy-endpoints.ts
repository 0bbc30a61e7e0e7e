import type { ClusterInventory } from '../../model/cluster';
import { findingOf, type Finding, type ResourceRef } from '../../model/finding';
import type { PolicyEndpoint } from '../../model/kubernetes';
import type { ResolvedPolicy } from '../../model/resolved-policy';
import { selectorToString } from '../../selectors';
import * as checks from './checks';
import { sameCanonicalContent } from './canonical';
import { comparePods, compareRules, type PodChecks, type RuleChecks } from './compare-content';
import { controllerOwner, EndpointIndex } from './endpoint-index';
import { keyCollisionFinding, keyCollisionLosses } from './key-collisions';
import { samePods, selectorKey } from './pod-endpoints';
import { skippedPolicyReasons } from './skipped-policies';
import {
  buildHintIndexes,
  missingPolicyEndpointsHint,
  podHintsFor,
  policyObjectKey,
  ruleHintsFor,
  type HintIndexes,
} from './upstream-hints';

const POD_CHECKS: PodChecks = {
  missing: checks.CP_PE_POD_MISSING,
  extra: checks.CP_PE_POD_EXTRA,
  staleIp: checks.CP_PE_POD_STALE_IP,
};
const RULE_CHECKS: RuleChecks = {
  ingressMissing: checks.CP_PE_INGRESS_MISSING,
  ingressExtra: checks.CP_PE_INGRESS_EXTRA,
  egressMissing: checks.CP_PE_EGRESS_MISSING,
  egressExtra: checks.CP_PE_EGRESS_EXTRA,
  narrower: checks.CP_PE_PORTS_NARROWER,
  wider: checks.CP_PE_PORTS_WIDER,
};

const POLICY_KINDS = new Set(['NetworkPolicy', 'ApplicationNetworkPolicy']);

export function isKindUnavailable(inventory: ClusterInventory, kind: string): boolean {
  const wanted = kind.toLowerCase();
  return inventory.unavailableKinds.some((entry) => {
    const candidate = entry.kind.toLowerCase();
    return candidate === wanted || candidate === `${wanted}s`;
  });
}

function refKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

interface KnownPolicies {
  /** `kind|namespace/name` → uid (undefined when the object carries none or exists only in `expected`). */
  readonly uidByPolicy: ReadonlyMap<string, string | undefined>;
  readonly refs: ReadonlySet<string>;
  readonly uids: ReadonlySet<string>;
  /** `namespace/name` of a policy skipped as malformed → why. */
  readonly unreadable: ReadonlyMap<string, string>;
}

function knownPolicies(inventory: ClusterInventory, expected: readonly ResolvedPolicy[]): KnownPolicies {
  const uidByPolicy = new Map<string, string | undefined>();
  const refs = new Set<string>();
  const uids = new Set<string>();
  for (const policy of [...inventory.networkPolicies, ...inventory.applicationNetworkPolicies]) {
    const { namespace, name, uid } = policy.metadata;
    uidByPolicy.set(policyObjectKey(policy.kind, namespace, name), uid);
    refs.add(refKey(namespace, name));
    if (uid !== undefined && uid !== '') uids.add(uid);
  }
  for (const policy of expected) {
    const key = policyObjectKey(policy.kind, policy.policyRef.namespace, policy.policyRef.name);
    if (!uidByPolicy.has(key)) uidByPolicy.set(key, undefined);
    refs.add(refKey(policy.policyRef.namespace, policy.policyRef.name));
  }
  return { uidByPolicy, refs, uids, unreadable: skippedPolicyReasons(inventory, POLICY_KINDS) };
}

function resourceOf(policy: ResolvedPolicy): ResourceRef {
  return { kind: policy.kind, namespace: policy.policyRef.namespace, name: policy.policyRef.name };
}

function sortedSet(values: readonly string[] | null | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}

function staleSelectorFindings(policy: ResolvedPolicy, endpoints: readonly PolicyEndpoint[]): Finding[] {
  const wanted = selectorKey(policy.podSelector);
  const stale = endpoints.filter((endpoint) => selectorKey(endpoint.spec.podSelector) !== wanted);
  if (stale.length === 0) return [];
  const actual = stale.map((endpoint) => ({
    policyEndpoint: endpoint.metadata.name,
    podSelector: selectorToString(endpoint.spec.podSelector),
  }));
  return [
    findingOf(
      checks.CP_PE_STALE_SELECTOR,
      resourceOf(policy),
      `${policy.kind} ${policy.policyRef.namespace}/${policy.policyRef.name} selects {${selectorToString(policy.podSelector)}}, but ${String(stale.length)} PolicyEndpoint(s) still carry ${[...new Set(actual.map((entry) => `{${entry.podSelector}}`))].join(', ')}: the controller never refreshes spec.podSelector.`,
      {
        expected: selectorToString(policy.podSelector),
        actual,
        identity: distinctSorted(actual.map((e) => e.podSelector)),
      },
    ),
  ];
}

function isolationFindings(policy: ResolvedPolicy, endpoints: readonly PolicyEndpoint[]): Finding[] {
  const wanted = sortedSet(policy.podIsolation);
  const differing = endpoints
    .map((endpoint) => ({
      policyEndpoint: endpoint.metadata.name,
      podIsolation: sortedSet(endpoint.spec.podIsolation),
    }))
    .filter((entry) => entry.podIsolation.join(',') !== wanted.join(','));
  if (differing.length === 0) return [];
  return [
    findingOf(
      checks.CP_PE_ISOLATION_MISMATCH,
      resourceOf(policy),
      `${policy.kind} ${policy.policyRef.namespace}/${policy.policyRef.name} isolates [${wanted.join(', ')}], but PolicyEndpoint(s) ${differing.map((entry) => `${entry.policyEndpoint} [${entry.podIsolation.join(', ')}]`).join('; ')} differ.`,
      { expected: wanted, actual: differing, identity: distinctSorted(differing.map((e) => e.podIsolation.join(','))) },
    ),
  ];
}

/** The per-object lists are checked in place first; only a policy whose content differs gets them concatenated. */
function comparePolicy(policy: ResolvedPolicy, endpoints: readonly PolicyEndpoint[], indexes: HintIndexes): Finding[] {
  const resource = resourceOf(policy);
  const ruleHints = ruleHintsFor(policy, indexes);
  const findings = [...staleSelectorFindings(policy, endpoints), ...isolationFindings(policy, endpoints)];
  const pods = endpoints.map((endpoint) => endpoint.spec.podSelectorEndpoints);
  if (!samePods([policy.podSelectorEndpoints], pods)) {
    findings.push(
      ...comparePods(resource, policy.podSelectorEndpoints, flatten(pods), POD_CHECKS, podHintsFor(policy, indexes)),
    );
  }
  for (const direction of ['ingress', 'egress'] as const) {
    const actual = endpoints.map((endpoint) => endpoint.spec[direction]);
    if (sameCanonicalContent([policy[direction]], actual)) continue;
    const actualEntries = flatten(actual);
    const losses = keyCollisionLosses(policy[direction], actualEntries);
    const lost = new Set(losses.map((loss) => loss.lost));
    for (const loss of losses) findings.push(keyCollisionFinding(resource, direction, loss));
    const rest = lost.size === 0 ? policy[direction] : policy[direction].filter((entry) => !lost.has(entry));
    findings.push(...compareRules(resource, direction, rest, actualEntries, RULE_CHECKS, ruleHints));
  }
  return findings;
}

/** The distinct values of a drift, independent of how many objects carry them and in which order. */
export function distinctSorted(values: readonly string[]): string {
  return [...new Set(values)].sort().join('|');
}

function flatten<T>(chunks: readonly (readonly T[] | null | undefined)[]): T[] {
  return chunks.flatMap((chunk) => chunk ?? []);
}

function orphanFinding(endpoint: PolicyEndpoint, known: KnownPolicies): Finding | undefined {
  const { policyRef } = endpoint.spec;
  const owner = controllerOwner(endpoint.metadata);
  const ownerUid = owner?.uid !== undefined && owner.uid !== '' ? owner.uid : undefined;
  const ownerKnown = ownerUid !== undefined && known.uids.has(ownerUid);
  const kind = owner !== undefined && POLICY_KINDS.has(owner.kind) ? owner.kind : 'NetworkPolicy';
  const resource: ResourceRef = { kind, namespace: policyRef.namespace, name: policyRef.name };
  const actual = { policyEndpoint: endpoint.metadata.name, policyRef, ownerUid };
  const listsPods = (endpoint.spec.podSelectorEndpoints ?? []).length > 0;
  const placeholders = { policyEndpoint: endpoint.metadata.name };
  const details = listsPods ? { actual, placeholders } : { actual, placeholders, severity: 'low' as const };
  const name = `${endpoint.metadata.namespace}/${endpoint.metadata.name}`;
  const ref = refKey(policyRef.namespace, policyRef.name);
  const unreadableBecause = known.unreadable.get(ref);
  if (!known.refs.has(ref) && !ownerKnown && unreadableBecause !== undefined) {
    return findingOf(
      checks.CP_PE_POLICY_UNREADABLE,
      resource,
      `PolicyEndpoint ${name} is owned by ${kind} ${ref}, a policy that could not be read (${unreadableBecause}); its content is not compared. The agent still enforces its rules for the pods it lists.`,
      { actual, placeholders, identity: 'policy could not be read' },
    );
  }
  if (!known.refs.has(ref) && !ownerKnown) {
    return findingOf(
      checks.CP_PE_ORPHAN,
      resource,
      `PolicyEndpoint ${name} refers to ${kind} ${policyRef.namespace}/${policyRef.name}, which does not exist; the agent still enforces its rules for the pods it lists.`,
      { ...details, identity: 'policy does not exist' },
    );
  }
  if (ownerUid === undefined || ownerKnown) return undefined;
  const liveUid = known.uidByPolicy.get(policyObjectKey(kind, policyRef.namespace, policyRef.name));
  if (liveUid === undefined || liveUid === '') return undefined;
  return findingOf(
    checks.CP_PE_ORPHAN,
    resource,
    `PolicyEndpoint ${name} is owned by UID ${ownerUid}, a deleted ${kind}; the live ${policyRef.namespace}/${policyRef.name} has UID ${liveUid}. Garbage collection will delete it.`,
    { ...details, expected: { ownerUid: liveUid }, identity: `owner ${ownerUid}` },
  );
}

/**
 * Compares every policy's PolicyEndpoints, gathered by spec.policyRef or controller owner UID, against the
 * expected unchunked content in the canonical form of controller.md §2.10, and reports orphan PolicyEndpoints.
 */
export function diffPolicyEndpoints(inventory: ClusterInventory, expected: readonly ResolvedPolicy[]): Finding[] {
  if (isKindUnavailable(inventory, 'PolicyEndpoint')) return [];
  const known = knownPolicies(inventory, expected);
  const index = new EndpointIndex(inventory.policyEndpoints, (endpoint) =>
    refKey(endpoint.spec.policyRef.namespace, endpoint.spec.policyRef.name),
  );
  const indexes = buildHintIndexes(inventory);

  const gathered = expected.map((policy) => {
    const uid = known.uidByPolicy.get(policyObjectKey(policy.kind, policy.policyRef.namespace, policy.policyRef.name));
    const ownedByOther = (endpoint: PolicyEndpoint): boolean => {
      const ownerUid = controllerOwner(endpoint.metadata)?.uid;
      return ownerUid !== undefined && ownerUid !== uid && known.uids.has(ownerUid);
    };
    return {
      policy,
      endpoints: index.gather(refKey(policy.policyRef.namespace, policy.policyRef.name), uid, ownedByOther),
    };
  });
  const policiesWithEndpoints = gathered.filter((entry) => entry.endpoints.length > 0).length;

  const findings: Finding[] = [];
  for (const { policy, endpoints } of gathered) {
    if (endpoints.length > 0) {
      findings.push(...comparePolicy(policy, endpoints, indexes));
      continue;
    }
    const hint = missingPolicyEndpointsHint(policiesWithEndpoints);
    const details = hint.upstreamIssue === undefined ? {} : { upstreamIssue: hint.upstreamIssue };
    findings.push(
      findingOf(
        checks.CP_PE_MISSING,
        resourceOf(policy),
        `${policy.kind} ${policy.policyRef.namespace}/${policy.policyRef.name} has no PolicyEndpoint, so none of its rules (${String(policy.podSelectorEndpoints.length)} selected pods) are enforced. ${hint.note ?? ''}`.trim(),
        {
          ...details,
          expected: {
            podSelectorEndpoints: policy.podSelectorEndpoints.length,
            ingress: policy.ingress.length,
            egress: policy.egress.length,
          },
          actual: { policyEndpoints: 0 },
        },
      ),
    );
  }
  for (const endpoint of inventory.policyEndpoints) {
    const orphan = orphanFinding(endpoint, known);
    if (orphan !== undefined) findings.push(orphan);
  }
  return findings;
}
