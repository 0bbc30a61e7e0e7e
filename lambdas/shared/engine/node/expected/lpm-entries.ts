import type { EndpointInfo } from '../../model/kubernetes';
import type { AgentBehaviour } from '../../facts/agent-behaviour';
import type { NetworkKey, ParsedCidr } from '../../facts/cidr';
import type { LpmTables } from './lpm-cache';
import {
  finishEntries,
  writeDraft,
  type DraftEntry,
  type ExpectedLpmEntry,
  type LpmEntryOrigin,
  type NodeRuleContext,
} from './map-entry';
import { ANY_SLOT, fitSlots, IpProtocol, RESERVED_SLOT, type FittedSlots, type PortSlot } from './slots';

export interface LpmContext extends NodeRuleContext {
  readonly behaviour: Pick<AgentBehaviour, 'ruleAlgorithm' | 'canonicalisesCidrs' | 'slotLimit'>;
  /** Memo tables of this node computation, from the audit's {@link LpmCache}. */
  readonly tables: LpmTables;
}

/** How a direction is programmed: its rules, deny-all but the node IP, the agent's catch-all, or empty (no PE). */
export type DirectionPosture = 'rules' | 'isolated' | 'catch-all' | 'no-policy';

export interface ExpectedDirection {
  readonly posture: DirectionPosture;
  readonly entries: readonly ExpectedLpmEntry[];
}

export interface PreparedRule {
  /** Unique within a context: identifies the rule in memo keys. */
  readonly id: number;
  readonly cidr: ParsedCidr;
  readonly except: readonly ParsedCidr[];
  readonly slots: readonly PortSlot[];
  readonly origin: 'rule' | 'catch-all';
}

interface RuleGroup {
  readonly cidr: ParsedCidr;
  readonly key: NetworkKey;
  readonly origin: 'rule' | 'catch-all';
  /** Own ports of every rule on this CIDR plus the inherited ones: what the key holds. */
  slots: readonly PortSlot[];
  excepts: readonly ParsedCidr[];
  /** Position of the last rule on this CIDR: the agent's last write to the key. */
  lastOrder: number;
  /** Host keys inherit once every broader CIDR is known (all of them sort earlier). */
  inheritancePending: boolean;
}

const NO_SLOTS: readonly PortSlot[] = [];
const NO_EXCEPTS: readonly string[] = [];
const NO_PARSED: readonly ParsedCidr[] = [];

/**
 * Expected `ingress_map`/`egress_map` of an identifier in one direction, from the endpoint lists of every
 * PolicyEndpoint merged for it. Entries without a CIDR (FQDN) are skipped; no rule left + isolated = node IP
 * only; no rule and not isolated = catch-all `0.0.0.0/0` (`::/0`) ANY.
 */
export function expectedDirection(
  endpointLists: readonly (readonly EndpointInfo[])[],
  isolated: boolean,
  context: LpmContext,
): ExpectedDirection {
  const hasRules = endpointLists.some((list) => list.some((endpoint) => (endpoint.cidr ?? '').trim() !== ''));
  if (hasRules) return { posture: 'rules', entries: computeLpmEntriesOf(endpointLists, context) };
  if (isolated) return { posture: 'isolated', entries: computeLpmEntriesOf([], context) };
  const catchAll = context.family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  return { posture: 'catch-all', entries: computeLpmEntriesOf([[{ cidr: catchAll }]], context, 'catch-all') };
}

const BULK_MINIMUM = 32;

