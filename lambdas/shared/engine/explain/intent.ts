import { cidrContains } from '../facts/cidr';
import { isHostNetwork } from '../control-plane/resolver/pods';
import {
  defaultPolicyTypes,
  networkPolicyInput,
  toPeers,
  toRulePorts,
  type Peer,
  type RulePort,
} from '../control-plane/resolver/policy-input';
import type { EnforcementMode } from '../model/assessment';
import type { ClusterInventory } from '../model/cluster';
import type {
  ApplicationNetworkPolicy,
  ClusterNetworkPolicy,
  ClusterNetworkPolicyPeer,
  ClusterNetworkPolicySubject,
  LabelSelector,
  Namespace,
  Pod,
  PolicyType,
} from '../model/kubernetes';
import { agentBehaviour } from '../facts/agent-behaviour';
import { selectorMatches } from '../selectors';
import { isNodeIpKey, nodeIpDecider, nodeIpVerdict, selfVerdict, strictNodeIpNote } from './always-allowed';
import {
  podLabel,
  type DecidedBy,
  type LocatedEndpoint,
  type NodeIpDecider,
  type Side,
  type SideQuestion,
  type SideVerdict,
} from './model';
import { clusterPortsMatch, rulePortsMatch } from './ports';
import { tierWinner, type TierCandidate } from './tiers';

interface IntentRule {
  readonly peers: readonly Peer[] | undefined;
  readonly ports: readonly RulePort[];
  /** ApplicationNetworkPolicy egress rule whose peers are all domain names: never matches an IP here. */
  readonly domainOnly: boolean;
}

interface IntentPolicy {
  readonly kind: 'NetworkPolicy' | 'ApplicationNetworkPolicy';
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly PolicyType[];
  readonly ingress: readonly IntentRule[];
  readonly egress: readonly IntentRule[];
}

function fromNetworkPolicies(inventory: ClusterInventory): IntentPolicy[] {
  return inventory.networkPolicies.map((policy) => {
    const input = networkPolicyInput(policy);
    return {
      kind: 'NetworkPolicy',
      name: input.name,
      namespace: input.namespace,
      podSelector: input.podSelector,
      policyTypes: input.policyTypes,
      ingress: input.ingress.map((rule) => ({ ...rule, domainOnly: false })),
      egress: input.egress.map((rule) => ({ ...rule, domainOnly: false })),
    };
  });
}

/** The ANP as written (not the controller's conversion, which loses egress allow-all). */
function fromApplicationPolicy(policy: ApplicationNetworkPolicy): IntentPolicy {
  const egress = policy.spec.egress ?? [];
  return {
    kind: 'ApplicationNetworkPolicy',
    name: policy.metadata.name,
    namespace: policy.metadata.namespace,
    podSelector: policy.spec.podSelector ?? {},
    policyTypes: defaultPolicyTypes(policy.spec.policyTypes, egress.length),
    ingress: (policy.spec.ingress ?? []).map((rule) => ({
      peers: toPeers(rule.from),
      ports: toRulePorts(rule.ports),
      domainOnly: false,
    })),
    egress: egress.map((rule) => {
      const to = rule.to ?? [];
      const ipPeers = to.filter((peer) => (peer.domainNames ?? []).length === 0);
      return {
        peers: toPeers(ipPeers),
        ports: toRulePorts(rule.ports),
        domainOnly: to.length > 0 && ipPeers.length === 0,
      };
    }),
  };
}

export class IntentContext {
  readonly policies: readonly IntentPolicy[];
  /** The agent allows the node IP in the cp maps too (main after v1.4.1). */
  readonly cpNodeIpEntry: boolean;
  private readonly namespaces = new Map<string, Namespace>();

  constructor(
    readonly inventory: ClusterInventory,
    readonly mode: EnforcementMode | undefined,
    agentVersion: string | undefined,
  ) {
    this.cpNodeIpEntry = agentBehaviour(agentVersion).cpNodeIpEntry;
    this.policies = [
      ...fromNetworkPolicies(inventory),
      ...inventory.applicationNetworkPolicies.map(fromApplicationPolicy),
    ];
    for (const namespace of inventory.namespaces) this.namespaces.set(namespace.metadata.name, namespace);
  }

