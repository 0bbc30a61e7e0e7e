import type { ClusterInventory } from '../../model/cluster';
import { findingOf, type Finding } from '../../model/finding';
import type { ResolvedPolicy } from '../../model/resolved-policy';
import { asList, type EndpointLike, type PortLike } from '../diff/canonical';
import { CP_LIMIT_STRICT_NO_DNS, CP_LIMIT_STRICT_UNSELECTED } from './checks';
import { isTerminal } from './host-network';
import { policyName, podKey, type PolicySets } from './policy-sets';
import { andOthers, sample } from './sample';

const DNS_PORT = 53;

function portAllowsDns(port: PortLike): boolean {
  const protocol =
    typeof port.protocol === 'string' && port.protocol.trim() !== '' ? port.protocol.trim().toUpperCase() : 'ANY';
  if (protocol !== 'ANY' && protocol !== 'UDP' && protocol !== 'TCP') return false;
  if (port.port === undefined || port.port === null) return true;
  if (typeof port.port !== 'number') return false;
  if (port.port === DNS_PORT) return true;
  return typeof port.endPort === 'number' && port.port <= DNS_PORT && DNS_PORT <= port.endPort;
}

/** An egress entry the agent programs (it skips domain-only entries) that allows UDP or TCP 53. */
export function allowsDns(entry: EndpointLike): boolean {
  if (typeof entry.cidr !== 'string' || entry.cidr.trim() === '') return false;
  const ports = asList(entry.ports);
  return ports.length === 0 || ports.some(portAllowsDns);
}

/**
 * Egress is restricted for a pod when any of its policies isolates Egress, or when any egress rule exists: the
 * agent adds its catch-all only when there are no rules and no isolation (agent.md §2.8).
 */
function egressRestricted(policies: readonly ResolvedPolicy[]): boolean {
  return policies.some(
    (policy) => policy.podIsolation.includes('Egress') || policy.egress.some((entry) => (entry.cidr ?? '') !== ''),
  );
}

export function checkStrictNoDns(sets: PolicySets): Finding[] {
  const findings: Finding[] = [];
  for (const group of sets.groups.values()) {
    const first = group.pods[0];
    if (first === undefined || !egressRestricted(group.policies)) continue;
    if (group.policies.some((policy) => policy.egress.some(allowsDns))) continue;
    const policies = group.policies.map(policyName);
    findings.push(
      findingOf(
        CP_LIMIT_STRICT_NO_DNS,
        { kind: 'Pod', namespace: first.namespace, name: first.name },
        `Pod ${podKey(first)}${andOthers(group.pods.length)}: egress is restricted by ${policies.join(', ')} and no egress entry allows UDP or TCP port 53, so name resolution fails (strict mode).`,
        {
          expected: { dnsEgress: 'UDP/53 or TCP/53' },
          actual: { dnsEgress: null, policies, pods: group.pods.length, samplePods: sample(group.pods).map(podKey) },
          identity: [...policies].sort().join(','),
        },
      ),
    );
  }
  return findings;
}

/** One finding per namespace with pods that no policy selects: strict mode denies all their traffic. */
export function checkStrictUnselected(inventory: ClusterInventory, sets: PolicySets): Finding[] {
  const unselected = new Map<string, string[]>();
  for (const pod of inventory.pods) {
    if (pod.spec.hostNetwork === true || isTerminal(pod)) continue;
    const ref = { namespace: pod.metadata.namespace, name: pod.metadata.name };
    if (sets.signatureOf(podKey(ref)) !== undefined) continue;
    const list = unselected.get(ref.namespace);
    if (list === undefined) unselected.set(ref.namespace, [ref.name]);
    else list.push(ref.name);
  }
  return [...unselected].map(([namespace, pods]) =>
    findingOf(
      CP_LIMIT_STRICT_UNSELECTED,
      { kind: 'Namespace', name: namespace },
      `Strict mode: ${String(pods.length)} pod(s) in namespace ${namespace} (${sample(pods).join(', ')}) are selected by no NetworkPolicy or ApplicationNetworkPolicy and are denied all traffic, kubelet probes included until rules exist.`,
      { expected: { selectedByAPolicy: true }, actual: { unselectedPods: pods.length, samplePods: sample(pods) } },
    ),
  );
}
