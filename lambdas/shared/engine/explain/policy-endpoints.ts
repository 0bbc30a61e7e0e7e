import { cidrContains, parseCidr } from '../facts/cidr';
import { isHostNetwork, podIp } from '../control-plane/resolver/pods';
import type { EnforcementMode } from '../model/assessment';
import type { ClusterInventory } from '../model/cluster';
import type {
  ClusterPolicyAction,
  ClusterPolicyEndpoint,
  EndpointInfo,
  Pod,
  PodEndpoint,
  PolicyEndpoint,
} from '../model/kubernetes';
import { agentBehaviour } from '../facts/agent-behaviour';
import { isNodeIpKey, nodeIpDecider, nodeIpVerdict, selfVerdict, strictNodeIpNote } from './always-allowed';
import { podLabel, type DecidedBy, type NodeIpDecider, type SideQuestion, type SideVerdict } from './model';
import { describeEndpointPorts, endpointPortsMatch } from './ports';
import { tierWinner, type TierCandidate } from './tiers';

/** `podSelectorEndpoints` by `namespace/name` (the first listing wins), built once per list: Services ask per backend. */
const targetIndexes = new WeakMap<readonly PodEndpoint[], ReadonlyMap<string, PodEndpoint>>();

function targetIndex(endpoints: readonly PodEndpoint[]): ReadonlyMap<string, PodEndpoint> {
  let index = targetIndexes.get(endpoints);
  if (index === undefined) {
    const built = new Map<string, PodEndpoint>();
    for (const endpoint of endpoints) {
      const key = `${endpoint.namespace}/${endpoint.name}`;
      if (!built.has(key)) built.set(key, endpoint);
    }
    index = built;
    targetIndexes.set(endpoints, index);
  }
  return index;
}

function targets(endpoints: readonly PodEndpoint[] | null | undefined, pod: Pod): PodEndpoint | undefined {
  if (endpoints === null || endpoints === undefined) return undefined;
  return targetIndex(endpoints).get(podLabel(pod));
}

interface Chunk {
  readonly spec: {
    readonly policyRef: { readonly name: string };
    readonly podSelectorEndpoints?: PodEndpoint[] | null;
  };
}

/**
 * Every chunk of every policy with a chunk that lists the pod, as the agent groups them by policyRef (agent.md §2.8):
 * a policy split over several PolicyEndpoints lists the pod in one chunk and may carry its rules in another.
 */
function chunksApplyingTo<T extends Chunk>(chunks: readonly T[], pod: Pod): T[] {
  const policies = new Set(
    chunks.filter((chunk) => targets(chunk.spec.podSelectorEndpoints, pod) !== undefined).map(policyOf),
  );
  return chunks.filter((chunk) => policies.has(policyOf(chunk)));
}

function policyOf(chunk: Chunk): string {
  return chunk.spec.policyRef.name;
}

function entriesOf<T extends EndpointInfo>(
  spec: { ingress?: T[] | null; egress?: T[] | null },
  question: SideQuestion,
): T[] {
  return (question.side === 'ingress' ? spec.ingress : spec.egress) ?? [];
}

/** Prefix length of a CIDR or bare IP; -1 when unparsable (sorts last). */
function prefixLengthOf(cidr: string): number {
  return parseCidr(cidr)?.prefixLength ?? -1;
}

function peName(endpoint: PolicyEndpoint): string {
  return `PolicyEndpoint ${endpoint.metadata.namespace}/${endpoint.metadata.name}`;
}

/** `PolicyEndpoint ns/a` or, for a policy in several chunks, `PolicyEndpoints ns/a, ns/b (chunks of policy p)`. */
function describeChunks(endpoints: readonly PolicyEndpoint[]): string {
  const byPolicy = new Map<string, PolicyEndpoint[]>();
  for (const endpoint of endpoints)
    byPolicy.set(policyOf(endpoint), [...(byPolicy.get(policyOf(endpoint)) ?? []), endpoint]);
  return [...byPolicy.entries()]
    .map(([policy, chunks]) =>
      chunks.length === 1
        ? chunks.map(peName).join('')
        : `PolicyEndpoints ${chunks.map((chunk) => `${chunk.metadata.namespace}/${chunk.metadata.name}`).join(', ')} (chunks of policy ${policy})`,
    )
    .join(', ');
}

type CpeDecider = Extract<DecidedBy, { kind: 'ClusterPolicyEndpoint' }>;

function cpeTier(endpoint: ClusterPolicyEndpoint): 'Admin' | 'Baseline' | undefined {
  const tier = endpoint.spec.tier;
  return tier === 'Admin' || tier === 'Baseline' ? tier : undefined;
}

