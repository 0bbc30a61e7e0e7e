import type { ClusterInventory } from '../../model/cluster';
import type { ApplicationNetworkPolicy, NetworkPolicy } from '../../model/kubernetes';
import type { ResolvedPolicy } from '../../model/resolved-policy';
import { convertApplicationNetworkPolicy } from './application-network-policy';
import { ClusterIndex } from './cluster-index';
import { canonicalEntriesInPlace } from './entries';
import { canonicalPodEndpoints } from './pods';
import { networkPolicyInput, type PolicyInput } from './policy-input';
import { resolvePolicyInput, type RawResolution } from './resolve-policy';

/** A resolved policy; `problems` (present only when non-empty) says where the controller itself would fail. */
export interface ResolvedNetworkPolicy extends ResolvedPolicy {
  readonly problems?: readonly string[];
}

function canonicalPolicy(
  kind: ResolvedPolicy['kind'],
  input: PolicyInput,
  raw: RawResolution,
  problems: readonly string[],
): ResolvedNetworkPolicy {
  const resolved: ResolvedPolicy = {
    policyRef: { name: input.name, namespace: input.namespace },
    kind,
    podIsolation: input.policyTypes,
    podSelector: input.podSelector,
    podSelectorEndpoints: canonicalPodEndpoints(raw.podSelectorEndpoints),
    ingress: canonicalEntriesInPlace(raw.ingress),
    egress: canonicalEntriesInPlace(raw.egress),
  };
  return problems.length === 0 ? resolved : { ...resolved, problems };
}

export function resolveNetworkPolicy(policy: NetworkPolicy, index: ClusterIndex): ResolvedNetworkPolicy {
  const input = networkPolicyInput(policy);
  return canonicalPolicy('NetworkPolicy', input, resolvePolicyInput(input, index), []);
}

export function resolveApplicationNetworkPolicy(
  policy: ApplicationNetworkPolicy,
  index: ClusterIndex,
): ResolvedNetworkPolicy {
  const conversion = convertApplicationNetworkPolicy(policy);
  const raw = resolvePolicyInput(conversion.input, index);
  const withDomains = { ...raw, egress: [...raw.egress, ...conversion.domainEntries] };
  return canonicalPolicy('ApplicationNetworkPolicy', conversion.input, withDomains, conversion.problems);
}

/**
 * The unchunked PolicyEndpoint content of every NetworkPolicy and ApplicationNetworkPolicy (controller v1.1.7):
 * entries deduplicated by the §1.5 step-1 identity and sorted; the per-PE combine step is not applied.
 */
export function resolveNetworkPolicies(
  inventory: ClusterInventory,
  index: ClusterIndex = new ClusterIndex(inventory),
): ResolvedNetworkPolicy[] {
  return [
    ...inventory.networkPolicies.map((policy) => resolveNetworkPolicy(policy, index)),
    ...inventory.applicationNetworkPolicies.map((policy) => resolveApplicationNetworkPolicy(policy, index)),
  ];
}
