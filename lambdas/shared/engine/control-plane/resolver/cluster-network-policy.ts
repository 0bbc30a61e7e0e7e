import type { ClusterInventory } from '../../model/cluster';
import type {
  ClusterEndpointInfo,
  ClusterNetworkPolicy,
  ClusterNetworkPolicyPeer,
  ClusterNetworkPolicyPortItem,
  ClusterNetworkPolicySubject,
  ClusterPolicyAction,
  EndpointInfo,
  EndpointPort,
  PodEndpoint,
} from '../../model/kubernetes';
import { ClusterIndex } from './cluster-index';
import { egressRuleEntries } from './egress';
import { compareEntries } from './entries';
import { ingressRuleEntries } from './ingress';
import { canonicalPodEndpoints, compareText } from './pods';
import type { Peer, PolicyRule, RulePort } from './policy-input';
import { endpointPort } from './port-conversion';
import { selectedPodEndpoints } from './resolve-policy';

/** The unchunked ClusterPolicyEndpoint content of one ClusterNetworkPolicy (§2.14). */
export interface ResolvedClusterPolicy {
  readonly policyRef: { readonly name: string };
  readonly tier: ClusterNetworkPolicy['spec']['tier'];
  readonly priority: number;
  readonly subject: ClusterNetworkPolicySubject;
  readonly podSelectorEndpoints: readonly PodEndpoint[];
  readonly ingress: readonly ClusterEndpointInfo[];
  readonly egress: readonly ClusterEndpointInfo[];
  /** Present only when non-empty: where the controller itself would fail for this policy. */
  readonly problems?: readonly string[];
}

interface CnpRule {
  readonly action: ClusterPolicyAction;
  readonly peers: readonly ClusterNetworkPolicyPeer[];
  readonly ports: readonly ClusterNetworkPolicyPortItem[];
}

/** The temporary NP has no namespace of its own: every CNP peer carries a namespaceSelector. */
const NO_NAMESPACE = '';

function subjectPodEndpoints(subject: ClusterNetworkPolicySubject, index: ClusterIndex): PodEndpoint[] {
  const [namespaceSelector, podSelector] =
    subject.namespaces !== undefined
      ? [subject.namespaces, {}]
      : subject.pods !== undefined
        ? [subject.pods.namespaceSelector, subject.pods.podSelector]
        : [undefined, undefined];
  if (namespaceSelector === undefined) return [];
  return index
    .namespacesMatching(namespaceSelector)
    .flatMap((namespace) => selectedPodEndpoints({ namespace, podSelector }, index));
}

function toNpPeers(peer: ClusterNetworkPolicyPeer): Peer[] {
  const peers: Peer[] = [];
  if (peer.namespaces !== undefined) peers.push({ kind: 'pods', namespaceSelector: peer.namespaces });
  if (peer.pods !== undefined) {
    peers.push({ kind: 'pods', namespaceSelector: peer.pods.namespaceSelector, podSelector: peer.pods.podSelector });
  }
  for (const cidr of peer.networks ?? []) peers.push({ kind: 'ipBlock', cidr, except: [] });
  return peers;
}

/** portNumber → `{protocol, port}`, portRange → `{protocol, start, endPort: end}`, namedPort → `{port: name}`. */
function toNpPort(item: ClusterNetworkPolicyPortItem): RulePort | undefined {
  if (item.portNumber !== undefined) return { protocol: item.portNumber.protocol ?? 'TCP', port: item.portNumber.port };
  if (item.portRange !== undefined) {
    return { protocol: item.portRange.protocol ?? 'TCP', port: item.portRange.start, endPort: item.portRange.end };
  }
  // The controller leaves the protocol nil here and panics; TCP is assumed only to show the would-be entries.
  if (item.namedPort !== undefined) return { protocol: 'TCP', port: item.namedPort };
  return undefined;
}

function domainPorts(items: readonly ClusterNetworkPolicyPortItem[]): EndpointPort[] {
  return items.flatMap((item) => {
    if (item.portNumber !== undefined) return [endpointPort(item.portNumber.protocol ?? 'TCP', item.portNumber.port)];
    if (item.portRange !== undefined) {
      return [endpointPort(item.portRange.protocol ?? 'TCP', item.portRange.start, item.portRange.end)];
    }
    return [];
  });
}

/** domainNames (egress) for Accept and Pass only; namedPort ignored. */
function domainEntries(rule: CnpRule): ClusterEndpointInfo[] {
  if (rule.action === 'Deny') return [];
  const ports = domainPorts(rule.ports);
  return rule.peers.flatMap((peer) =>
    (peer.domainNames ?? []).map((domainName) =>
      ports.length === 0 ? { domainName, action: rule.action } : { domainName, action: rule.action, ports },
    ),
  );
}