function prepareOne(endpoint: EndpointInfo, context: LpmContext, origin: 'rule' | 'catch-all'): PreparedRule | null {
  const { cidrs, family, nodeIp } = context;
  if (endpoint.cidr === undefined) return null;
  const cidr = cidrs.parse(endpoint.cidr);
  if (cidr === undefined) {
    context.reportInvalid(endpoint.cidr);
    return null;
  }
  if (cidr.family !== family) return null;
  if (nodeIp.containsAddressOf(cidr, context.behaviour.canonicalisesCidrs)) return null;
  let except: ParsedCidr[] | undefined;
  for (const raw of endpoint.except ?? NO_EXCEPTS) {
    const parsed = cidrs.parse(raw);
    if (parsed === undefined) context.reportInvalid(raw);
    else if (parsed.family === family) (except ??= []).push(parsed);
  }
  return {
    id: context.tables.nextRuleId(),
    cidr,
    except: except ?? NO_PARSED,
    slots: context.tables.ownSlots(endpoint.ports),
    origin,
  };
}

/** One PolicyEndpoint's endpoint list, prepared once per node computation. */
export interface PreparedList {
  /** Sorted by prefix length (stable). */
  readonly all: readonly PreparedRule[];
  readonly nonHost: readonly PreparedRule[];
  readonly hosts: readonly PreparedRule[];
  /** Position in `hosts` per host key; `undefined` when the list repeats a host CIDR. */
  readonly hostKeys: ReadonlyMap<NetworkKey, number> | undefined;
  /** Finished host entries of the list per non-host signature (see `computeLpmEntriesOf`). */
  readonly hostEntries: Map<string, readonly ExpectedLpmEntry[]>;
}

function groupKey(cidr: ParsedCidr, context: LpmContext): NetworkKey {
  return context.behaviour.canonicalisesCidrs ? cidr.networkKey : cidr.writtenKey;
}

function prepareList(
  endpoints: readonly EndpointInfo[],
  context: LpmContext,
  origin: 'rule' | 'catch-all',
): PreparedList {
  const { prepared } = context.tables;
  const key = context.tables.listId(endpoints) * 2 + (origin === 'catch-all' ? 1 : 0);
  const known = prepared.get(key);
  if (known !== undefined) return known;
  const all: PreparedRule[] = [];
  let sorted = true;
  for (const endpoint of endpoints) {
    const rule = prepareOne(endpoint, context, origin);
    if (rule === null) continue;
    const previous = all.at(-1);
    if (previous !== undefined && previous.cidr.prefixLength > rule.cidr.prefixLength) sorted = false;
    all.push(rule);
  }
  if (!sorted) all.sort((a, b) => a.cidr.prefixLength - b.cidr.prefixLength);
  const hosts: PreparedRule[] = [];
  const nonHost: PreparedRule[] = [];
  const hostKeys = new Map<NetworkKey, number>();
  for (const rule of all) {
    if (!rule.cidr.isHost) {
      nonHost.push(rule);
      continue;
    }
    hostKeys.set(groupKey(rule.cidr, context), hosts.length);
    hosts.push(rule);
  }
  const list: PreparedList = {
    all,
    nonHost,
    hosts,
    hostKeys: hostKeys.size === hosts.length ? hostKeys : undefined,
    hostEntries: new Map(),
  };
  prepared.set(key, list);
  return list;
}

/** The agent's stable sort by prefix length over the concatenation of the lists' sorted runs. */
function mergeRuns(runs: readonly (readonly PreparedRule[])[]): readonly PreparedRule[] {
  if (runs.length === 1) return runs[0] ?? [];
  return runs.flat().sort((a, b) => a.cidr.prefixLength - b.cidr.prefixLength);
}

function prepare(
  endpointLists: readonly (readonly EndpointInfo[])[],
  context: LpmContext,
  origin: 'rule' | 'catch-all',
): readonly PreparedRule[] {
  return mergeRuns(endpointLists.map((list) => prepareList(list, context, origin).all));
}

interface Bulk {
  readonly list: PreparedList;
  /** Positions of its host rules that other lists also write: those go through the general path. */
  readonly overlap: ReadonlySet<number>;
}

/**
 * The largest list, when its host keys can be taken in bulk: a host key written by that list alone holds the
 * rule's slots plus what it inherits from the non-host rules, whatever the other host rules are.
 */