function cpeCandidates(
  tier: 'Admin' | 'Baseline',
  endpoints: readonly ClusterPolicyEndpoint[],
  question: SideQuestion,
): TierCandidate<CpeDecider>[] {
  const candidates: TierCandidate<CpeDecider>[] = [];
  for (const endpoint of endpoints) {
    if (cpeTier(endpoint) !== tier) continue;
    entriesOf(endpoint.spec, question).forEach((entry, index) => {
      if (entry.cidr === undefined || entry.cidr === '') return;
      if (!cidrContains(entry.cidr, question.peer.ip, entry.except ?? [])) return;
      if (!endpointPortsMatch(entry.ports, question.port, question.protocol)) return;
      const priority = endpoint.spec.priority ?? 0;
      candidates.push({
        priority,
        action: entry.action,
        source: {
          kind: 'ClusterPolicyEndpoint',
          name: endpoint.metadata.name,
          policyRef: endpoint.spec.policyRef.name,
          tier,
          priority,
          direction: question.side,
          entry: index + 1,
          cidr: entry.cidr,
          action: entry.action,
        },
      });
    });
  }
  return candidates;
}

function cpeVerdict(question: SideQuestion, decider: CpeDecider, action: ClusterPolicyAction): SideVerdict {
  return {
    side: question.side,
    pod: podLabel(question.subject),
    verdict: action === 'Accept' ? 'allow' : 'deny',
    reason:
      `${decider.tier} ClusterPolicyEndpoint ${decider.name} (of ${decider.policyRef}, priority ${decider.priority}) ` +
      `${question.side} entry #${decider.entry} ${decider.cidr}: ${action}`,
    decidedBy: decider,
  };
}

/**
 * The Admin tier. The cp node-IP entry (main after v1.4.1) ranks as an Admin Accept of priority 0 and its key holds
 * only entries written for exactly the node IP (agent.md §2.8).
 */
function adminVerdict(
  question: SideQuestion,
  clusterEndpoints: readonly ClusterPolicyEndpoint[],
  cpNodeIpEntry: boolean,
): SideVerdict | undefined {
  const nodeIp = cpNodeIpEntry && clusterEndpoints.length > 0 ? nodeIpDecider(question, 'Admin') : undefined;
  const entries = cpeCandidates('Admin', clusterEndpoints, question).filter(
    (candidate) => nodeIp === undefined || isNodeIpKey(question, candidate.source.cidr),
  );
  const winner = tierWinner<CpeDecider | NodeIpDecider>([
    ...(nodeIp === undefined ? [] : [{ priority: 0, action: 'Accept' as const, source: nodeIp }]),
    ...entries,
  ]);
  if (winner === undefined || winner.action === 'Pass') return undefined;
  return winner.source.kind === 'node-ip'
    ? nodeIpVerdict(question, winner.source)
    : cpeVerdict(question, winner.source, winner.action);
}

interface EntryHit {
  readonly endpoint: PolicyEndpoint;
  readonly entry: EndpointInfo & { cidr: string };
  readonly index: number;
}

/**
 * The question answered from the PolicyEndpoints alone, read as the agent reads them (agent.md §2.8): a side is
 * enforced when a PE targeting the pod isolates it or carries entries for it; then an entry whose CIDR holds the
 * peer IP (outside its excepts) with a matching port allows. The longest matching prefix is reported.
 */
