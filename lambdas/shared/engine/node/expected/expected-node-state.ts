/**
 * Expected kernel state of one node: what the VPC CNI network policy agent should have programmed for each
 * pod identifier, recomputed from PolicyEndpoints / ClusterPolicyEndpoints (agent.md §2–§3).
 *
 * Versions each rule applies to:
 * - identifier `.`→`_` v1.2.0+; separator `-` ≤ v1.3.x, `@` v1.4.0+; 8 slots ≤ v1.0.4, 24 from v1.0.5;
 * - filters on every pod when the CNI sets a mode: v1.2.0+; before, on PE-selected pods (all pods in strict);
 * - pod-state key 0: v1.2.0+; key 1 and `cp_*` maps: v1.3.0+;
 * - LPM contents: legacy algorithm ≤ v1.2.3 (catch-all ports on every key, except = own slots as RESERVED,
 *   inheritance ignores excepts), `fwruleprocessor` v1.2.4+;
 * - CIDR canonicalisation and the cp node-IP entry: main after v1.4.1 (assumed for v1.4.2+, unconfirmed).
 * Identifiers with the same PolicyEndpoints share one computation per direction, and host keys are reused
 * between computations that share the non-host rules (see lpm-entries.ts).
 */
import type { Result } from '../../errors';
import type { EnforcementMode } from '../../model/assessment';
import type {
  ClusterPolicyEndpoint,
  EndpointInfo,
  Node,
  Pod,
  PodEndpoint,
  PolicyEndpoint,
} from '../../model/kubernetes';
import { agentBehaviour, type AgentBehaviour } from '../../facts/agent-behaviour';
import { CidrParser, ipFamilyOf, type IpFamily } from '../../facts/cidr';
import { computeCpEntries, type CpRuleSource } from './cp-entries';
import { LpmCache } from './lpm-cache';
import { expectedDirection, type ExpectedDirection, type LpmContext } from './lpm-entries';
import type { ExpectedCpEntry } from './map-entry';
import { podIdentifierWith } from '../../facts/pod-identifier';
import { scanEndpoints, type NodeTargetIndex } from './node-index';
import { indexClusterPolicyEndpoints, indexPolicyEndpoints, IpMatcher, type IndexedEndpoint } from './targets';
import { hostVethName, type Sha1Hex } from '../../facts/veth-name';

export interface ExpectedNodeStateInput {
  readonly nodeName: string;
  /** `status.addresses[type=InternalIP]` of the Node (see `nodeInternalIPs`). */
  readonly nodeIPs: readonly string[];
  /** Cluster family; inferred from the node's pods, then from the first node IP, when absent. */
  readonly ipFamily?: IpFamily | undefined;
  /** All pods or the node's; only those with `spec.nodeName === nodeName` are used. */
  readonly pods: readonly Pod[];
  /** All PolicyEndpoints of the cluster: the agent picks the ones targeting this node. */
  readonly policyEndpoints: readonly PolicyEndpoint[];
  readonly clusterPolicyEndpoints: readonly ClusterPolicyEndpoint[];
  readonly agentVersion: string | undefined;
  /** `undefined`: `NETWORK_POLICY_ENFORCING_MODE` empty, the CNI never calls the agent. */
  readonly enforcementMode: EnforcementMode | undefined;
  readonly sha1Hex: Sha1Hex;
  /** Parse cache to share between the nodes of one audit (PolicyEndpoints repeat across nodes). */
  readonly cidrParser?: CidrParser | undefined;
  /** LPM memo tables and ids, one per audit (a node computation without it gets a cache of its own). */
  readonly lpmCache?: LpmCache | undefined;
  /** Index of `pods` / `policyEndpoints` / `clusterPolicyEndpoints` to share between the nodes of one audit. */
  readonly nodeIndex?: NodeTargetIndex | undefined;
}

export type PodStateName = 'POLICIES_APPLIED' | 'DEFAULT_ALLOW' | 'DEFAULT_DENY';
export const POD_STATE_VALUE: Readonly<Record<PodStateName, number>> = {
  POLICIES_APPLIED: 0,
  DEFAULT_ALLOW: 1,
  DEFAULT_DENY: 2,
};

/** The same values are written to `ingress_pod_state_map` and `egress_pod_state_map` (agent.md §2.4). */
export interface ExpectedPodState {
  /** Key 0: NetworkPolicy state. */
  readonly networkPolicy: PodStateName;
  /** Key 1: ClusterNetworkPolicy state (v1.3.0+); `undefined` before. */
  readonly clusterPolicy: PodStateName | undefined;
}

