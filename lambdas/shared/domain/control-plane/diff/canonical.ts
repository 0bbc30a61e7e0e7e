/**
 * The chunking- and order-independent form of PolicyEndpoint content (controller.md §2.10): entries grouped by
 * destination and sorted unique `except`, each group holding either "all ports" or a set of ports keyed by
 * (protocol or TCP, port or *, endPort or -). Inputs are typed loosely on purpose: hand-made snapshots may carry
 * lower-case protocols, missing fields or empty lists, and none of that may throw.
 */

export interface PortLike {
  readonly protocol?: string | null | undefined;
  readonly port?: number | string | null | undefined;
  readonly endPort?: number | null | undefined;
}

export interface EndpointLike {
  readonly cidr?: string | null | undefined;
  readonly domainName?: string | null | undefined;
  readonly except?: readonly string[] | null | undefined;
  readonly ports?: readonly PortLike[] | null | undefined;
  readonly action?: string | null | undefined;
}

export interface CanonicalPort {
  readonly protocol: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface Destination {
  readonly cidr?: string;
  readonly domainName?: string;
}

export interface CanonicalGroup {
  readonly key: string;
  /** `cidr:<value>` or `domain:<value>`: the destination without except/action, to relate groups on one CIDR. */
  readonly destinationKey: string;
  readonly destination: Destination;
  readonly except: readonly string[];
  readonly action?: string;
  allPorts: boolean;
  readonly ports: Map<string, CanonicalPort>;
}

/** A small, sorted, JSON-friendly rendering of a group (or of a port subset of it) for findings. */
export interface GroupView {
  readonly cidr?: string;
  readonly domainName?: string;
  readonly except?: readonly string[];
  readonly action?: string;
  readonly ports: 'all' | readonly CanonicalPort[];
}

/** The list, or `[]` for anything that is not an array (hand-made input may carry `null` or an object). */
export function asList<T>(value: readonly T[] | null | undefined): readonly T[] {
  const candidate: unknown = value;
  return Array.isArray(candidate) ? (candidate as readonly T[]) : [];
}

export function normaliseProtocol(protocol: string | null | undefined): string {
  const trimmed = typeof protocol === 'string' ? protocol.trim().toUpperCase() : '';
  return trimmed === '' ? 'TCP' : trimmed;
}

export function canonicalPort(port: PortLike): CanonicalPort {
  const protocol = normaliseProtocol(port.protocol);
  const result: { protocol: string; port?: number | string; endPort?: number } = { protocol };
  if (port.port !== undefined && port.port !== null) result.port = port.port;
  if (typeof port.endPort === 'number') result.endPort = port.endPort;
  return result;
}

export function portKey(port: CanonicalPort): string {
  return `${port.protocol}/${port.port === undefined ? '*' : String(port.port)}/${port.endPort === undefined ? '-' : String(port.endPort)}`;
}

export function destinationOf(entry: EndpointLike): Destination {
  if (typeof entry.domainName === 'string' && entry.domainName !== '' && (entry.cidr ?? '') === '') {
    return { domainName: entry.domainName };
  }
  return { cidr: typeof entry.cidr === 'string' ? entry.cidr.trim() : '' };
}

export function destinationKeyOf(destination: Destination): string {
  return destination.domainName === undefined ? `cidr:${destination.cidr ?? ''}` : `domain:${destination.domainName}`;
}

export function sortedUniqueExcept(except: readonly string[] | null | undefined): string[] {
  const values = new Set<string>();
  for (const value of asList(except)) if (typeof value === 'string' && value.trim() !== '') values.add(value.trim());
  return [...values].sort();
}

/** Groups entries of any number of PEs (or of the expected content) into their canonical form. */
export function canonicalGroups(entries: Iterable<EndpointLike>, withAction = false): Map<string, CanonicalGroup> {
  const groups = new Map<string, CanonicalGroup>();
  for (const entry of entries) {
    const destination = destinationOf(entry);
    const destinationKey = destinationKeyOf(destination);
    const except = sortedUniqueExcept(entry.except);
    const action = withAction ? (entry.action ?? '') : undefined;
    const key =
      action === undefined
        ? `${destinationKey}|${except.join(',')}`
        : `${destinationKey}|${except.join(',')}|${action}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, destinationKey, destination, except, allPorts: false, ports: new Map() };
      if (action !== undefined) group = { ...group, action };
      groups.set(key, group);
    }
    const ports = asList(entry.ports);
    if (ports.length === 0) group.allPorts = true;
    for (const port of ports) {
      const canonical = canonicalPort(port);
      group.ports.set(portKey(canonical), canonical);
    }
  }
  return groups;
}

function comparePorts(a: CanonicalPort, b: CanonicalPort): number {
  return portKey(a).localeCompare(portKey(b), 'en', { numeric: true });
}

export function viewOf(group: CanonicalGroup, ports?: readonly CanonicalPort[]): GroupView {
  const view: {
    cidr?: string;
    domainName?: string;
    except?: readonly string[];
    action?: string;
    ports: GroupView['ports'];
  } = {
    ...group.destination,
    ports: ports === undefined && group.allPorts ? 'all' : [...(ports ?? group.ports.values())].sort(comparePorts),
  };
  if (group.except.length > 0) view.except = group.except;
  if (group.action !== undefined) view.action = group.action;
  return view;
}

export function describeGroup(group: CanonicalGroup): string {
  const destination = group.destination.domainName ?? group.destination.cidr ?? '';
  const except = group.except.length > 0 ? ` except ${group.except.join(',')}` : '';
  const action = group.action !== undefined ? ` (${group.action})` : '';
  return `${destination === '' ? '<no cidr>' : destination}${except}${action}`;
}

export function describePorts(ports: GroupView['ports']): string {
  if (ports === 'all') return 'all ports';
  return ports
    .map(
      (port) =>
        `${port.protocol}/${port.port === undefined ? '*' : String(port.port)}${port.endPort === undefined ? '' : `-${String(port.endPort)}`}`,
    )
    .join(', ');
}

export type PortComparison =
  | { readonly kind: 'equal' }
  | {
      readonly kind: 'narrower' | 'wider' | 'both';
      readonly missing: readonly CanonicalPort[];
      readonly extra: readonly CanonicalPort[];
    };

/** Compares the ports of two groups with the same key; `missing` are expected-only, `extra` actual-only. */
export function comparePortSets(expected: CanonicalGroup, actual: CanonicalGroup): PortComparison {
  if (expected.allPorts && actual.allPorts) return { kind: 'equal' };
  if (expected.allPorts) return { kind: 'narrower', missing: [], extra: [] };
  if (actual.allPorts) return { kind: 'wider', missing: [], extra: [] };
  const missing = [...expected.ports].filter(([key]) => !actual.ports.has(key)).map(([, port]) => port);
  const extra = [...actual.ports].filter(([key]) => !expected.ports.has(key)).map(([, port]) => port);
  if (missing.length === 0 && extra.length === 0) return { kind: 'equal' };
  if (extra.length === 0) return { kind: 'narrower', missing, extra };
  if (missing.length === 0) return { kind: 'wider', missing, extra };
  return { kind: 'both', missing, extra };
}