function bulkCandidate(lists: readonly PreparedList[], context: LpmContext): Bulk | undefined {
  let largest: PreparedList | undefined;
  for (const list of lists) if (list.hosts.length > (largest?.hosts.length ?? 0)) largest = list;
  const keys = largest?.hostKeys;
  if (largest === undefined || keys === undefined || largest.hosts.length < BULK_MINIMUM) return undefined;
  const overlap = new Set<number>();
  for (const list of lists) {
    if (list === largest) continue;
    for (const rule of list.hosts) {
      const position = keys.get(groupKey(rule.cidr, context));
      if (position !== undefined) overlap.add(position);
    }
  }
  return { list: largest, overlap };
}

/** Groups by CIDR and inherits the ports of broader non-host CIDRs (§2.8 steps 3e/3f). */
class GroupIndex {
  readonly groups = new Map<NetworkKey, RuleGroup>();
  private readonly nonHost = new Map<NetworkKey, RuleGroup[]>();
  private readonly lengths: number[] = [];
  private order = 0;

  constructor(
    private readonly canonicalise: boolean,
    private readonly honourExcepts: boolean,
    private readonly skipCatchAll: boolean,
  ) {}

  keyOf(cidr: ParsedCidr): NetworkKey {
    return this.canonicalise ? cidr.networkKey : cidr.writtenKey;
  }

  has(cidr: ParsedCidr): boolean {
    return this.groups.has(this.keyOf(cidr));
  }

  /** Ports a key inherits from the broader non-host CIDRs added so far. */
  inheritedFor(cidr: ParsedCidr): readonly PortSlot[] {
    return this.inheritedPorts(cidr);
  }

  add(rule: PreparedRule): RuleGroup {
    const key = this.keyOf(rule.cidr);
    const order = this.order++;
    const existing = this.groups.get(key);
    if (existing !== undefined) {
      existing.slots = existing.slots.concat(rule.slots);
      if (rule.except.length > 0) existing.excepts = existing.excepts.concat(rule.except);
      existing.lastOrder = order;
      return existing;
    }
    const deferred = rule.cidr.isHost;
    const inherited = deferred ? NO_SLOTS : this.inheritedPorts(rule.cidr);
    const group: RuleGroup = {
      cidr: rule.cidr,
      key,
      origin: rule.origin,
      slots: inherited.length === 0 ? rule.slots : rule.slots.concat(inherited),
      excepts: rule.except,
      lastOrder: order,
      inheritancePending: deferred,
    };
    this.groups.set(key, group);
    if (!rule.cidr.isHost) {
      const list = this.nonHost.get(rule.cidr.networkKey);
      if (list === undefined) this.nonHost.set(rule.cidr.networkKey, [group]);
      else list.push(group);
      if (this.lengths.at(-1) !== rule.cidr.prefixLength) this.lengths.push(rule.cidr.prefixLength);
    }
    return group;
  }

  /** Slots of the group, resolving deferred host inheritance. */
  slotsOf(group: RuleGroup): readonly PortSlot[] {
    if (group.inheritancePending) {
      group.inheritancePending = false;
      const inherited = this.inheritedPorts(group.cidr);
      if (inherited.length > 0) group.slots = group.slots.concat(inherited);
    }
    return group.slots;
  }

  /** Groups in the order of their last write; needed only when differently written CIDRs share a key. */
  inWriteOrder(): RuleGroup[] {
    const groups = [...this.groups.values()];
    return this.canonicalise ? groups : groups.sort((a, b) => a.lastOrder - b.lastOrder);
  }

