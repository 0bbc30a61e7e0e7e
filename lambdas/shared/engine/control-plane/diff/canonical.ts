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
  if (protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP') return protocol;
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

/** `portKey(canonicalPort(port))` without the intermediate object. */
function portKeyOf(port: PortLike): string {
  const protocol = normaliseProtocol(port.protocol);
  const number = port.port === undefined || port.port === null ? '*' : String(port.port);
  return `${protocol}/${number}/${typeof port.endPort === 'number' ? String(port.endPort) : '-'}`;
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

/** The key `canonicalGroups` files an entry under, without building its destination and except list. */
export function groupKeyOf(entry: EndpointLike, withAction: boolean): string {
  const domainName = entry.domainName;
  const destinationKey =
    typeof domainName === 'string' && domainName !== '' && (entry.cidr ?? '') === ''
      ? `domain:${domainName}`
      : `cidr:${typeof entry.cidr === 'string' ? entry.cidr.trim() : ''}`;
  const except = asList(entry.except).length === 0 ? '' : sortedUniqueExcept(entry.except).join(',');
  return withAction ? `${destinationKey}|${except}|${entry.action ?? ''}` : `${destinationKey}|${except}`;
}

/** Entry lists as they arrive: one list, or one per endpoint object (absent lists are empty). */
export type EntryChunks = readonly (readonly EndpointLike[] | null | undefined)[];

/**
 * The entries of every chunk, or `undefined` when a chunk is neither a list nor absent: concatenating would keep such
 * a value as an entry, so the fast paths leave it to the detailed comparison.
 */
function entriesOf(chunks: EntryChunks): (readonly EndpointLike[])[] | undefined {
  const lists: (readonly EndpointLike[])[] = [];
  for (const chunk of chunks) {
    if (Array.isArray(chunk)) lists.push(chunk);
    else if (chunk !== null && chunk !== undefined) return undefined;
  }
  return lists;
}

/**
 * Calls `visit` with one token per (group key, port key) and per (group key, all ports) of the entries. Two entry
 * lists with the same token set have the same canonical groups, `allPorts` flags and port keys. The group key is
 * length-prefixed and a port key is never empty, so distinct pairs never share a token.
 */
function forEachToken(
  lists: readonly (readonly EndpointLike[])[],
  withAction: boolean,
  visit: (token: string) => boolean,
): boolean {
  for (const list of lists) {
    for (const entry of list) {
      const groupKey = groupKeyOf(entry, withAction);
      const prefix = `${String(groupKey.length)}:${groupKey}`;
      const ports = asList(entry.ports);
      if (ports.length === 0 && !visit(prefix)) return false;
      for (const port of ports) if (!visit(prefix + portKeyOf(port))) return false;
    }
  }
  return true;
}

function sameTokens(
  expected: readonly (readonly EndpointLike[])[],
  actual: readonly (readonly EndpointLike[])[],
  withAction: boolean,
): boolean {
  const tokens = new Map<string, number>();
  forEachToken(expected, withAction, (token) => {
    if (!tokens.has(token)) tokens.set(token, tokens.size);
    return true;
  });
  const seen = new Uint8Array(tokens.size);
  let matched = 0;
  const allKnown = forEachToken(actual, withAction, (token) => {
    const index = tokens.get(token);
    if (index === undefined) return false;
    if (seen[index] === 0) {
      seen[index] = 1;
      matched += 1;
    }
    return true;
  });
  return allKnown && matched === tokens.size;
}

/** The CIDR of an entry that is alone in its group by construction: a CIDR, no except list, no action. */
function plainCidr(entry: EndpointLike): string | undefined {
  const cidr = entry.cidr;
  if (typeof cidr !== 'string' || cidr === '' || asList(entry.except).length > 0) return undefined;
  return cidr;
}

function samePort(a: PortLike, b: PortLike): boolean {
  return (
    normaliseProtocol(a.protocol) === normaliseProtocol(b.protocol) &&
    (a.port === b.port || ((a.port === undefined || a.port === null) && (b.port === undefined || b.port === null))) &&
    (typeof a.endPort === 'number' ? a.endPort === b.endPort : typeof b.endPort !== 'number')
  );
}

/** Same ports in the same order (so the same port keys), or both without ports. */
function samePortList(a: readonly PortLike[], b: readonly PortLike[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    const left = a[index];
    const right = b[index];
    if (left === undefined || right === undefined || !samePort(left, right)) return false;
  }
  return true;
}

/**
 * Entry for entry: every entry a plain CIDR that occurs once per side, paired with the entry of the same CIDR whose
 * ports are the same list. Then each canonical group has the same single source on both sides. Allocates one map
 * keyed by the CIDR strings themselves; anything else is left to the token comparison.
 */
function samePlainEntries(
  expected: readonly (readonly EndpointLike[])[],
  actual: readonly (readonly EndpointLike[])[],
): boolean {
  const indexByCidr = new Map<string, number>();
  const entries: EndpointLike[] = [];
  for (const list of expected) {
    for (const entry of list) {
      const cidr = plainCidr(entry);
      if (cidr === undefined) return false;
      indexByCidr.set(cidr, entries.length);
      if (indexByCidr.size === entries.length) return false;
      entries.push(entry);
    }
  }
  const paired = new Uint8Array(entries.length);
  let pairs = 0;
  for (const list of actual) {
    for (const entry of list) {
      const cidr = plainCidr(entry);
      const index = cidr === undefined ? undefined : indexByCidr.get(cidr);
      const wanted = index === undefined ? undefined : entries[index];
      if (index === undefined || wanted === undefined || paired[index] === 1) return false;
      if (!samePortList(asList(wanted.ports), asList(entry.ports))) return false;
      paired[index] = 1;
      pairs += 1;
    }
  }
  return pairs === entries.length;
}

/**
 * Whether both sides have the same canonical form (a sufficient condition for `compareRules` to find nothing), without
 * building groups, port maps or views: the no-drift fast path. A `false` only means "not shown equal".
 */
export function sameCanonicalContent(expected: EntryChunks, actual: EntryChunks, withAction = false): boolean {
  const expectedLists = entriesOf(expected);
  const actualLists = entriesOf(actual);
  if (expectedLists === undefined || actualLists === undefined) return false;
  return (
    (!withAction && samePlainEntries(expectedLists, actualLists)) || sameTokens(expectedLists, actualLists, withAction)
  );
}

/** Groups entries of any number of PEs (or of the expected content) into their canonical form. */
export function canonicalGroups(entries: Iterable<EndpointLike>, withAction = false): Map<string, CanonicalGroup> {
  const groups = new Map<string, CanonicalGroup>();
  for (const entry of entries) {
    const key = groupKeyOf(entry, withAction);
    let group = groups.get(key);
    if (group === undefined) {
      const destination = destinationOf(entry);
      const except = sortedUniqueExcept(entry.except);
      group = {
        key,
        destinationKey: destinationKeyOf(destination),
        destination,
        except,
        allPorts: false,
        ports: new Map(),
      };
      if (withAction) group = { ...group, action: entry.action ?? '' };
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
