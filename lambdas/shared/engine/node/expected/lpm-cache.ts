import type { EndpointInfo, EndpointPort } from '../../model/kubernetes';
import type { PreparedList, PreparedRule } from './lpm-entries';
import type { ExpectedLpmEntry } from './map-entry';
import { protocolNumber, slotKey, slotsOfEndpointPorts, type FittedSlots, type PortSlot } from './slots';

/**
 * Memo tables of the LPM expectation for one audit: create one per audit and pass it to every node computation.
 * Prepared rules depend on the node (its IP, family, agent profile and invalid-CIDR report), so each node
 * computation gets its own tables from {@link LpmCache.forNode}; rule and list ids stay unique across the audit.
 */
export class LpmCache {
  private ruleIds = 0;
  private listIds = 0;

  forNode(): LpmTables {
    return new LpmTables(
      () => this.ruleIds++,
      () => this.listIds++,
    );
  }
}

/** Interned slot lists as a trie over `slotKey`s. */
interface PortListNode {
  list: readonly PortSlot[] | undefined;
  readonly next: Map<string | number, PortListNode>;
}

interface ListEntry {
  readonly endpoints: readonly EndpointInfo[];
  readonly id: number;
}

const NO_EXCEPTS: readonly string[] = [];
const NO_PORTS: readonly EndpointPort[] = [];

/** The memo tables of one node computation (see {@link LpmCache}). */
export class LpmTables {
  /** Prepared list by `listId * 2 + (origin === 'catch-all' ? 1 : 0)`. */
  readonly prepared = new Map<number, PreparedList>();
  private readonly slots = new Map<number, PortSlot>();
  private readonly lists: PortListNode = { list: undefined, next: new Map() };
  private readonly fitted = new Map<readonly PortSlot[], FittedSlots<PortSlot>>();
  private readonly listIds = new WeakMap<readonly EndpointInfo[], number>();
  /** By length and first, middle and last CIDR; candidates are compared in full. */
  private readonly listsByFingerprint = new Map<string, ListEntry[]>();
  /**
   * Finished host-key entries per set of non-host rules: a /32 (/128) key written by one rule holds its own slots
   * plus what it inherits from the non-host rules, so identifiers that share those reuse the entry.
   */
  private readonly hostEntriesBySignature = new Map<string, Map<PreparedRule, ExpectedLpmEntry>>();

  constructor(
    readonly nextRuleId: () => number,
    private readonly nextListId: () => number,
  ) {}

  /** A rule's own slots (`slotsOfEndpointPorts`), one shared array per distinct port list. */
  ownSlots(ports: readonly EndpointPort[] | null | undefined): readonly PortSlot[] {
    if (ports === null || ports === undefined || ports.length === 0) return slotsOfEndpointPorts(ports);
    let node = this.lists;
    for (const port of ports) {
      const protocol = protocolNumber(port.protocol, 'ANY');
      node = childOf(node, (protocol * 0x10000 + (port.port ?? 0)) * 0x10000 + (port.endPort ?? 0));
    }
    const known = node.list;
    if (known !== undefined && sameSlotsAsPorts(known, ports)) return known;
    const slots = slotsOfEndpointPorts(ports, this.slots);
    node.list ??= slots;
    return slots;
  }

  /** Identical slot lists of host keys share one array: a node holds thousands of keys with a few port sets. */
  internPorts(ports: readonly PortSlot[]): readonly PortSlot[] {
    let node = this.lists;
    for (const slot of ports) node = childOf(node, slotKey(slot));
    return (node.list ??= ports);
  }

  /** `fit(slots)` once per slot array: rules share their own slot arrays (see `ownSlots`). */
  fittedOnce(
    slots: readonly PortSlot[],
    fit: (slots: readonly PortSlot[]) => FittedSlots<PortSlot>,
  ): FittedSlots<PortSlot> {
    let known = this.fitted.get(slots);
    if (known === undefined) {
      known = fit(slots);
      this.fitted.set(slots, known);
    }
    return known;
  }

  /** Identity of a list's rules: lists with equal contents (different PolicyEndpoints) share one id. */
  listId(endpoints: readonly EndpointInfo[]): number {
    const known = this.listIds.get(endpoints);
    if (known !== undefined) return known;
    const middle = endpoints[endpoints.length >> 1]?.cidr ?? '';
    const key = `${endpoints.length}|${endpoints[0]?.cidr ?? ''}|${middle}|${endpoints.at(-1)?.cidr ?? ''}`;
    const candidates = this.listsByFingerprint.get(key);
    let id = candidates?.find((candidate) => sameEndpoints(candidate.endpoints, endpoints))?.id;
    if (id === undefined) {
      id = this.nextListId();
      if (candidates === undefined) this.listsByFingerprint.set(key, [{ endpoints, id }]);
      else candidates.push({ endpoints, id });
    }
    this.listIds.set(endpoints, id);
    return id;
  }

  /** Finished host entries for the non-host rules `signature` (their ids), by the host rule that wrote them. */
  hostEntries(signature: string): Map<PreparedRule, ExpectedLpmEntry> {
    let memo = this.hostEntriesBySignature.get(signature);
    if (memo === undefined) {
      memo = new Map();
      this.hostEntriesBySignature.set(signature, memo);
    }
    return memo;
  }
}

function childOf(node: PortListNode, key: string | number): PortListNode {
  let child = node.next.get(key);
  if (child === undefined) {
    child = { list: undefined, next: new Map() };
    node.next.set(key, child);
  }
  return child;
}

function sameSlotsAsPorts(slots: readonly PortSlot[], ports: readonly EndpointPort[]): boolean {
  if (slots.length !== ports.length) return false;
  for (let i = 0; i < ports.length; i++) {
    const slot = slots[i];
    const port = ports[i];
    if (slot === undefined || port === undefined) return false;
    if (
      slot.protocol !== protocolNumber(port.protocol, 'ANY') ||
      slot.startPort !== (port.port ?? 0) ||
      slot.endPort !== (port.endPort ?? 0)
    ) {
      return false;
    }
  }
  return true;
}

/** Equal in everything a prepared rule reads (cidr, except, ports). */
function sameEndpoints(a: readonly EndpointInfo[], b: readonly EndpointInfo[]): boolean {
  return sameLists(
    a,
    b,
    (x, y) =>
      x.cidr === y.cidr &&
      sameLists(x.except ?? NO_EXCEPTS, y.except ?? NO_EXCEPTS, differ) &&
      sameLists(x.ports ?? NO_PORTS, y.ports ?? NO_PORTS, samePort),
  );
}

function samePort(x: EndpointPort, y: EndpointPort): boolean {
  return x.protocol === y.protocol && x.port === y.port && x.endPort === y.endPort;
}

/** For lists of values compared by identity: `sameLists` has found them not identical. */
function differ(): boolean {
  return false;
}

/** Element by element: identical, or `same`. */
function sameLists<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined || y === undefined || !same(x, y)) return false;
  }
  return true;
}
