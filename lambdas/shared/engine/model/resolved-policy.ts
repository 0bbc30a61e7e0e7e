import type { EndpointInfo, LabelSelector, PodEndpoint, PolicyType } from './kubernetes';

/**
 * The unchunked PolicyEndpoint content the controller must produce for one policy: entries deduplicated
 * and in a stable order (the `resolve` command's output element).
 */
export interface ResolvedPolicy {
  readonly policyRef: { readonly name: string; readonly namespace: string };
  /** Which kind produced it: NetworkPolicy or ApplicationNetworkPolicy (both write PolicyEndpoints). */
  readonly kind: 'NetworkPolicy' | 'ApplicationNetworkPolicy';
  readonly podIsolation: readonly PolicyType[];
  readonly podSelector: LabelSelector;
  readonly podSelectorEndpoints: readonly PodEndpoint[];
  readonly ingress: readonly EndpointInfo[];
  readonly egress: readonly EndpointInfo[];
}