  private inheritedPorts(cidr: ParsedCidr): readonly PortSlot[] {
    let inherited: PortSlot[] | undefined;
    for (const length of this.lengths) {
      if (length > cidr.prefixLength) break;
      const candidates = this.nonHost.get(cidr.prefixKey(length));
      if (candidates === undefined) continue;
      for (const broader of candidates) {
        if (this.skipCatchAll && broader.cidr.prefixLength === 0) continue;
        if (this.honourExcepts && broader.excepts.some((except) => except.containsAddressOf(cidr, this.canonicalise))) {
          continue;
        }
        inherited ??= [];
        for (const slot of broader.slots) inherited.push(slot);
      }
    }
    return inherited ?? NO_SLOTS;
  }
}

/** `ComputeMapEntriesFromEndpointRules` for the agent version in `context` (agent.md §2.8). */
export function computeLpmEntries(endpoints: readonly EndpointInfo[], context: LpmContext): ExpectedLpmEntry[] {
  return computeLpmEntriesOf([endpoints], context);
}

function computeLpmEntriesOf(
  endpointLists: readonly (readonly EndpointInfo[])[],
  context: LpmContext,
  origin: 'rule' | 'catch-all' = 'rule',
): ExpectedLpmEntry[] {
  const drafts = new Map<NetworkKey, DraftEntry<PortSlot, LpmEntryOrigin, PreparedRule>>();
  writeDraft(drafts, { cidr: context.nodeIp, origin: 'node-ip', slots: [ANY_SLOT], writer: 'node-ip' });
  if (context.behaviour.ruleAlgorithm === 'legacy') {
    writeLegacy(prepare(endpointLists, context, origin), drafts);
    return finishEntries(drafts.values(), context.behaviour.slotLimit);
  }
  const lists = endpointLists.map((list) => prepareList(list, context, origin));
  const bulk = bulkCandidate(lists, context);
  const runs = lists.map((list) => (list === bulk?.list ? list.nonHost : list.all));
  if (bulk !== undefined && bulk.overlap.size > 0) {
    runs.push(bulk.list.hosts.filter((_, position) => bulk.overlap.has(position)));
  }
  const rules = mergeRuns(runs);
  const signature = rules
    .filter((rule) => !rule.cidr.isHost)
    .map((rule) => rule.id)
    .join(',');
  const hostEntries = context.tables.hostEntries(signature);
  const { index, reused } = writeCurrent(rules, context, drafts, hostEntries, bulk?.list.hostKeys);
  const entries = finishEntries(drafts.values(), context.behaviour.slotLimit, (rule: PreparedRule, entry) => {
    hostEntries.set(rule, entry);
  });
  for (const entry of reused) entries.push(entry);
  if (bulk === undefined) return entries;
  let bulkEntries = bulk.list.hostEntries.get(signature);
  if (bulkEntries === undefined) {
    bulkEntries = bulk.list.hosts.map((rule) => hostEntry(rule, index, context));
    bulk.list.hostEntries.set(signature, bulkEntries);
  }
  const { overlap } = bulk;
  return entries.concat(overlap.size === 0 ? bulkEntries : bulkEntries.filter((_, position) => !overlap.has(position)));
}

function hostEntry(rule: PreparedRule, index: GroupIndex, context: LpmContext): ExpectedLpmEntry {
  const inherited = index.inheritedFor(rule.cidr);
  const fit =
    inherited.length === 0
      ? context.tables.fittedOnce(rule.slots, (slots) => fitted(slots, context))
      : fitted(rule.slots.concat(inherited), context);
  return {
    cidr: rule.cidr.canonical,
    origin: rule.origin,
    ports: fit.ports,
    truncated: fit.droppedPorts.length > 0,
    droppedPorts: fit.droppedPorts,
    orderDependent: false,
  };
}

/** `fitSlots`, with the kept slots interned when nothing was dropped. */
function fitted(slots: readonly PortSlot[], context: LpmContext): FittedSlots<PortSlot> {
  const fit = fitSlots(slots, context.behaviour.slotLimit);
  return fit.droppedPorts.length === 0
    ? { ports: context.tables.internPorts(fit.ports), droppedPorts: fit.droppedPorts }
    : fit;
}

