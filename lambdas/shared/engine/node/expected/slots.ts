import type { EndpointPort, Protocol } from '../../model/kubernetes';

/** Protocol numbers in a map value slot (agent.md §2.3). */
export const IpProtocol = { TCP: 6, UDP: 17, SCTP: 132, ANY: 254, RESERVED: 255 } as const;
export type IpProtocolNumber = (typeof IpProtocol)[keyof typeof IpProtocol];

export interface PortSlot {
  readonly protocol: IpProtocolNumber;
  /** 0 = any port. */
  readonly startPort: number;
  /** 0 = no range. */
  readonly endPort: number;
}

export interface CpPortSlot extends PortSlot {
  /** `p*10 + action` (§2.3): p = CNP priority (+2000 for Baseline), action Deny 0 / Accept 1 / Pass 2. */
  readonly priority: number;
}

export const ANY_SLOT: PortSlot = { protocol: IpProtocol.ANY, startPort: 0, endPort: 0 };
export const RESERVED_SLOT: PortSlot = { protocol: IpProtocol.RESERVED, startPort: 0, endPort: 0 };

export function protocolNumber(protocol: Protocol | undefined, whenNil: 'ANY' | 'TCP'): IpProtocolNumber {
  return protocol === undefined ? IpProtocol[whenNil] : IpProtocol[protocol];
}

const ANY_ONLY: readonly PortSlot[] = [ANY_SLOT];

/** PolicyEndpoint ports → slots (`deriveProtocolValue`): nil protocol = ANY, nil port/endPort = 0, none = one ANY. */
export function slotsOfEndpointPorts(
  ports: readonly EndpointPort[] | null | undefined,
  intern: Map<number, PortSlot> = new Map(),
): readonly PortSlot[] {
  if (ports === null || ports === undefined || ports.length === 0) return ANY_ONLY;
  return ports.map((port) => {
    const slot: PortSlot = {
      protocol: protocolNumber(port.protocol, 'ANY'),
      startPort: port.port ?? 0,
      endPort: port.endPort ?? 0,
    };
    const key = (slot.protocol * 0x10000 + slot.startPort) * 0x10000 + slot.endPort;
    const interned = intern.get(key);
    if (interned !== undefined) return interned;
    intern.set(key, slot);
    return slot;
  });
}

export function slotKey(slot: PortSlot): string | number {
  if ('priority' in slot && typeof slot.priority === 'number') {
    return `${slot.protocol}:${slot.startPort}:${slot.endPort}:${slot.priority}`;
  }
  return (slot.protocol * 0x10000 + slot.startPort) * 0x10000 + slot.endPort;
}

export interface FittedSlots<T extends PortSlot> {
  /** What the kernel value holds, in the agent's write order. */
  readonly ports: readonly T[];
  /** Unique combinations past the slot limit, silently dropped by `ComputeTrieValue`. */
  readonly droppedPorts: readonly T[];
}

const NONE: readonly never[] = [];

/** Dedupes by (protocol, port, endPort[, priority]) keeping first occurrences, then truncates to `limit`. */
export function fitSlots<T extends PortSlot>(slots: readonly T[], limit: number): FittedSlots<T> {
  if (slots.length <= 1) return { ports: slots, droppedPorts: NONE };
  const unique = slots.length <= 8 ? uniqueSmall(slots) : uniqueLarge(slots);
  return unique.length <= limit
    ? { ports: unique, droppedPorts: NONE }
    : { ports: unique.slice(0, limit), droppedPorts: unique.slice(limit) };
}

function sameSlot(a: PortSlot, b: PortSlot): boolean {
  return slotKey(a) === slotKey(b);
}

function uniqueSmall<T extends PortSlot>(slots: readonly T[]): readonly T[] {
  const unique: T[] = [];
  for (const slot of slots) if (!unique.some((kept) => sameSlot(kept, slot))) unique.push(slot);
  return unique.length === slots.length ? slots : unique;
}

function uniqueLarge<T extends PortSlot>(slots: readonly T[]): readonly T[] {
  const seen = new Set<string | number>();
  const unique: T[] = [];
  for (const slot of slots) {
    const key = slotKey(slot);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(slot);
  }
  return unique;
}