  /** Labels of a Namespace object; `undefined` when the inventory lacks it (namespace selectors then do not match). */
  namespaceLabels(name: string): Readonly<Record<string, string>> | undefined {
    const namespace = this.namespaces.get(name);
    return namespace === undefined ? undefined : (namespace.metadata.labels ?? {});
  }

  policiesSelecting(pod: Pod): IntentPolicy[] {
    const labels = pod.metadata.labels ?? {};
    return this.policies.filter(
      (policy) => policy.namespace === pod.metadata.namespace && selectorMatches(policy.podSelector, labels),
    );
  }
}

function peerMatches(peer: Peer, policyNamespace: string, endpoint: LocatedEndpoint, context: IntentContext): boolean {
  if (peer.kind === 'ipBlock') return cidrContains(peer.cidr, endpoint.ip, peer.except);
  const pod = endpoint.pod;
  if (pod === undefined) return false;
  if (peer.namespaceSelector === undefined) {
    if (pod.metadata.namespace !== policyNamespace) return false;
  } else {
    const labels = context.namespaceLabels(pod.metadata.namespace);
    if (labels === undefined || !selectorMatches(peer.namespaceSelector, labels)) return false;
  }
  return peer.podSelector === undefined || selectorMatches(peer.podSelector, pod.metadata.labels ?? {});
}

function describePeer(peer: Peer): string {
  if (peer.kind === 'ipBlock') {
    return `ipBlock ${peer.cidr}${peer.except.length === 0 ? '' : ` except ${peer.except.join(', ')}`}`;
  }
  const parts: string[] = [];
  if (peer.namespaceSelector !== undefined) parts.push('namespaceSelector');
  if (peer.podSelector !== undefined) parts.push('podSelector');
  return parts.length === 0 ? 'pods' : parts.join('+');
}

function policyName(policy: IntentPolicy): string {
  return `${policy.kind} ${policy.namespace}/${policy.name}`;
}

// ---------------------------------------------------------------- ClusterNetworkPolicy tiers (controller.md §1.7/§2.14)

function subjectSelects(subject: ClusterNetworkPolicySubject, pod: Pod, context: IntentContext): boolean {
  const namespaceLabels = context.namespaceLabels(pod.metadata.namespace);
  if (namespaceLabels === undefined) return false;
  if (subject.namespaces !== undefined) return selectorMatches(subject.namespaces, namespaceLabels);
  if (subject.pods !== undefined) {
    return (
      selectorMatches(subject.pods.namespaceSelector, namespaceLabels) &&
      selectorMatches(subject.pods.podSelector, pod.metadata.labels ?? {})
    );
  }
  return false;
}

function clusterPeerMatches(
  peer: ClusterNetworkPolicyPeer,
  endpoint: LocatedEndpoint,
  context: IntentContext,
): boolean {
  if ((peer.networks ?? []).some((cidr) => cidrContains(cidr, endpoint.ip))) return true;
  const pod = endpoint.pod;
  if (pod === undefined) return false;
  const namespaceLabels = context.namespaceLabels(pod.metadata.namespace);
  if (namespaceLabels === undefined) return false;
  if (peer.namespaces !== undefined && selectorMatches(peer.namespaces, namespaceLabels)) return true;
  return (
    peer.pods !== undefined &&
    selectorMatches(peer.pods.namespaceSelector, namespaceLabels) &&
    selectorMatches(peer.pods.podSelector, pod.metadata.labels ?? {})
  );
}

type ClusterDecider = Extract<DecidedBy, { kind: 'ClusterNetworkPolicy' }>;

/** `nodeIpKeyOnly`: only a network written for exactly the peer (the node IP) counts. */
function rulePeersMatch(
  peers: readonly ClusterNetworkPolicyPeer[],
  question: SideQuestion,
  context: IntentContext,
  nodeIpKeyOnly: boolean,
): boolean {
  if (nodeIpKeyOnly) return peers.some((peer) => (peer.networks ?? []).some((cidr) => isNodeIpKey(question, cidr)));
  return peers.length === 0 || peers.some((peer) => clusterPeerMatches(peer, question.peer, context));
}