/**
 * v1.2.4+: one write per CIDR, then RESERVED keys for excepts that are not keys yet. Host keys written by a
 * single rule reuse the entry memoised for the same non-host rules; they are returned apart from the drafts.
 */
function writeCurrent(
  rules: readonly PreparedRule[],
  context: LpmContext,
  drafts: Map<NetworkKey, DraftEntry<PortSlot, LpmEntryOrigin, PreparedRule>>,
  hostEntries: ReadonlyMap<PreparedRule, ExpectedLpmEntry>,
  bulkKeys: ReadonlyMap<NetworkKey, number> | undefined,
): { index: GroupIndex; reused: ExpectedLpmEntry[] } {
  const index = new GroupIndex(context.behaviour.canonicalisesCidrs, true, false);
  const hosts = new Map<NetworkKey, PreparedRule | RuleGroup>();
  for (const rule of rules) {
    if (!rule.cidr.isHost) {
      index.add(rule);
      continue;
    }
    const key = index.keyOf(rule.cidr);
    const seen = hosts.get(key);
    if (seen === undefined) hosts.set(key, rule);
    else if ('id' in seen) {
      index.add(seen);
      hosts.set(key, index.add(rule));
    } else index.add(rule);
  }
  const groups = index.inWriteOrder();
  for (const group of groups) {
    writeDraft(drafts, { cidr: group.cidr, origin: group.origin, slots: index.slotsOf(group), writer: group });
  }
  const singles: PreparedRule[] = [];
  for (const seen of hosts.values()) if ('id' in seen) singles.push(seen);
  const reused: ExpectedLpmEntry[] = [];
  for (const rule of singles) {
    const memoised = hostEntries.get(rule);
    if (memoised !== undefined) {
      reused.push(memoised);
      continue;
    }
    const inherited = index.inheritedFor(rule.cidr);
    const slots = inherited.length === 0 ? rule.slots : rule.slots.concat(inherited);
    writeDraft(drafts, { cidr: rule.cidr, origin: rule.origin, slots, writer: rule, memoKey: rule });
  }
  const writeExcepts = (excepts: readonly ParsedCidr[]): void => {
    for (const except of excepts) {
      const key = index.keyOf(except);
      if (!drafts.has(except.networkKey) && !hosts.has(key) && bulkKeys?.has(key) !== true) {
        writeDraft(drafts, { cidr: except, origin: 'except', slots: [RESERVED_SLOT], writer: 'except' });
      }
    }
  };
  for (const group of groups) writeExcepts(group.excepts);
  for (const rule of singles) writeExcepts(rule.except);
  return { index, reused };
}

/**
 * ≤ v1.2.3: catch-all ports appended to every key, inheritance ignoring excepts, and every except key written
 * with its rule's own slots, protocols forced to RESERVED, overwriting whatever the key held ("always
 * overwriting", so excepts are written after the rule keys).
 */
function writeLegacy(
  rules: readonly PreparedRule[],
  drafts: Map<NetworkKey, DraftEntry<PortSlot, LpmEntryOrigin>>,
): void {
  const catchAllSlots = rules.filter((rule) => rule.cidr.prefixLength === 0).flatMap((rule) => rule.slots);
  const index = new GroupIndex(false, false, true);
  const exceptWrites: (() => void)[] = [];
  for (const rule of rules) {
    const group = index.add(rule);
    const slots = rule.cidr.prefixLength === 0 ? catchAllSlots : index.slotsOf(group).concat(catchAllSlots);
    writeDraft(drafts, { cidr: group.cidr, origin: group.origin, slots, writer: group });
    const reserved = rule.slots.map((slot) => ({ ...slot, protocol: IpProtocol.RESERVED }));
    for (const except of rule.except) {
      exceptWrites.push(() => {
        writeDraft(drafts, { cidr: except, origin: 'except', slots: reserved, writer: 'except' });
      });
    }
  }
  for (const write of exceptWrites) write();
}
