import type { Pod } from '../../model/kubernetes';
import type { ClusterIndex } from './cluster-index';
import type { Peer } from './policy-input';

export type PodsPeer = Extract<Peer, { kind: 'pods' }>;

/** `namespaceSelector` → every matching Namespace (`{}` = all); absent → only the policy's namespace (§2.3). */
export function peerNamespaces(peer: PodsPeer, policyNamespace: string, index: ClusterIndex): readonly string[] {
  return peer.namespaceSelector === undefined ? [policyNamespace] : index.namespacesMatching(peer.namespaceSelector);
}

/** Network-ready peer pods of one namespace; hostNetwork pods are kept as peers (§2.3). */
export function peerPodsIn(peer: PodsPeer, namespace: string, index: ClusterIndex): readonly Pod[] {
  return index.readyPods(namespace, peer.podSelector);
}

/** The IPs of `peerPodsIn`, in the same order. */
export function peerPodIpsIn(peer: PodsPeer, namespace: string, index: ClusterIndex): readonly string[] {
  return index.readyPodIps(namespace, peer.podSelector);
}