/** The agent's cp node-IP entry ranks as an Admin Accept of priority 0 (agent.md §2.8, main after v1.4.1). */
function nodeIpAdminCandidate(question: SideQuestion, context: IntentContext): TierCandidate<NodeIpDecider>[] {
  if (!context.cpNodeIpEntry) return [];
  const selected = context.inventory.clusterNetworkPolicies.some((policy) =>
    subjectSelects(policy.spec.subject, question.subject, context),
  );
  const decider = selected ? nodeIpDecider(question, 'Admin') : undefined;
  return decider === undefined ? [] : [{ priority: 0, action: 'Accept', source: decider }];
}

/**
 * The Admin tier. With the cp node-IP entry, the node IP's own key holds only rules written for exactly that address:
 * broader CIDRs are not copied into it (agent.md §2.8), so only those can compete with the entry.
 */
function adminVerdict(question: SideQuestion, context: IntentContext) {
  const nodeIp = nodeIpAdminCandidate(question, context);
  const winner = tierWinner<ClusterDecider | NodeIpDecider>([
    ...nodeIp,
    ...clusterCandidates('Admin', question, context, nodeIp.length > 0),
  ]);
  if (winner === undefined) return { passNote: '' };
  if (winner.source.kind === 'node-ip') return { verdict: nodeIpVerdict(question, winner.source), passNote: '' };
  if (winner.action !== 'Pass') return { verdict: clusterVerdict(question, winner.source), passNote: '' };
  return { passNote: ` (Admin ${winner.source.name} passed)` };
}

function clusterCandidates(
  tier: 'Admin' | 'Baseline',
  question: SideQuestion,
  context: IntentContext,
  nodeIpKeyOnly = false,
): TierCandidate<ClusterDecider>[] {
  const candidates: TierCandidate<ClusterDecider>[] = [];
  for (const policy of context.inventory.clusterNetworkPolicies) {
    if (policy.spec.tier !== tier || !subjectSelects(policy.spec.subject, question.subject, context)) continue;
    clusterRules(policy, question.side).forEach((rule, index) => {
      if (!rulePeersMatch(rule.peers, question, context, nodeIpKeyOnly)) return;
      if (!clusterPortsMatch(rule.ports ?? [], question.port, question.protocol, question.destinationPod).matched)
        return;
      candidates.push({
        priority: policy.spec.priority,
        action: rule.action,
        source: {
          kind: 'ClusterNetworkPolicy',
          name: policy.metadata.name,
          tier,
          priority: policy.spec.priority,
          direction: question.side,
          rule: index + 1,
          ...(rule.name === undefined ? {} : { ruleName: rule.name }),
          action: rule.action,
        },
      });
    });
  }
  return candidates;
}

function clusterRules(policy: ClusterNetworkPolicy, side: Side) {
  if (side === 'ingress') return (policy.spec.ingress ?? []).map((rule) => ({ ...rule, peers: rule.from }));
  return (policy.spec.egress ?? []).map((rule) => ({ ...rule, peers: rule.to }));
}

function clusterVerdict(question: SideQuestion, decider: ClusterDecider): SideVerdict {
  const rule = decider.ruleName === undefined ? `rule #${decider.rule}` : `rule #${decider.rule} "${decider.ruleName}"`;
  return {
    side: question.side,
    pod: podLabel(question.subject),
    verdict: decider.action === 'Accept' ? 'allow' : 'deny',
    reason: `${decider.tier} ClusterNetworkPolicy ${decider.name} (priority ${decider.priority}) ${question.side} ${rule}: ${decider.action}`,
    decidedBy: decider,
  };
}

// ---------------------------------------------------------------- one side

function ruleMatch(rule: IntentRule, policy: IntentPolicy, question: SideQuestion, context: IntentContext) {
  if (rule.domainOnly) return { matched: false, note: 'domain-name peers only (not evaluated for an IP)' };
  let peerText = 'all peers';
  if (rule.peers !== undefined) {
    const peer = rule.peers.find((candidate) => peerMatches(candidate, policy.namespace, question.peer, context));
    if (peer === undefined) return { matched: false };
    peerText = describePeer(peer);
  }
  const ports = rulePortsMatch(rule.ports, question.port, question.protocol, question.destinationPod);
  return { matched: ports.matched, peerText, note: ports.note };
}

