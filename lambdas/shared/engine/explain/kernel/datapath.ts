import { cidrContains } from '../../facts/cidr';
import type { Protocol } from '../../model/kubernetes';
import { PROTOCOL, type CpEntry, type CpPolicySlot, type LpmEntry, type PolicySlot } from '../../node/model';

export const PROTOCOL_NUMBER: Readonly<Record<Protocol, number>> = {
  TCP: PROTOCOL.TCP,
  UDP: PROTOCOL.UDP,
  SCTP: PROTOCOL.SCTP,
};

/** Kernel LPM lookup with key `ip/32` (`/128`): the entry with the longest prefix containing the IP. */
export function longestMatch<T extends LpmEntry | CpEntry>(entries: readonly T[], ip: string): T | undefined {
  let best: T | undefined;
  for (const entry of entries) {
    if (!cidrContains(entry.cidr, ip)) continue;
    if (best === undefined || entry.prefixLen > best.prefixLen) best = entry;
  }
  return best;
}

export interface Packet {
  readonly protocol: number;
  readonly port: number;
}

/** `start == 0 || port == start || start < port <= end` (agent.md §2.6). */
export function portMatches(slot: Pick<PolicySlot, 'startPort' | 'endPort'>, port: number): boolean {
  return slot.startPort === 0 || port === slot.startPort || (slot.startPort < port && port <= slot.endPort);
}

export type SlotOutcome =
  | { readonly verdict: 'deny'; readonly slot: PolicySlot; readonly why: 'reserved' }
  | { readonly verdict: 'allow'; readonly slot: PolicySlot; readonly why: 'any-without-port-check' | 'match' }
  | { readonly verdict: 'deny'; readonly why: 'no-slot-matched' };

/**
 * The tc programs' slot loop (agent.md §2.6): slots in order; a RESERVED (255) slot denies at once; ANY (254) or
 * the packet's protocol followed by the port check allows; nothing matched denies. Before v1.2.4 ANY matched
 * regardless of port (`anyChecksPort` false). Empty slots (protocol 0) never match a TCP/UDP/SCTP packet.
 */
export function slotLoop(slots: readonly PolicySlot[], packet: Packet, anyChecksPort: boolean): SlotOutcome {
  for (const slot of [...slots].sort((a, b) => a.slot - b.slot)) {
    if (slot.protocol === PROTOCOL.RESERVED) return { verdict: 'deny', slot, why: 'reserved' };
    if (slot.protocol === PROTOCOL.ANY) {
      if (portMatches(slot, packet.port)) return { verdict: 'allow', slot, why: 'match' };
      if (!anyChecksPort) return { verdict: 'allow', slot, why: 'any-without-port-check' };
      continue;
    }
    if (slot.protocol === packet.protocol && portMatches(slot, packet.port))
      return { verdict: 'allow', slot, why: 'match' };
  }
  return { verdict: 'deny', why: 'no-slot-matched' };
}

export function describeSlot(slot: PolicySlot): string {
  const range =
    slot.startPort === 0
      ? 'any port'
      : slot.endPort === 0
        ? `port ${slot.startPort}`
        : `ports ${slot.startPort}-${slot.endPort}`;
  return `slot ${slot.slot} {${slot.protocolLabel}, ${range}}`;
}

function cpSlotMatches(slot: CpPolicySlot, packet: Packet): boolean {
  if (slot.protocol !== PROTOCOL.ANY && slot.protocol !== packet.protocol) return false;
  return portMatches(slot, packet.port);
}

/** Lowest `priority/10` first, then the lower action code (Deny 0 < Accept 1 < Pass 2). */
function better(a: CpPolicySlot, b: CpPolicySlot): boolean {
  return a.tierPriority < b.tierPriority || (a.tierPriority === b.tierPriority && a.actionCode < b.actionCode);
}

/** Admin: the best matching slot overall, enforced only when it is an Admin slot (priority/10 ≤ 1000). */
export function adminSlot(entry: CpEntry, packet: Packet): CpPolicySlot | undefined {
  let best: CpPolicySlot | undefined;
  for (const slot of entry.values)
    if (cpSlotMatches(slot, packet) && (best === undefined || better(slot, best))) best = slot;
  return best?.tier === 'admin' ? best : undefined;
}

/** Baseline: the best matching slot among those with priority/10 > 1000. */
export function baselineSlot(entry: CpEntry, packet: Packet): CpPolicySlot | undefined {
  let best: CpPolicySlot | undefined;
  for (const slot of entry.values) {
    if (slot.tier === 'baseline' && cpSlotMatches(slot, packet) && (best === undefined || better(slot, best)))
      best = slot;
  }
  return best;
}
