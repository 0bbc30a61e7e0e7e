import type { CidrParser, IpFamily, NetworkKey, ParsedCidr } from '../../facts/cidr';
import { fitSlots, type CpPortSlot, type PortSlot } from './slots';

export type LpmEntryOrigin = 'node-ip' | 'rule' | 'catch-all' | 'except';

/** What the LPM and cp map computations of one node share. */
export interface NodeRuleContext {
  /** The cluster's family: rules and excepts of the other family are skipped (§2.8 step 3c). */
  readonly family: IpFamily;
  /** The agent's node IP as a host CIDR. */
  readonly nodeIp: ParsedCidr;
  readonly cidrs: CidrParser;
  readonly reportInvalid: (cidr: string) => void;
}

/** One expected key of `ingress_map`/`egress_map` (T = PortSlot) or of a `cp_*` map (T = CpPortSlot). */
export interface ExpectedMapEntry<T extends PortSlot, O extends string = LpmEntryOrigin> {
  /** Canonical `network/prefixLength`. */
  readonly cidr: string;
  readonly origin: O;
  /** Slots the kernel value holds, deduplicated, at most the slot limit. */
  readonly ports: readonly T[];
  /** More unique combinations than slots: the agent silently dropped `droppedPorts` (which ones depends on order). */
  readonly truncated: boolean;
  readonly droppedPorts: readonly T[];
  /** Several differently written CIDRs hit this key before main canonicalised them: last write wins. */
  readonly orderDependent: boolean;
}

export type ExpectedLpmEntry = ExpectedMapEntry<PortSlot>;
export type ExpectedCpEntry = ExpectedMapEntry<CpPortSlot, 'node-ip' | 'rule'>;

/** A kernel key being built: keyed by `networkKey` (the kernel always stores the masked network). */
export interface DraftEntry<T extends PortSlot, O extends string, K extends object = object> {
  readonly cidr: ParsedCidr;
  readonly origin: O;
  readonly slots: readonly T[];
  /** What wrote the key: a rule group object, or a label for node-IP / except writes. */
  readonly writer: object | string;
  readonly orderDependent: boolean;
  /** Handed to `onFinish` with the finished entry, to memoise it. */
  readonly memoKey: K | undefined;
}

/** Entries in write order: node IP first, rule keys by ascending prefix length, then except keys. */
export function finishEntries<T extends PortSlot, O extends string, K extends object = object>(
  drafts: Iterable<DraftEntry<T, O, K>>,
  slotLimit: number,
  onFinish?: (memoKey: K, entry: ExpectedMapEntry<T, O>) => void,
): ExpectedMapEntry<T, O>[] {
  const entries: ExpectedMapEntry<T, O>[] = [];
  for (const draft of drafts) {
    const fitted = fitSlots(draft.slots, slotLimit);
    const entry: ExpectedMapEntry<T, O> = {
      cidr: draft.cidr.canonical,
      origin: draft.origin,
      ports: fitted.ports,
      truncated: fitted.droppedPorts.length > 0,
      droppedPorts: fitted.droppedPorts,
      orderDependent: draft.orderDependent,
    };
    if (draft.memoKey !== undefined && !draft.orderDependent) onFinish?.(draft.memoKey, entry);
    entries.push(entry);
  }
  return entries;
}

export interface DraftWrite<T extends PortSlot, O extends string, K extends object = object> {
  readonly cidr: ParsedCidr;
  readonly origin: O;
  readonly slots: readonly T[];
  readonly writer: object | string;
  readonly memoKey?: K | undefined;
}

/**
 * Writes a key (last write wins, as in the agent). A rule group (object writer) overwriting another group's key
 * is a collision of differently written CIDRs, whose outcome depends on the agent's order.
 */
export function writeDraft<T extends PortSlot, O extends string, K extends object = object>(
  drafts: Map<NetworkKey, DraftEntry<T, O, K>>,
  write: DraftWrite<T, O, K>,
): void {
  const existing = drafts.get(write.cidr.networkKey);
  const collided =
    existing !== undefined &&
    typeof write.writer === 'object' &&
    typeof existing.writer === 'object' &&
    existing.writer !== write.writer;
  drafts.set(write.cidr.networkKey, {
    cidr: existing?.cidr ?? write.cidr,
    origin: write.origin,
    slots: write.slots,
    writer: write.writer,
    orderDependent: (existing?.orderDependent ?? false) || collided,
    memoKey: write.memoKey,
  });
}