function hasNpPeers(rule: CnpRule): boolean {
  return rule.peers.length === 0 || rule.peers.some((peer) => toNpPeers(peer).length > 0);
}

function toNpRule(rule: CnpRule): PolicyRule {
  const peers = rule.peers.flatMap(toNpPeers);
  return { peers: peers.length === 0 ? undefined : peers, ports: rule.ports.flatMap((item) => toNpPort(item) ?? []) };
}

function namedPortProblem(direction: 'ingress' | 'egress', ruleIndex: number): string {
  return (
    `${direction} rule #${ruleIndex + 1} uses namedPort: the controller converts it to a port without protocol and ` +
    'dereferences it, so its resolver panics and no ClusterPolicyEndpoint is written or updated (derived from code); ' +
    'the entries shown assume TCP'
  );
}

function tagged(entries: readonly EndpointInfo[], action: ClusterPolicyAction): ClusterEndpointInfo[] {
  return entries.map((entry) => ({ ...entry, action }));
}

/**
 * CNP dedup key: (cidr|domain, action, ports rendered protocol:port). endPort is ignored like the controller does,
 * so `{TCP 80}` and `{TCP 80-90}` on one CIDR and action collapse; the first one produced is kept.
 */
export function clusterEntryKey(entry: ClusterEntryLike): string {
  const ports = (entry.ports ?? []).map((port) => `${port.protocol ?? 'TCP'}:${port.port ?? ''}`);
  return JSON.stringify([entry.cidr ?? entry.domainName ?? '', entry.action, ports]);
}
type ClusterEntryLike = Pick<ClusterEndpointInfo, 'cidr' | 'domainName' | 'action' | 'ports'>;

function canonicalClusterEntries(entries: readonly ClusterEndpointInfo[]): ClusterEndpointInfo[] {
  const unique = new Map<string, ClusterEndpointInfo>();
  for (const entry of entries) {
    const key = clusterEntryKey(entry);
    if (!unique.has(key)) unique.set(key, entry);
  }
  return [...unique.values()].sort((a, b) => compareEntries(a, b) || compareText(a.action, b.action));
}

function cnpRules(policy: ClusterNetworkPolicy, direction: 'ingress' | 'egress'): CnpRule[] {
  if (direction === 'ingress') {
    return (policy.spec.ingress ?? []).map((rule) => ({
      action: rule.action,
      peers: rule.from,
      ports: rule.ports ?? [],
    }));
  }
  return (policy.spec.egress ?? []).map((rule) => ({ action: rule.action, peers: rule.to, ports: rule.ports ?? [] }));
}

function resolveDirection(
  rules: readonly CnpRule[],
  direction: 'ingress' | 'egress',
  index: ClusterIndex,
  problems: string[],
): ClusterEndpointInfo[] {
  return rules.flatMap((rule, ruleIndex) => {
    const entries: ClusterEndpointInfo[] = direction === 'egress' ? domainEntries(rule) : [];
    if (!hasNpPeers(rule)) return entries;
    if (rule.ports.some((item) => item.namedPort !== undefined)) problems.push(namedPortProblem(direction, ruleIndex));
    const npRule = toNpRule(rule);
    const resolved =
      direction === 'ingress'
        ? ingressRuleEntries(npRule, NO_NAMESPACE, () => [], index)
        : egressRuleEntries(npRule, NO_NAMESPACE, index);
    return [...entries, ...tagged(resolved, rule.action)];
  });
}

export function resolveClusterNetworkPolicy(policy: ClusterNetworkPolicy, index: ClusterIndex): ResolvedClusterPolicy {
  const problems: string[] = [];
  const resolved: ResolvedClusterPolicy = {
    policyRef: { name: policy.metadata.name },
    tier: policy.spec.tier,
    priority: policy.spec.priority,
    subject: policy.spec.subject,
    podSelectorEndpoints: canonicalPodEndpoints(subjectPodEndpoints(policy.spec.subject, index)),
    ingress: canonicalClusterEntries(resolveDirection(cnpRules(policy, 'ingress'), 'ingress', index, problems)),
    egress: canonicalClusterEntries(resolveDirection(cnpRules(policy, 'egress'), 'egress', index, problems)),
  };
  return problems.length === 0 ? resolved : { ...resolved, problems };
}

/** The unchunked ClusterPolicyEndpoint content of every ClusterNetworkPolicy (§2.14); never throws on controller panics. */
export function resolveClusterNetworkPolicies(
  inventory: ClusterInventory,
  index: ClusterIndex = new ClusterIndex(inventory),
): ResolvedClusterPolicy[] {
  return inventory.clusterNetworkPolicies.map((policy) => resolveClusterNetworkPolicy(policy, index));
}
