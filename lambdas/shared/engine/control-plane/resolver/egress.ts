import type { EndpointInfo } from '../../model/kubernetes';
import type { ClusterIndex } from './cluster-index';
import { allowAllEntries, cidrEntry } from './entries';
import { peerNamespaces, peerPodsIn, type PodsPeer } from './peers';
import { podIp } from './pods';
import type { PolicyRule, RulePort } from './policy-input';
import { portsForDestinationPod, portsWithoutPodContext } from './port-conversion';
import { serviceClusterIpEntry } from './service-ports';

/** Each ready peer pod with its own named-port resolution, plus the Service ClusterIPs of each namespace (§2.5, §2.6). */
function podsPeerEntries(
  peer: PodsPeer,
  rulePorts: readonly RulePort[],
  policyNamespace: string,
  index: ClusterIndex,
): EndpointInfo[] {
  const entries: EndpointInfo[] = [];
  for (const namespace of peerNamespaces(peer, policyNamespace, index)) {
    for (const pod of peerPodsIn(peer, namespace, index)) {
      const ports = portsForDestinationPod(rulePorts, pod);
      if (ports !== undefined) entries.push(index.entryPool.entry(podIp(pod), index.entryPool.ports(ports)));
    }
    for (const service of index.servicesIn(namespace)) {
      const entry = serviceClusterIpEntry(service, peer.podSelector, rulePorts, () =>
        index.podsSelectedByService(service),
      );
      if (entry !== undefined) entries.push(entry);
    }
  }
  return entries;
}

/** §2.5: no `to` and ipBlock peers use the pod-less port conversion (named ports dropped), pod peers per pod. */
export function egressRuleEntries(rule: PolicyRule, policyNamespace: string, index: ClusterIndex): EndpointInfo[] {
  if (rule.peers === undefined) {
    const ports = portsWithoutPodContext(rule.ports);
    return ports === undefined ? [] : allowAllEntries(ports);
  }
  return rule.peers.flatMap((peer) => {
    if (peer.kind === 'pods') return podsPeerEntries(peer, rule.ports, policyNamespace, index);
    const ports = portsWithoutPodContext(rule.ports);
    return ports === undefined ? [] : [cidrEntry(peer.cidr, ports, peer.except)];
  });
}
