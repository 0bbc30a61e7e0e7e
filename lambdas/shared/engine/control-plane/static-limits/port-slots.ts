import { familyBits, type CidrParser, type IpFamily, type ParsedCidr } from '../../facts/cidr';
import { asList, type EndpointLike, type PortLike } from '../diff/canonical';

export const MAX_PORT_PROTOCOL = 24;

interface Rule {
  readonly cidr: ParsedCidr;
  readonly slots: readonly string[];
  readonly except: readonly ParsedCidr[];
}

interface KeyState {
  readonly cidr: ParsedCidr;
  readonly slots: Set<string>;
  readonly except: ParsedCidr[];
}

export interface CidrSlots {
  readonly cidr: string;
  readonly slots: number;
}

/** `inner`'s network lies in `range` (same family). */
function addressIn(inner: ParsedCidr, range: ParsedCidr): boolean {
  return range.containsAddressOf(inner, true);
}

/** Agent slot identity: nil protocol → ANY, nil port/endPort → 0 (agent.md §2.8 step 5). */
function slotsOf(entry: EndpointLike): string[] {
  const ports = asList(entry.ports);
  if (ports.length === 0) return ['ANY/0/0'];
  return ports.map((port) => {
    const protocol =
      typeof port.protocol === 'string' && port.protocol.trim() !== '' ? port.protocol.trim().toUpperCase() : 'ANY';
    return `${protocol}/${String(port.port ?? 0)}/${String(port.endPort ?? 0)}`;
  });
}

/**
 * Whether the entries carry more than `limit` distinct slots in total. Every CIDR's merged slots are a subset of them,
 * so when this is false no CIDR can exceed `limit` and the merge can be skipped. A shared ports array is read once.
 */
export function distinctSlotsExceed(lists: Iterable<readonly EndpointLike[]>, limit: number): boolean {
  const slots = new Set<string>();
  const seenPorts = new Set<readonly PortLike[]>();
  for (const entries of lists) {
    for (const entry of entries) {
      const ports = entry.ports;
      if (Array.isArray(ports) && ports.length > 0) {
        if (seenPorts.has(ports)) continue;
        seenPorts.add(ports);
      }
      for (const slot of slotsOf(entry)) slots.add(slot);
      if (slots.size > limit) return true;
    }
  }
  return false;
}

/**
 * Slot count per LPM key after the agent's merge (agent.md §2.8, v1.2.4+): rules sorted by prefix length, same
 * CIDRs merged, narrower CIDRs inheriting the ports of earlier broader CIDRs that contain them (unless excepted).
 * Domain-only entries, unparsable CIDRs and other-family entries are skipped, as the agent skips them.
 */
export function slotsPerCidr(
  entries: Iterable<EndpointLike>,
  parser: CidrParser,
  family: IpFamily | undefined,
): CidrSlots[] {
  const rules: Rule[] = [];
  for (const entry of entries) {
    if (typeof entry.cidr !== 'string' || entry.cidr.trim() === '') continue;
    const cidr = parser.parse(entry.cidr);
    if (cidr === undefined || (family !== undefined && cidr.family !== family)) continue;
    const except = asList(entry.except)
      .map((value) => parser.parse(value))
      .filter((value): value is ParsedCidr => value !== undefined);
    rules.push({ cidr, slots: slotsOf(entry), except });
  }
  rules.sort((a, b) => a.cidr.prefixLength - b.cidr.prefixLength);

  const keys = new Map<string, KeyState>();
  const broader: KeyState[] = [];
  for (const rule of rules) {
    const existing = keys.get(rule.cidr.canonical);
    if (existing !== undefined) {
      for (const slot of rule.slots) existing.slots.add(slot);
      existing.except.push(...rule.except);
      continue;
    }
    const state: KeyState = { cidr: rule.cidr, slots: new Set(rule.slots), except: [...rule.except] };
    for (const candidate of broader) {
      if (candidate.cidr.prefixLength >= rule.cidr.prefixLength || !addressIn(rule.cidr, candidate.cidr)) continue;
      if (candidate.except.some((excepted) => addressIn(rule.cidr, excepted))) continue;
      for (const slot of candidate.slots) state.slots.add(slot);
    }
    keys.set(rule.cidr.canonical, state);
    if (rule.cidr.prefixLength < familyBits(rule.cidr.family)) broader.push(state);
  }
  return [...keys.values()].map((state) => ({ cidr: state.cidr.canonical, slots: state.slots.size }));
}
