import type { EndpointInfo, EndpointPort } from '../../model/kubernetes';
import { compareText } from './pods';
import type { EntryPorts } from './port-conversion';

/**
 * The entries of one rule share its ports array (built once per rule or per destination pod and never modified), and
 * each entry is one literal with all its fields: at ~10^6 entries a ports copy or a property added later (a separate
 * property store) per entry dominate the resolver's memory.
 */
export function cidrEntry(cidr: string, ports: EntryPorts, except: readonly string[] = []): EndpointInfo {
  if (except.length > 0)
    return ports === 'all-ports' ? { cidr, except: [...except] } : { cidr, except: [...except], ports };
  return ports === 'all-ports' ? { cidr } : { cidr, ports };
}

/**
 * Shares identical pod entries across policies: many policies allow the same pods on the same ports, and the resolved
 * output of a large cluster holds ~10^6 entries. Port lists are shared by content, entries by (address, port list).
 * Whatever it returns is shared between policies and must not be modified.
 */
export class EntryPool {
  private readonly portLists = new Map<string, EndpointPort[]>();
  private readonly entriesByPorts = new Map<EntryPorts, Map<string, EndpointInfo>>();
  private readonly sortedByPorts = new Map<EntryPorts, Map<string, readonly EndpointInfo[]>>();

  /** The shared list with the same ports in the same order. */
  ports(ports: EntryPorts): EntryPorts {
    if (ports === 'all-ports') return ports;
    const key = JSON.stringify(ports.map((port) => [port.protocol ?? null, port.port ?? null, port.endPort ?? null]));
    const shared = this.portLists.get(key);
    if (shared !== undefined) return shared;
    this.portLists.set(key, ports);
    return ports;
  }

  /** `cidrEntry(cidr, ports)`, one object per address and port list (pass a list from `ports` to share it). */
  entry(cidr: string, ports: EntryPorts): EndpointInfo {
    let byCidr = this.entriesByPorts.get(ports);
    if (byCidr === undefined) {
      byCidr = new Map();
      this.entriesByPorts.set(ports, byCidr);
    }
    let entry = byCidr.get(cidr);
    if (entry === undefined) {
      entry = cidrEntry(cidr, ports);
      byCidr.set(cidr, entry);
    }
    return entry;
  }

  /**
   * The entries of `cidrs()` with `ports`, in `compareEntries` order, computed once per `key` and port list: one peer
   * (same namespaces, same pod selector) recurs across many policies, and a presorted list sorts in linear time.
   */
  sortedEntries(key: string, ports: EntryPorts, cidrs: () => Iterable<string>): readonly EndpointInfo[] {
    let byKey = this.sortedByPorts.get(ports);
    if (byKey === undefined) {
      byKey = new Map();
      this.sortedByPorts.set(ports, byKey);
    }
    let entries = byKey.get(key);
    if (entries === undefined) {
      const list: EndpointInfo[] = [];
      for (const cidr of cidrs()) list.push(this.entry(cidr, ports));
      entries = list.sort(compareEntries);
      byKey.set(key, entries);
    }
    return entries;
  }
}

/** Allow-all always emits both families, even in single-stack clusters (§2.9). */
export function allowAllEntries(ports: EntryPorts): EndpointInfo[] {
  return [cidrEntry('0.0.0.0/0', ports), cidrEntry('::/0', ports)];
}

/**
 * The controller's §1.5 step-1 identity: CIDR or domainName, except strings in order, then each port's
 * protocol/port/endPort. The controller hashes these concatenated without separators, so e.g. `{TCP, 80, endPort 81}`
 * and `{TCP, 8081}` on one CIDR collide and one entry is silently lost; this key is collision-free on purpose and
 * does not reproduce that hazard.
 */
export function entryKey(entry: EndpointInfo): string {
  const address =
    entry.cidr === undefined ? `d${lengthPrefixed(entry.domainName ?? '')}` : `c${lengthPrefixed(entry.cidr)}`;
  const except = entry.except ?? [];
  let key = `${address}${except.length}|${except.map(lengthPrefixed).join('')}`;
  for (const port of entry.ports ?? []) key += `${port.protocol ?? ''}/${port.port ?? ''}/${port.endPort ?? ''};`;
  return key;
}

/** Length-prefixing keeps concatenated free-form strings unambiguous. */
function lengthPrefixed(text: string): string {
  return `${text.length}:${text}`;
}

/** Whether a sorted list has two neighbours that `compare` finds equal (i.e. anything to deduplicate). */
export function hasAdjacentEqual<T>(sorted: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let index = 1; index < sorted.length; index++) {
    if (compare(sorted[index - 1] as T, sorted[index] as T) === 0) return true;
  }
  return false;
}

function compareOptionalNumber(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a - b;
}

export function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return (
    compareText(a.protocol ?? '', b.protocol ?? '') ||
    compareOptionalNumber(a.port, b.port) ||
    compareOptionalNumber(a.endPort, b.endPort)
  );
}

function compareLists<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const result = compare(a[index] as T, b[index] as T);
    if (result !== 0) return result;
  }
  return a.length - b.length;
}

/** Stable entry order: cidr/domainName, then except, then ports (an entry without ports first). */
export function compareEntries(a: EndpointInfo, b: EndpointInfo): number {
  return (
    compareText(a.cidr ?? a.domainName ?? '', b.cidr ?? b.domainName ?? '') ||
    compareText(a.cidr === undefined ? 'd' : 'c', b.cidr === undefined ? 'd' : 'c') ||
    compareLists(a.except ?? [], b.except ?? [], compareText) ||
    compareLists(a.ports ?? [], b.ports ?? [], comparePorts)
  );
}

/**
 * Deduplicated by the controller's identity (first occurrence kept) and sorted; ports inside each entry keep the order
 * produced. Entries with one identity compare equal, so after a stable sort they are adjacent and in input order: only
 * runs of equal entries need identity keys.
 */
export function canonicalEntries(entries: Iterable<EndpointInfo>): EndpointInfo[] {
  return canonicalEntriesInPlace([...entries]);
}

/** `canonicalEntries` for a list the caller owns: sorted in place, returned as is when nothing repeats. */
export function canonicalEntriesInPlace(entries: EndpointInfo[]): EndpointInfo[] {
  const sorted = entries.sort(compareEntries);
  if (!hasAdjacentEqual(sorted, compareEntries)) return sorted;
  const unique: EndpointInfo[] = [];
  let previous: EndpointInfo | undefined;
  let runKeys: Set<string> | undefined;
  for (const entry of sorted) {
    if (previous === undefined || compareEntries(previous, entry) !== 0) {
      runKeys = undefined;
      unique.push(entry);
    } else {
      if (runKeys === undefined) runKeys = new Set([entryKey(previous)]);
      const key = entryKey(entry);
      if (!runKeys.has(key)) {
        runKeys.add(key);
        unique.push(entry);
      }
    }
    previous = entry;
  }
  return unique;
}
