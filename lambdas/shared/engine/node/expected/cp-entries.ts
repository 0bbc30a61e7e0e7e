import type { ClusterEndpointInfo, ClusterPolicyAction } from '../../model/kubernetes';
import type { AgentBehaviour } from '../../facts/agent-behaviour';
import type { NetworkKey, ParsedCidr } from '../../facts/cidr';
import { finishEntries, writeDraft, type DraftEntry, type ExpectedCpEntry, type NodeRuleContext } from './map-entry';
import { IpProtocol, protocolNumber, type CpPortSlot } from './slots';

const ACTION_CODE: Readonly<Record<ClusterPolicyAction, number>> = { Deny: 0, Accept: 1, Pass: 2 };
const BASELINE_OFFSET = 2000;
/** `0*10 + Accept` of the node-IP entry main writes (PR #636). */
const NODE_IP_PRIORITY = 1;

export interface CpContext extends NodeRuleContext {
  readonly behaviour: Pick<AgentBehaviour, 'canonicalisesCidrs' | 'cpNodeIpEntry' | 'slotLimit'>;
}

/** The rules of one ClusterPolicyEndpoint in one direction, with the tier and priority they carry. */
export interface CpRuleSource {
  readonly tier: string | undefined;
  readonly priority: number | undefined;
  readonly entries: readonly ClusterEndpointInfo[];
}

/**
 * Slot priority `p*10 + action` (agent.md §2.3): Baseline adds 2000 to p. A missing tier counts as Admin and a
 * missing priority as 0 (the CRD requires both; hand-made snapshots may omit them).
 */
export function cpSlotPriority(
  tier: string | undefined,
  priority: number | undefined,
  action: ClusterPolicyAction,
): number {
  const offset = tier?.toLowerCase() === 'baseline' ? BASELINE_OFFSET : 0;
  return ((priority ?? 0) + offset) * 10 + ACTION_CODE[action];
}

interface CpRule {
  readonly cidr: ParsedCidr;
  readonly slots: readonly CpPortSlot[];
}

interface CpGroup {
  readonly cidr: ParsedCidr;
  readonly key: NetworkKey;
  readonly slots: CpPortSlot[];
}

function slotsOf(entry: ClusterEndpointInfo, priority: number): CpPortSlot[] {
  const ports = entry.ports ?? [];
  if (ports.length === 0) return [{ protocol: IpProtocol.ANY, priority, startPort: 0, endPort: 0 }];
  return ports.map((port) => ({
    protocol: protocolNumber(port.protocol, 'TCP'),
    priority,
    startPort: port.port ?? 0,
    endPort: port.endPort ?? 0,
  }));
}

/**
 * `ComputeClusterPolicyMapEntriesFromEndpointRules` (agent.md §2.8): CIDRs sorted by prefix length; a new CIDR
 * first copies the slots of the most specific earlier CIDR that contains it, then adds its own; same CIDR
 * merges. Nil protocol = TCP. main after v1.4.1 starts with `nodeIP/32 → {ANY, 1}`.
 */
export function computeCpEntries(sources: readonly CpRuleSource[], context: CpContext): ExpectedCpEntry[] {
  const rules = prepare(sources, context);
  const canonicalise = context.behaviour.canonicalisesCidrs;
  const keyOf = (cidr: ParsedCidr): NetworkKey => (canonicalise ? cidr.networkKey : cidr.writtenKey);
  const groups = new Map<NetworkKey, CpGroup>();
  const byNetwork = new Map<NetworkKey, CpGroup[]>();
  const lengths: number[] = [];
  const byLastOccurrence = new Set<CpGroup>();
  let nodeGroup: CpGroup | undefined;
  if (context.behaviour.cpNodeIpEntry) {
    const node = context.nodeIp;
    nodeGroup = {
      cidr: node,
      key: keyOf(node),
      slots: [{ protocol: IpProtocol.ANY, priority: NODE_IP_PRIORITY, startPort: 0, endPort: 0 }],
    };
    groups.set(nodeGroup.key, nodeGroup);
  }
  for (const rule of rules) {
    const key = keyOf(rule.cidr);
    let group = groups.get(key);
    if (group === undefined) {
      const container = mostSpecificContainer(rule.cidr, byNetwork, lengths);
      group = { cidr: rule.cidr, key, slots: [...(container?.slots ?? []), ...rule.slots] };
      groups.set(key, group);
      const list = byNetwork.get(rule.cidr.networkKey);
      if (list === undefined) byNetwork.set(rule.cidr.networkKey, [group]);
      else list.push(group);
      if (lengths.at(-1) !== rule.cidr.prefixLength) lengths.push(rule.cidr.prefixLength);
    } else {
      group.slots.push(...rule.slots);
    }
    byLastOccurrence.delete(group);
    byLastOccurrence.add(group);
  }
  const drafts = new Map<NetworkKey, DraftEntry<CpPortSlot, 'node-ip' | 'rule'>>();
  if (nodeGroup !== undefined) {
    writeDraft(drafts, { cidr: nodeGroup.cidr, origin: 'node-ip', slots: nodeGroup.slots, writer: nodeGroup });
  }
  for (const group of byLastOccurrence) {
    if (group === nodeGroup) continue;
    writeDraft(drafts, { cidr: group.cidr, origin: 'rule', slots: group.slots, writer: group });
  }
  return finishEntries(drafts.values(), context.behaviour.slotLimit);
}

/** Prefixes up to the rule's own length are the same for the written and the canonical address. */
function mostSpecificContainer(
  cidr: ParsedCidr,
  byNetwork: ReadonlyMap<NetworkKey, readonly CpGroup[]>,
  lengths: readonly number[],
): CpGroup | undefined {
  for (let i = lengths.length - 1; i >= 0; i--) {
    const length = lengths[i];
    if (length === undefined || length > cidr.prefixLength) continue;
    const last = byNetwork.get(cidr.prefixKey(length))?.at(-1);
    if (last !== undefined) return last;
  }
  return undefined;
}

function prepare(sources: readonly CpRuleSource[], context: CpContext): CpRule[] {
  const rules: CpRule[] = [];
  for (const source of sources) {
    for (const entry of source.entries) {
      if (entry.cidr === undefined || entry.cidr.trim() === '') continue;
      const cidr = context.cidrs.parse(entry.cidr);
      if (cidr === undefined) {
        context.reportInvalid(entry.cidr);
        continue;
      }
      if (cidr.family !== context.family) continue;
      rules.push({ cidr, slots: slotsOf(entry, cpSlotPriority(source.tier, source.priority, entry.action)) });
    }
  }
  return rules.sort((a, b) => a.cidr.prefixLength - b.cidr.prefixLength);
}