export function policyEndpointSide(
  question: SideQuestion,
  inventory: ClusterInventory,
  mode: EnforcementMode | undefined,
  agentVersion: string | undefined,
): SideVerdict {
  const pod = podLabel(question.subject);
  const base = { side: question.side, pod };
  const self = selfVerdict(question, 'policies');
  if (self !== undefined) return self;
  if (isHostNetwork(question.subject)) {
    return { ...base, verdict: 'allow', reason: `${pod} uses hostNetwork: no PolicyEndpoint targets it` };
  }
  const clusterEndpoints = chunksApplyingTo(inventory.clusterPolicyEndpoints, question.subject);
  const admin = adminVerdict(question, clusterEndpoints, agentBehaviour(agentVersion).cpNodeIpEntry);
  if (admin !== undefined) return admin;

  const policyType = question.side === 'ingress' ? 'Ingress' : 'Egress';
  const endpoints = chunksApplyingTo(
    inventory.policyEndpoints.filter((endpoint) => endpoint.metadata.namespace === question.subject.metadata.namespace),
    question.subject,
  );
  const staleIps = endpoints.flatMap((endpoint) => {
    const target = targets(endpoint.spec.podSelectorEndpoints, question.subject);
    return target !== undefined && target.podIP !== podIp(question.subject)
      ? [`${peName(endpoint)} lists ${pod} with podIP ${target.podIP}, the pod has ${podIp(question.subject)}`]
      : [];
  });
  const staleNote = staleIps.length === 0 ? '' : ` [${staleIps.join('; ')}]`;
  const enforcing = endpoints.filter(
    (endpoint) =>
      (endpoint.spec.podIsolation ?? []).includes(policyType) ||
      entriesOf(endpoint.spec, question).some((entry) => entry.cidr !== undefined && entry.cidr !== ''),
  );

  const nodeIp = nodeIpDecider(question, 'NetworkPolicy');
  if (enforcing.length > 0 && nodeIp !== undefined) return nodeIpVerdict(question, nodeIp);
  if (enforcing.length > 0) {
    const hits: EntryHit[] = [];
    const excluded: string[] = [];
    for (const endpoint of enforcing) {
      entriesOf(endpoint.spec, question).forEach((entry, index) => {
        if (entry.cidr === undefined || entry.cidr === '') return;
        if (!cidrContains(entry.cidr, question.peer.ip)) return;
        if (!cidrContains(entry.cidr, question.peer.ip, entry.except ?? [])) {
          excluded.push(`${peName(endpoint)} ${question.side}[${index + 1}] ${entry.cidr} excepts it`);
          return;
        }
        if (!endpointPortsMatch(entry.ports, question.port, question.protocol)) {
          excluded.push(
            `${peName(endpoint)} ${question.side}[${index + 1}] ${entry.cidr} allows only ${describeEndpointPorts(entry.ports)}`,
          );
          return;
        }
        hits.push({ endpoint, entry: { ...entry, cidr: entry.cidr }, index });
      });
    }
    const best = hits.sort((a, b) => prefixLengthOf(b.entry.cidr) - prefixLengthOf(a.entry.cidr))[0];
    if (best !== undefined) {
      return {
        ...base,
        verdict: 'allow',
        reason:
          `${peName(best.endpoint)} ${question.side}[${best.index + 1}] ${best.entry.cidr} ` +
          `(${describeEndpointPorts(best.entry.ports)}) contains ${question.peer.ip}${staleNote}`,
        decidedBy: {
          kind: 'PolicyEndpoint',
          namespace: best.endpoint.metadata.namespace,
          name: best.endpoint.metadata.name,
          policyRef: `${best.endpoint.spec.policyRef.namespace}/${best.endpoint.spec.policyRef.name}`,
          direction: question.side,
          entry: best.index + 1,
          cidr: best.entry.cidr,
          ...(best.entry.except === undefined || best.entry.except === null ? {} : { except: best.entry.except }),
        },
      };
    }
    const first = enforcing[0];
    return {
      ...base,
      verdict: 'deny',
      reason:
        `${question.side} of ${pod} is enforced by ${describeChunks(enforcing)} and no ${question.side} entry ` +
        `holds ${question.peer.ip} for ${question.protocol}/${question.port}` +
        `${excluded.length === 0 ? '' : ` (${excluded.join('; ')})`}${staleNote}`,
      ...(first === undefined
        ? {}
        : {
            decidedBy: {
              kind: 'PolicyEndpoint',
              namespace: first.metadata.namespace,
              name: first.metadata.name,
              policyRef: `${first.spec.policyRef.namespace}/${first.spec.policyRef.name}`,
              direction: question.side,
            },
          }),
    };
  }

  const baseline = tierWinner(cpeCandidates('Baseline', clusterEndpoints, question));
  if (baseline !== undefined && baseline.action !== 'Pass')
    return cpeVerdict(question, baseline.source, baseline.action);

  if (mode === 'strict' && endpoints.length === 0) {
    return {
      ...base,
      verdict: 'deny',
      reason: `strict mode: no PolicyEndpoint targets ${pod}, so its traffic is denied by default${strictNodeIpNote(question)}`,
      decidedBy: { kind: 'default', detail: 'strict mode default deny' },
    };
  }
  const why =
    endpoints.length === 0
      ? `no PolicyEndpoint targets ${pod}`
      : `${describeChunks(endpoints)} neither isolate ${question.side} nor carry ${question.side} entries`;
  return {
    ...base,
    verdict: 'allow',
    reason: `${question.side} of ${pod} is not enforced: ${why}${staleNote}`,
    decidedBy: { kind: 'default', detail: 'not isolated' },
  };
}
