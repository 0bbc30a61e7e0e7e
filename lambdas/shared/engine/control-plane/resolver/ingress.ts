import type { EndpointInfo, Pod } from '../../model/kubernetes';
import { selectorKey, type ClusterIndex } from './cluster-index';
import { allowAllEntries, cidrEntry } from './entries';
import { peerNamespaces, peerPodIpsIn } from './peers';
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
  const converted = ingressRulePorts(rule.ports, rule.ports.some(isNamedPort) ? destinationPods() : []);
  if (converted === undefined) return [];
  const ports = index.entryPool.ports(converted);
  if (rule.peers === undefined) return allowAllEntries(ports);
  const entries: EndpointInfo[] = [];
  for (const peer of rule.peers) {
    if (peer.kind === 'ipBlock') {
      entries.push(cidrEntry(peer.cidr, ports, peer.except));
      continue;
    }
    const key = JSON.stringify([
      peer.namespaceSelector === undefined ? policyNamespace : selectorKey(peer.namespaceSelector),
      peer.namespaceSelector === undefined,
      selectorKey(peer.podSelector),
    ]);
    const peerEntries = index.entryPool.sortedEntries(key, ports, function* () {
      for (const namespace of peerNamespaces(peer, policyNamespace, index)) yield* peerPodIpsIn(peer, namespace, index);
    });
    for (const entry of peerEntries) entries.push(entry);
  }
  return entries;
}
