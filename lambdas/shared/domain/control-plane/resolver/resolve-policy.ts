import type { EndpointInfo, PodEndpoint } from '../../model/kubernetes';
import type { ClusterIndex } from './cluster-index';
import { egressRuleEntries } from './egress';
import { ingressRuleEntries } from './ingress';
import { isHostNetwork, podEndpointOf } from './pods';
import type { PolicyInput } from './policy-input';

/** Raw resolver output for one policy (before dedup and ordering), like the controller's `Resolve`. */
export interface RawResolution {
  readonly podSelectorEndpoints: PodEndpoint[];
  readonly ingress: EndpointInfo[];
  readonly egress: EndpointInfo[];
}

/** §2.2: ready pods selected by the policy, hostNetwork pods excluded. */
export function selectedPodEndpoints(
  input: Pick<PolicyInput, 'namespace' | 'podSelector'>,
  index: ClusterIndex,
): PodEndpoint[] {
  return index
    .readyPods(input.namespace, input.podSelector)
    .filter((pod) => !isHostNetwork(pod))
    .map(podEndpointOf);
}

/** Rules are not filtered by policyTypes (§2.8). */
export function resolvePolicyInput(input: PolicyInput, index: ClusterIndex): RawResolution {
  const destinationPods = () => index.readyPods(input.namespace, input.podSelector);
  return {
    podSelectorEndpoints: selectedPodEndpoints(input, index),
    ingress: input.ingress.flatMap((rule) => ingressRuleEntries(rule, input.namespace, destinationPods, index)),
    egress: input.egress.flatMap((rule) => egressRuleEntries(rule, input.namespace, index)),
  };
}
