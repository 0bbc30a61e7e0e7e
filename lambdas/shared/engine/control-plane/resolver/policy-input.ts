import type {
  IntOrString,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicyType,
  Protocol,
} from '../../model/kubernetes';

/** A rule port after API-server defaulting (§2.1): the protocol is always set. */
export interface RulePort {
  readonly protocol: Protocol;
  readonly port?: IntOrString;
  readonly endPort?: number;
}

export type Peer =
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] }
  | { readonly kind: 'pods'; readonly namespaceSelector?: LabelSelector; readonly podSelector?: LabelSelector };

/** `peers` undefined means the rule had no (or an empty) `from`/`to`: allow from/to everywhere. */
export interface PolicyRule {
  readonly peers: readonly Peer[] | undefined;
  readonly ports: readonly RulePort[];
}

/** The controller's view of a policy: an NP after API-server defaulting, or an ANP/CNP converted to one. */
export interface PolicyInput {
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly PolicyType[];
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

/** API-server default: `[Ingress]`, plus `Egress` when `spec.egress` is non-empty; explicit values verbatim. */
export function defaultPolicyTypes(
  policyTypes: readonly PolicyType[] | null | undefined,
  egressRuleCount: number,
): readonly PolicyType[] {
  if (policyTypes !== null && policyTypes !== undefined && policyTypes.length > 0) return policyTypes;
  return egressRuleCount > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function isNamedPort(port: RulePort): port is RulePort & { readonly port: string } {
  return typeof port.port === 'string';
}

export function isProtocolOnly(port: RulePort): boolean {
  return port.port === undefined;
}

/** Defaults a missing protocol to TCP; `onMissingProtocol` lets callers record where no default exists (ANP, CNP). */
export function toRulePort(port: NetworkPolicyPort, onMissingProtocol?: () => void): RulePort {
  if (port.protocol === undefined) onMissingProtocol?.();
  const rulePort: { protocol: Protocol; port?: IntOrString; endPort?: number } = { protocol: port.protocol ?? 'TCP' };
  if (port.port !== undefined) rulePort.port = port.port;
  if (port.endPort !== undefined) rulePort.endPort = port.endPort;
  return rulePort;
}

export function toPeer(peer: NetworkPolicyPeer): Peer {
  if (peer.ipBlock !== null && peer.ipBlock !== undefined) {
    return { kind: 'ipBlock', cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] };
  }
  const podsPeer: { kind: 'pods'; namespaceSelector?: LabelSelector; podSelector?: LabelSelector } = { kind: 'pods' };
  if (peer.namespaceSelector !== null && peer.namespaceSelector !== undefined) {
    podsPeer.namespaceSelector = peer.namespaceSelector;
  }
  if (peer.podSelector !== null && peer.podSelector !== undefined) podsPeer.podSelector = peer.podSelector;
  return podsPeer;
}

/** `from: []` and a missing `from` are equivalent (§2.1). */
export function toPeers(peers: readonly NetworkPolicyPeer[] | null | undefined): readonly Peer[] | undefined {
  if (peers === null || peers === undefined || peers.length === 0) return undefined;
  return peers.map(toPeer);
}

export function toRulePorts(
  ports: readonly NetworkPolicyPort[] | null | undefined,
  onMissingProtocol?: () => void,
): readonly RulePort[] {
  return (ports ?? []).map((port) => toRulePort(port, onMissingProtocol));
}

/** A NetworkPolicy as the controller sees it after API-server defaulting (§2.1). */
export function networkPolicyInput(policy: NetworkPolicy): PolicyInput {
  const egress = policy.spec.egress ?? [];
  return {
    name: policy.metadata.name,
    namespace: policy.metadata.namespace,
    podSelector: policy.spec.podSelector ?? {},
    policyTypes: defaultPolicyTypes(policy.spec.policyTypes, egress.length),
    ingress: (policy.spec.ingress ?? []).map((rule) => ({ peers: toPeers(rule.from), ports: toRulePorts(rule.ports) })),
    egress: egress.map((rule) => ({ peers: toPeers(rule.to), ports: toRulePorts(rule.ports) })),
  };
}