export interface ExpectedPod {
  readonly namespace: string;
  readonly name: string;
  readonly podIP: string;
  readonly vethName: string;
  /** The name the agent tries next for branch-ENI pods (v1.2.0+); `undefined` when it only tries `eni`. */
  readonly vlanVethName: string | undefined;
  /** Listed in a PE (or, v1.3.0+, a CPE) targeting this node. */
  readonly selected: boolean;
  /** Must carry the clsact filters on both hooks (`handle_ingress` on tc egress, `handle_egress` on tc ingress). */
  readonly needsFilters: boolean;
}

export interface ExpectedMaps {
  readonly ingress: ExpectedDirection;
  readonly egress: ExpectedDirection;
  /** `undefined` before v1.2.0 (no pod-state maps). */
  readonly podState: ExpectedPodState | undefined;
  /** `undefined` before v1.3.0 (no cp maps). */
  readonly cpIngress: readonly ExpectedCpEntry[] | undefined;
  readonly cpEgress: readonly ExpectedCpEntry[] | undefined;
}

export interface ExpectedIdentifierState {
  readonly podIdentifier: string;
  /** Running pods of the node with this identifier; they share one program pair and one map set. */
  readonly pods: readonly ExpectedPod[];
  readonly needsFilters: boolean;
  /** `namespace/name` of every PE whose rules the agent merges for the identifier (sibling chunks included). */
  readonly policyEndpoints: readonly string[];
  readonly clusterPolicyEndpoints: readonly string[];
  /** `undefined`: no pod of the identifier needs filters, so no programs or maps are expected. */
  readonly maps: ExpectedMaps | undefined;
  /** Targets of local PEs/CPEs with this identifier that are not running pods of the node (stale or racing). */
  readonly unmatchedTargets: readonly PodEndpoint[];
}

export interface ExpectedNodeState {
  readonly nodeName: string;
  /** The node IP the agent uses (IMDS `local-ipv4`, or the IPv6 address in IPv6 mode). */
  readonly nodeIP: string;
  readonly ipFamily: IpFamily;
  readonly enforcementMode: EnforcementMode | undefined;
  readonly behaviour: AgentBehaviour;
  /** Sorted by identifier. */
  readonly identifiers: readonly ExpectedIdentifierState[];
  /** CIDR strings in the node's PEs/CPEs that the agent cannot parse (it skips them). */
  readonly invalidCidrs: readonly string[];
  readonly assumptions: readonly string[];
}

export interface ExpectedStateError {
  readonly kind: 'no-node-ip';
  readonly message: string;
}

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

export function nodeInternalIPs(node: Node): string[] {
  return (node.status.addresses ?? []).filter((address) => address.type === 'InternalIP').map((a) => a.address);
}

interface LocalPod {
  readonly pod: Pod;
  readonly podIP: string;
  readonly identifier: string;
}

interface IdentifierDraft {
  readonly pods: LocalPod[];
  readonly policyParents: Set<string>;
  readonly clusterParents: Set<string>;
  readonly targets: PodEndpoint[];
}

function draftFor(drafts: Map<string, IdentifierDraft>, identifier: string): IdentifierDraft {
  let draft = drafts.get(identifier);
  if (draft === undefined) {
    draft = { pods: [], policyParents: new Set(), clusterParents: new Set(), targets: [] };
    drafts.set(identifier, draft);
  }
  return draft;
}

function membersOf<T>(
  parents: ReadonlySet<string>,
  groups: ReadonlyMap<string, readonly IndexedEndpoint<T>[]>,
): IndexedEndpoint<T>[] {
  return [...parents].flatMap((parent) => groups.get(parent) ?? []).sort((a, b) => a.index - b.index);
}

function resolveNodeIp(
  input: ExpectedNodeStateInput,
  localPods: readonly Pod[],
): { family: IpFamily; ip: string } | undefined {
  const podFamilies = new Set(
    localPods.map((pod) => ipFamilyOf(pod.status.podIP ?? '')).filter((f) => f !== undefined),
  );
  const inferred = podFamilies.size === 1 ? [...podFamilies][0] : undefined;
  const family = input.ipFamily ?? inferred ?? input.nodeIPs.map(ipFamilyOf).find((f) => f !== undefined);
  const ip = input.nodeIPs.find((address) => ipFamilyOf(address) === family);
  return family === undefined || ip === undefined ? undefined : { family, ip };
}

