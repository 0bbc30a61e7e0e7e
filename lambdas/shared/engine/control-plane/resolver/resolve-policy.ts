import type { EndpointInfo, PodEndpoint } from '../../model/kubernetes';
import type { ClusterIndex } from './cluster-index';
import { egressRuleEntries } from './egress';
import { ingressRuleEntries } from './ingress';
import type { PolicyInput } from './policy-input';

/** Raw resolver output for one policy (before dedup and ordering), like the controller's `Resolve`. */
export interface RawResolution {
  readonly podSelectorEndpoints: readonly PodEndpoint[];
  readonly ingress: EndpointInfo[];
  readonly egress: EndpointInfo[];
}

/** §2.2: ready pods selected by the policy, hostNetwork pods excluded. */
export function selectedPodEndpoints(
  input: Pick<PolicyInput, 'namespace' | 'podSelector'>,
  index: ClusterIndex,
): readonly PodEndpoint[] {
  return index.selectedPodEndpoints(input.namespace, input.podSelector);
}

/** Rules are not filtered by policyTypes (§2.8). */
export function resolvePolicyInput(input: PolicyInput, index: ClusterIndex): RawResolution {
  const destinationPods = () => index.readyPods(input.namespace, input.podSelector);
  const ingress: EndpointInfo[] = [];
  for (const rule of input.ingress) {
    for (const entry of ingressRuleEntries(rule, input.namespace, destinationPods, index)) ingress.push(entry);
  }
  const egress: EndpointInfo[] = [];
  for (const rule of input.egress) {
    for (const entry of egressRuleEntries(rule, input.namespace, index)) egress.push(entry);
  }
  return { podSelectorEndpoints: selectedPodEndpoints(input, index), ingress, egress };
}
