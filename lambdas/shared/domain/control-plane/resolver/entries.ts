import type { EndpointInfo, EndpointPort } from '../../model/kubernetes';
import { compareText } from './pods';
import type { EntryPorts } from './port-conversion';

export function cidrEntry(cidr: string, ports: EntryPorts, except: readonly string[] = []): EndpointInfo {
  const entry: EndpointInfo = { cidr };
  if (except.length > 0) entry.except = [...except];
  if (ports !== 'all-ports') entry.ports = [...ports];
  return entry;
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

export function dedupeEntries(entries: Iterable<EndpointInfo>): EndpointInfo[] {
  const unique = new Map<string, EndpointInfo>();
  for (const entry of entries) {
    const key = entryKey(entry);
    if (!unique.has(key)) unique.set(key, entry);
  }
  return [...unique.values()];
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

/** Deduplicated by the controller's identity and sorted; ports inside each entry keep the order produced. */
export function canonicalEntries(entries: Iterable<EndpointInfo>): EndpointInfo[] {
  return dedupeEntries(entries).sort(compareEntries);
}