/** Recomputes, for every pod identifier of the node, the filters, LPM/cp map contents and pod state expected. */
export function computeExpectedNodeState(input: ExpectedNodeStateInput): Result<ExpectedNodeState, ExpectedStateError> {
  const behaviour = agentBehaviour(input.agentVersion);
  const shared = input.nodeIndex?.covers(input) === true ? input.nodeIndex : undefined;
  const nodePods = (shared?.podsOn(input.nodeName) ?? input.pods).filter(
    (pod) =>
      pod.spec.nodeName === input.nodeName &&
      pod.spec.hostNetwork !== true &&
      !TERMINAL_PHASES.has(pod.status.phase ?? '') &&
      (pod.status.podIP ?? '') !== '',
  );
  const node = resolveNodeIp(input, nodePods);
  if (node === undefined) {
    return {
      ok: false,
      error: { kind: 'no-node-ip', message: `node ${input.nodeName} has no InternalIP of the cluster family` },
    };
  }
  const ips = new IpMatcher();
  const cidrs = input.cidrParser ?? new CidrParser();
  const nodeIp = cidrs.parse(node.ip);
  if (nodeIp === undefined) {
    return { ok: false, error: { kind: 'no-node-ip', message: `node IP ${node.ip} is not an IP address` } };
  }
  const invalid = new Set<string>();
  const identifierOf = (name: string, namespace: string): string => podIdentifierWith(name, namespace, behaviour);

  const drafts = new Map<string, IdentifierDraft>();
  for (const pod of nodePods) {
    const podIP = pod.status.podIP ?? '';
    if (ips.same(podIP, node.ip)) continue;
    const identifier = identifierOf(pod.metadata.name, pod.metadata.namespace);
    draftFor(drafts, identifier).pods.push({ pod, podIP, identifier });
  }

  const selected = new Set<string>();
  const policy =
    shared?.policyEndpointsOn(node.ip) ?? scanEndpoints(indexPolicyEndpoints(input.policyEndpoints), node.ip, ips);
  for (const { endpoint, target } of policy.targets) {
    const draft = draftFor(drafts, identifierOf(target.name, target.namespace));
    draft.policyParents.add(endpoint.parentKey);
    draft.targets.push(target);
    selected.add(`${target.namespace}/${target.name}`);
  }
  const cluster = behaviour.clusterPolicyMaps
    ? (shared?.clusterEndpointsOn(node.ip) ??
      scanEndpoints(indexClusterPolicyEndpoints(input.clusterPolicyEndpoints), node.ip, ips))
    : scanEndpoints<ClusterPolicyEndpoint>([], node.ip, ips);
  for (const { endpoint, target } of cluster.targets) {
    const draft = draftFor(drafts, identifierOf(target.name, target.namespace));
    draft.clusterParents.add(endpoint.parentKey);
    draft.targets.push(target);
    selected.add(`${target.namespace}/${target.name}`);
  }

  const reportInvalid = (cidr: string): void => {
    invalid.add(cidr);
  };
  const lpmContext: LpmContext = {
    behaviour,
    family: node.family,
    nodeIp,
    cidrs,
    reportInvalid,
    tables: (input.lpmCache ?? new LpmCache()).forNode(),
  };
  const cpContext = { behaviour, family: node.family, nodeIp, cidrs, reportInvalid };
  const peGroups = policy.byParent;
  const cpeGroups = cluster.byParent;
  const directionCache = new Map<string, ExpectedDirection>();
  const cpCache = new Map<string, { ingress: ExpectedCpEntry[]; egress: ExpectedCpEntry[] }>();
  const directionFor = (
    members: readonly IndexedEndpoint<PolicyEndpoint>[],
    direction: 'Ingress' | 'Egress',
  ): ExpectedDirection => {
    const listOf = (spec: PolicyEndpoint['spec']): readonly EndpointInfo[] =>
      (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
    const contributing = members.filter(({ object }) => listOf(object.spec).length > 0);
    const isolated = members.some(({ object }) => object.spec.podIsolation?.includes(direction) === true);
    const lists = contributing.map((member) => lpmContext.tables.listId(listOf(member.object.spec)));
    const key = `${direction}|${isolated}|${lists.join(',')}`;
    let computed = directionCache.get(key);
    if (computed === undefined) {
      computed = expectedDirection(
        contributing.map(({ object }) => listOf(object.spec)),
        isolated,
        lpmContext,
      );
      directionCache.set(key, computed);
    }
    return computed;
  };
  const lpmFor = (
    members: readonly IndexedEndpoint<PolicyEndpoint>[],
  ): { ingress: ExpectedDirection; egress: ExpectedDirection } => ({
    ingress: directionFor(members, 'Ingress'),
    egress: directionFor(members, 'Egress'),
  });

  const cpFor = (
    members: readonly IndexedEndpoint<ClusterPolicyEndpoint>[],
  ): { ingress: ExpectedCpEntry[]; egress: ExpectedCpEntry[] } => {
    const key = members.map((member) => member.index).join(',');
    const cached = cpCache.get(key);
    if (cached !== undefined) return cached;
    const sources = (direction: 'ingress' | 'egress'): CpRuleSource[] =>
      members.map(({ object }) => ({
        tier: object.spec.tier,
        priority: object.spec.priority,
        entries: object.spec[direction] ?? [],
      }));
    const computed = {
      ingress: members.length === 0 ? [] : computeCpEntries(sources('ingress'), cpContext),
      egress: members.length === 0 ? [] : computeCpEntries(sources('egress'), cpContext),
    };
    cpCache.set(key, computed);
    return computed;
  };

  const identifiers: ExpectedIdentifierState[] = [];
  for (const [identifier, draft] of [...drafts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const peMembers = membersOf(draft.policyParents, peGroups);
    const cpeMembers = membersOf(draft.clusterParents, cpeGroups);
    const pods = draft.pods.map((local) => expectedPod(local, selected, behaviour, input));
    const needsFilters = pods.some((pod) => pod.needsFilters);
    const podKeys = new Set(pods.map((pod) => `${pod.namespace}/${pod.name}`));
    identifiers.push({
      podIdentifier: identifier,
      pods,
      needsFilters,
      policyEndpoints: peMembers.map(({ object }) => `${object.metadata.namespace}/${object.metadata.name}`),
      clusterPolicyEndpoints: cpeMembers.map(({ object }) => object.metadata.name),
      maps: needsFilters
        ? expectedMaps(peMembers, cpeMembers, behaviour, input.enforcementMode, lpmFor, cpFor)
        : undefined,
      unmatchedTargets: uniqueTargets(
        draft.targets.filter((target) => !podKeys.has(`${target.namespace}/${target.name}`)),
      ),
    });
  }

  return {
    ok: true,
    value: {
      nodeName: input.nodeName,
      nodeIP: node.ip,
      ipFamily: node.family,
      enforcementMode: input.enforcementMode,
      behaviour,
      identifiers,
      invalidCidrs: [...invalid].sort(),
      assumptions: behaviour.assumptions,
    },
  };
}

function expectedPod(
  local: LocalPod,
  selected: ReadonlySet<string>,
  behaviour: AgentBehaviour,
  input: ExpectedNodeStateInput,
): ExpectedPod {
  const { namespace, name } = local.pod.metadata;
  const isSelected = selected.has(`${namespace}/${name}`);
  const everyPod =
    input.enforcementMode !== undefined && (behaviour.probesForEveryPod || input.enforcementMode === 'strict');
  return {
    namespace,
    name,
    podIP: local.podIP,
    vethName: hostVethName(namespace, name, input.sha1Hex),
    vlanVethName: behaviour.vethPrefixes.includes('vlan')
      ? hostVethName(namespace, name, input.sha1Hex, 'vlan')
      : undefined,
    selected: isSelected,
    needsFilters: everyPod || isSelected,
  };
}

function expectedMaps(
  peMembers: readonly IndexedEndpoint<PolicyEndpoint>[],
  cpeMembers: readonly IndexedEndpoint<ClusterPolicyEndpoint>[],
  behaviour: AgentBehaviour,
  mode: EnforcementMode | undefined,
  lpmFor: (members: readonly IndexedEndpoint<PolicyEndpoint>[]) => {
    ingress: ExpectedDirection;
    egress: ExpectedDirection;
  },
  cpFor: (members: readonly IndexedEndpoint<ClusterPolicyEndpoint>[]) => {
    ingress: ExpectedCpEntry[];
    egress: ExpectedCpEntry[];
  },
): ExpectedMaps {
  const empty: ExpectedDirection = { posture: 'no-policy', entries: [] };
  const lpm = peMembers.length > 0 ? lpmFor(peMembers) : { ingress: empty, egress: empty };
  const cp = behaviour.clusterPolicyMaps ? cpFor(cpeMembers) : undefined;
  const modeDefault: PodStateName = mode === 'strict' ? 'DEFAULT_DENY' : 'DEFAULT_ALLOW';
  return {
    ingress: lpm.ingress,
    egress: lpm.egress,
    podState: behaviour.podStateMaps
      ? {
          networkPolicy: peMembers.length > 0 ? 'POLICIES_APPLIED' : modeDefault,
          clusterPolicy: behaviour.clusterPolicyMaps
            ? cpeMembers.length > 0
              ? 'POLICIES_APPLIED'
              : 'DEFAULT_ALLOW'
            : undefined,
        }
      : undefined,
    cpIngress: cp?.ingress,
    cpEgress: cp?.egress,
  };
}

function uniqueTargets(targets: readonly PodEndpoint[]): PodEndpoint[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    const key = `${target.namespace}/${target.name}/${target.podIP}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
