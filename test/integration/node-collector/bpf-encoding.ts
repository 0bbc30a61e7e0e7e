/** Byte layouts of the agent's maps (agent.md §2.2), as the hex byte lists `bpftool map update … hex` takes. */

export const SLOT_COUNT = 24;

export interface PolicySlotSpec {
  readonly protocol: number;
  readonly startPort: number;
  readonly endPort: number;
}

export interface CpSlotSpec extends PolicySlotSpec {
  readonly priority: number;
}

export interface LpmRule {
  readonly cidr: string;
  readonly slots: readonly PolicySlotSpec[];
}

export interface CpRule {
  readonly cidr: string;
  readonly slots: readonly CpSlotSpec[];
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

export function u32le(value: number): string[] {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return [...buffer].map(hex);
}

function ipv4Bytes(ip: string): string[] {
  const octets = ip.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return octets.map(hex);
}

/** `{u32 prefixlen, u8 ip[4]}`, 8 bytes. */
export function lpmKey(cidr: string): string[] {
  const [ip, prefix] = cidr.split('/');
  const prefixLen = Number(prefix);
  if (ip === undefined || !Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > 32) {
    throw new Error(`not an IPv4 CIDR: ${cidr}`);
  }
  return [...u32le(prefixLen), ...ipv4Bytes(ip)];
}

function padSlots(slots: readonly string[][], slotBytes: number): string[] {
  if (slots.length > SLOT_COUNT) throw new Error(`more than ${SLOT_COUNT} slots`);
  const empty = Array.from({ length: (SLOT_COUNT - slots.length) * slotBytes }, () => '00');
  return [...slots.flat(), ...empty];
}

/** 24 × `{u32 protocol, u32 start_port, u32 end_port}` = 288 bytes. */
export function lpmValue(slots: readonly PolicySlotSpec[]): string[] {
  return padSlots(
    slots.map((s) => [...u32le(s.protocol), ...u32le(s.startPort), ...u32le(s.endPort)]),
    12,
  );
}

/** 24 × `{u32 protocol, u32 priority, u32 start_port, u32 end_port}` = 384 bytes. */
export function cpValue(slots: readonly CpSlotSpec[]): string[] {
  return padSlots(
    slots.map((s) => [...u32le(s.protocol), ...u32le(s.priority), ...u32le(s.startPort), ...u32le(s.endPort)]),
    16,
  );
}
