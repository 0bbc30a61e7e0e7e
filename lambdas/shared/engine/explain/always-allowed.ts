import { cidrContains, familyBits, parseCidr, sameIp } from '../facts/cidr';
import type { ClusterInventory } from '../model/cluster';
import type { Pod } from '../model/kubernetes';
import {
  podLabel,
  type LocatedEndpoint,
  type NodeIpDecider,
  type PeerRelation,
  type SideQuestion,
  type SideVerdict,
} from './model';

/** The node hosting the pod: `spec.nodeName`, else the Node whose address is `status.hostIP`. */
export function nodeOf(pod: Pod, inventory: ClusterInventory): string | undefined {
  if (pod.spec.nodeName !== undefined && pod.spec.nodeName !== '') return pod.spec.nodeName;
  const hostIp = pod.status.hostIP;
  if (hostIp === undefined || hostIp === '') return undefined;
  return inventory.nodes.find((node) => (node.status.addresses ?? []).some((address) => address.address === hostIp))
    ?.metadata.name;
}

/** The agent's node IP is the node's primary address (IMDS `local-ipv4`), which is the pod's `status.hostIP`. */
function ownNodeIp(pod: Pod, inventory: ClusterInventory, node: string | undefined): string | undefined {
  if (pod.status.hostIP !== undefined && pod.status.hostIP !== '') return pod.status.hostIP;
  return inventory.nodes
    .find((candidate) => candidate.metadata.name === node)
    ?.status.addresses?.find((address) => address.type === 'InternalIP')?.address;
}

export function peerRelation(subject: Pod, peer: LocatedEndpoint, inventory: ClusterInventory): PeerRelation {
  if (peer.pod !== undefined && podLabel(peer.pod) === podLabel(subject)) return { kind: 'self' };
  const node = nodeOf(subject, inventory);
  const ip = ownNodeIp(subject, inventory, node);
  if (ip === undefined || !sameIp(ip, peer.ip)) return { kind: 'other' };
  return node === undefined ? { kind: 'own-node', ip } : { kind: 'own-node', ip, node };
}

/** Kubernetes: a pod cannot block access to itself; the packet never leaves the pod's network namespace. */
export function selfVerdict(question: SideQuestion, layer: 'policies' | 'kernel'): SideVerdict | undefined {
  if (question.peerIs.kind !== 'self') return undefined;
  const pod = podLabel(question.subject);
  const why =
    layer === 'policies'
      ? 'a pod can always reach itself: no policy can block it (Kubernetes NetworkPolicy)'
      : 'a pod reaching its own IP stays in its network namespace (loopback): no tc program on its veth sees it';
  return {
    side: question.side,
    pod,
    verdict: 'allow',
    reason: `${pod} → itself: ${why}`,
    decidedBy: { kind: 'self', pod },
  };
}

export function nodeIpDecider(question: SideQuestion, tier: NodeIpDecider['tier']): NodeIpDecider | undefined {
  const peer = question.peerIs;
  if (peer.kind !== 'own-node') return undefined;
  return {
    kind: 'node-ip',
    ip: peer.ip,
    ...(peer.node === undefined ? {} : { node: peer.node }),
    direction: question.side,
    tier,
  };
}

function nodeText(decider: NodeIpDecider): string {
  return `${decider.ip} is the IP of the pod's own node${decider.node === undefined ? '' : ` ${decider.node}`}`;
}

export function nodeIpVerdict(question: SideQuestion, decider: NodeIpDecider): SideVerdict {
  const entry =
    decider.tier === 'NetworkPolicy'
      ? `nodeIP/32 → ANY in the ${question.side}_map once a PolicyEndpoint applies (kubelet probes, agent.md §2.8)`
      : `nodeIP/32 → Accept, priority 0 in the cp_${question.side}_map once a ClusterPolicyEndpoint applies (main after v1.4.1, #636)`;
  return {
    side: question.side,
    pod: podLabel(question.subject),
    verdict: 'allow',
    reason: `${nodeText(decider)}: the agent always allows it, ${entry}`,
    decidedBy: decider,
  };
}

/** Why the node IP is not allowed where a pod has no policy in strict mode (agent.md §2.7). */
export function strictNodeIpNote(question: SideQuestion): string {
  const decider = nodeIpDecider(question, 'NetworkPolicy');
  return decider === undefined
    ? ''
    : ` (${nodeText(decider)}, but its allow entry exists only once policies are programmed: kubelet probes are denied too)`;
}

/** The LPM or cp key the agent writes for the node IP: its host prefix. */
export function isNodeIpKey(question: Pick<SideQuestion, 'peerIs'>, cidr: string): boolean {
  const peer = question.peerIs;
  if (peer.kind !== 'own-node') return false;
  const key = parseCidr(cidr);
  return key !== undefined && key.prefixLength === familyBits(key.family) && cidrContains(cidr, peer.ip);
}
