import type { EndpointInfo, Pod } from '../../model/kubernetes';
import type { ClusterIndex } from './cluster-index';
import { allowAllEntries, cidrEntry } from './entries';
import { peerNamespaces, peerPodsIn } from './peers';
import { podIp } from './pods';
import { isNamedPort, type PolicyRule } from './policy-input';
import { ingressRulePorts } from './port-conversion';

/**
 * §2.4: ports are resolved once per rule (against the ready destination pods when a named port is present); a rule
 * whose listed ports all fail to resolve produces nothing.
 */
export function ingressRuleEntries(
  rule: PolicyRule,
  policyNamespace: string,
  destinationPods: () => readonly Pod[],
  index: ClusterIndex,
): EndpointInfo[] {
  const ports = ingressRulePorts(rule.ports, rule.ports.some(isNamedPort) ? destinationPods() : []);
  if (ports === undefined) return [];
  if (rule.peers === undefined) return allowAllEntries(ports);
  return rule.peers.flatMap((peer) => {
    if (peer.kind === 'ipBlock') return [cidrEntry(peer.cidr, ports, peer.except)];
    return peerNamespaces(peer, policyNamespace, index).flatMap((namespace) =>
      peerPodsIn(peer, namespace, index).map((pod) => cidrEntry(podIp(pod), ports)),
    );
  });
}