/**
 * Kubernetes NetworkPolicy semantics for one side, with ClusterNetworkPolicy Admin before and Baseline after
 * (agent.md §2.6 tier order). A side is isolated only when a policy selecting the pod has that policy type; then the
 * first matching rule allows, none denies. In strict mode a pod no policy selects is denied (agent.md §2.7).
 */
export function intentSide(question: SideQuestion, context: IntentContext): SideVerdict {
  const pod = podLabel(question.subject);
  const base = { side: question.side, pod };
  const direction = question.side === 'ingress' ? 'from' : 'to';
  const self = selfVerdict(question, 'policies');
  if (self !== undefined) return self;
  if (isHostNetwork(question.subject)) {
    return { ...base, verdict: 'allow', reason: `${pod} uses hostNetwork: network policies do not apply to it` };
  }
  const admin = adminVerdict(question, context);
  if (admin.verdict !== undefined) return admin.verdict;
  const passNote = admin.passNote;

  const policyType: PolicyType = question.side === 'ingress' ? 'Ingress' : 'Egress';
  const selecting = context.policiesSelecting(question.subject);
  const isolating = selecting.filter((policy) => policy.policyTypes.includes(policyType));
  const nodeIp = nodeIpDecider(question, 'NetworkPolicy');
  if (isolating.length > 0 && nodeIp !== undefined) return nodeIpVerdict(question, nodeIp);
  if (isolating.length > 0) {
    const notes: string[] = [];
    for (const policy of isolating) {
      const rules = question.side === 'ingress' ? policy.ingress : policy.egress;
      for (const [index, rule] of rules.entries()) {
        const match = ruleMatch(rule, policy, question, context);
        if (match.note !== undefined) notes.push(`${policyName(policy)} rule #${index + 1}: ${match.note}`);
        if (!match.matched) continue;
        return {
          ...base,
          verdict: 'allow',
          reason:
            `${policyName(policy)} ${question.side} rule #${index + 1} allows ${direction} ${question.peer.label} ` +
            `(${match.peerText ?? 'peer'}, ${question.protocol}/${question.port}${match.note === undefined ? '' : `; ${match.note}`})${passNote}`,
          decidedBy: {
            kind: policy.kind,
            namespace: policy.namespace,
            name: policy.name,
            direction: question.side,
            rule: index + 1,
          },
        };
      }
    }
    const first = isolating[0];
    return {
      ...base,
      verdict: 'deny',
      reason:
        `${question.side} of ${pod} is isolated by ${isolating.map(policyName).join(', ')} and no rule allows ` +
        `${direction} ${question.peer.label} on ${question.protocol}/${question.port}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}${passNote}`,
      ...(first === undefined
        ? {}
        : { decidedBy: { kind: first.kind, namespace: first.namespace, name: first.name, direction: question.side } }),
    };
  }

  const baseline = tierWinner(clusterCandidates('Baseline', question, context));
  if (baseline !== undefined && baseline.action !== 'Pass') return clusterVerdict(question, baseline.source);

  if (context.mode === 'strict' && selecting.length === 0) {
    return {
      ...base,
      verdict: 'deny',
      reason: `strict mode: no NetworkPolicy selects ${pod}, so its traffic is denied by default${strictNodeIpNote(question)}${passNote}`,
      decidedBy: { kind: 'default', detail: 'strict mode default deny' },
    };
  }
  const why =
    selecting.length === 0
      ? `no NetworkPolicy selects ${pod}`
      : `the policies selecting ${pod} (${selecting.map(policyName).join(', ')}) do not have policyType ${policyType}`;
  return {
    ...base,
    verdict: 'allow',
    reason: `${question.side} of ${pod} is not isolated: ${why}${passNote}`,
    decidedBy: { kind: 'default', detail: 'not isolated' },
  };
}
