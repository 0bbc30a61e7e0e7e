/**
 * Map contents: ingress_map/egress_map (keys + slot sets), pod state (key 0 / key 1), cp maps (agent.md §2.8, §6).
 */
import { findingOf } from '../../model/finding';
import type { ParsedMapFile } from '../bundle';
import {
  POD_STATE_VALUE,
  type ExpectedIdentifierState,
  type ExpectedPodState,
  type PodStateName,
} from '../expected/expected-node-state';
import type { ExpectedCpEntry, ExpectedLpmEntry } from '../expected/map-entry';
import type { PortSlot } from '../expected/slots';
import type { CpEntry, LoadedProgram, LpmEntry, MapRole, PolicyDirection, PolicySlot } from '../model';
import {
  NODE_CP_ENTRY_MISMATCH,
  NODE_LPM_ENTRY_EXTRA,
  NODE_LPM_ENTRY_MISSING,
  NODE_LPM_PORTS_MISMATCH,
  NODE_POD_STATE_KEY_MISSING,
  NODE_POD_STATE_MISMATCH,
  UPSTREAM,
} from './checks';
import { identifierResource, listSome, podList, type NodeCompareContext } from './context';

/** Per map and check, at most this many per-key findings; the rest are rolled up into one. */
export const MAX_KEY_FINDINGS = 20;

const PROTOCOL_TEXT: Readonly<Record<number, string>> = {
  6: 'TCP',
  17: 'UDP',
  132: 'SCTP',
  1: 'ICMP',
  254: 'ANY',
  255: 'RESERVED',
};

function slotId(protocol: number | null, startPort: number, endPort: number): string {
  return `${protocol ?? 'UNKNOWN'}:${startPort}:${endPort}`;
}

export function describeSlot(slot: {
  readonly protocol: number | null;
  readonly startPort: number;
  readonly endPort: number;
}): string {
  const protocol = slot.protocol === null ? 'UNKNOWN' : (PROTOCOL_TEXT[slot.protocol] ?? String(slot.protocol));
  if (slot.protocol === 255) return 'RESERVED (deny)';
  if (slot.startPort === 0) return protocol === 'ANY' ? 'ANY' : `${protocol} any port`;
  return slot.endPort === 0 ? `${protocol} ${slot.startPort}` : `${protocol} ${slot.startPort}-${slot.endPort}`;
}

function describeSlots(slots: readonly { protocol: number | null; startPort: number; endPort: number }[]): string {
  return slots.length === 0 ? 'no slot' : slots.map(describeSlot).join(', ');
}

/** The map of `role` a program reads, with its dump when it was collected and parsed into contents. */
function dumpOf(
  context: NodeCompareContext,
  program: LoadedProgram,
  role: MapRole,
): { id: number; dump: ParsedMapFile } | undefined {
  const map = program.maps.find((candidate) => candidate.role === role);
  if (map === undefined) return undefined;
  const dump = context.bundle.mapDump(map.id);
  return dump === undefined ? undefined : { id: map.id, dump };
}

/** Entries of an LPM dump, `[]` for an empty map, undefined when the contents are unknown (error, header only). */
function lpmEntries(dump: ParsedMapFile): { entries: readonly LpmEntry[]; firstSlotOnly: boolean } | undefined {
  const outcome = dump.outcome;
  if (outcome.kind === 'empty-map') return { entries: [], firstSlotOnly: false };
  if (outcome.kind !== 'lpm-map') return undefined;
  return { entries: outcome.entries, firstSlotOnly: outcome.generation === 'G1' };
}

function canonical(context: NodeCompareContext, cidr: string): string {
  return context.cidrs.parse(cidr)?.canonical ?? cidr;
}

interface SlotVerdict {
  readonly ok: boolean;
  readonly lenient: string | undefined;
}

const EXACT: SlotVerdict = { ok: true, lenient: undefined };

function sameSlotsInOrder(expected: readonly PortSlot[], actual: readonly PolicySlot[]): boolean {
  if (expected.length !== actual.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const a = expected[i];
    const b = actual[i];
    if (a === undefined || b === undefined) return false;
    if (a.protocol !== b.protocol || a.startPort !== b.startPort || a.endPort !== b.endPort) return false;
  }
  return true;
}

function compareSlots(expected: ExpectedLpmEntry, actual: readonly PolicySlot[], firstSlotOnly: boolean): SlotVerdict {
  if (!firstSlotOnly && !expected.truncated && sameSlotsInOrder(expected.ports, actual)) return EXACT;
  const wanted = new Set(expected.ports.map((slot) => slotId(slot.protocol, slot.startPort, slot.endPort)));
  const got = new Set(actual.map((slot) => slotId(slot.protocol, slot.startPort, slot.endPort)));
  if (firstSlotOnly) {
    return {
      ok: [...got].every((id) => wanted.has(id)),
      lenient: 'G1 dumps print only the first slot: compared as a subset',
    };
  }
  if (expected.truncated) {
    const possible = new Set([
      ...wanted,
      ...expected.droppedPorts.map((s) => slotId(s.protocol, s.startPort, s.endPort)),
    ]);
    return {
      ok: got.size === wanted.size && [...got].every((id) => possible.has(id)),
      lenient: `more than ${wanted.size} port combinations: which ones the agent kept depends on its order, compared as a subset`,
    };
  }
  const ok = got.size === wanted.size && [...got].every((id) => wanted.has(id));
  return { ok, lenient: undefined };
}

interface LpmDiff {
  readonly missing: readonly ExpectedLpmEntry[];
  readonly extra: readonly LpmEntry[];
  readonly different: readonly { expected: ExpectedLpmEntry; actual: LpmEntry; verdict: SlotVerdict }[];
}

/**
 * Identifiers sharing PolicyEndpoints share expected entries and (cached) dumps: each pair is diffed once. One per
 * audit, in the node compare context.
 */
export class LpmDiffs {
  private readonly byExpected = new WeakMap<readonly ExpectedLpmEntry[], WeakMap<readonly LpmEntry[], LpmDiff>>();

  get(expected: readonly ExpectedLpmEntry[], actual: readonly LpmEntry[]): LpmDiff | undefined {
    return this.byExpected.get(expected)?.get(actual);
  }

  set(expected: readonly ExpectedLpmEntry[], actual: readonly LpmEntry[], diff: LpmDiff): void {
    let byDump = this.byExpected.get(expected);
    if (byDump === undefined) {
      byDump = new WeakMap();
      this.byExpected.set(expected, byDump);
    }
    byDump.set(actual, diff);
  }
}

function kernelKey(context: NodeCompareContext, entry: LpmEntry): string {
  return entry.prefixLen === 32 && !entry.ip.includes(':') ? entry.cidr : canonical(context, entry.cidr);
}

function diffLpm(
  context: NodeCompareContext,
  expectedEntries: readonly ExpectedLpmEntry[],
  contents: { readonly entries: readonly LpmEntry[]; readonly firstSlotOnly: boolean },
): LpmDiff {
  const cached = context.lpmDiffs.get(expectedEntries, contents.entries);
  if (cached !== undefined && !contents.firstSlotOnly) return cached;
  const actualEntries = contents.entries;
  /** Kernel key → position of its (last) entry in the dump; `matched` marks the positions an expected key hit. */
  const actualByKey = new Map<string, number>();
  for (let i = 0; i < actualEntries.length; i++) {
    const entry = actualEntries[i];
    if (entry !== undefined) actualByKey.set(kernelKey(context, entry), i);
  }
  const matched = new Uint8Array(actualEntries.length);
  const missing: ExpectedLpmEntry[] = [];
  const different: { expected: ExpectedLpmEntry; actual: LpmEntry; verdict: SlotVerdict }[] = [];
  for (const entry of expectedEntries) {
    const key = entry.cidr.endsWith('/32') ? entry.cidr : canonical(context, entry.cidr);
    const position = actualByKey.get(key);
    const actual = position === undefined ? undefined : actualEntries[position];
    if (position === undefined || actual === undefined) {
      missing.push(entry);
      continue;
    }
    matched[position] = 1;
    const verdict = compareSlots(entry, actual.values, contents.firstSlotOnly);
    if (!verdict.ok) different.push({ expected: entry, actual, verdict });
  }
  const extra: LpmEntry[] = [];
  for (const position of actualByKey.values()) {
    const entry = actualEntries[position];
    if (matched[position] === 0 && entry !== undefined) extra.push(entry);
  }
  const diff = { missing, extra, different };
  context.lpmDiffs.set(expectedEntries, contents.entries, diff);
  return diff;
}

/** ingress_map / egress_map of one identifier and direction. */
export function compareLpmMap(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
  program: LoadedProgram,
  direction: PolicyDirection,
): void {
  const expectedMaps = state.maps;
  if (expectedMaps === undefined) return;
  const role: MapRole = direction === 'ingress' ? 'ingress_map' : 'egress_map';
  const found = dumpOf(context, program, role);
  if (found === undefined) return;
  const contents = lpmEntries(found.dump);
  if (contents === undefined) return;
  const expectedDirection = expectedMaps[direction];
  const nodeName = context.expected.nodeName;
  const resource = identifierResource(state.podIdentifier, nodeName, state.pods);
  const mapLabel = `${role} (map ${found.id}, ${found.dump.file})`;
  const owners = `pods ${podList(state.pods)}`;
  const { missing, extra, different } = diffLpm(context, expectedDirection.entries, contents);

  const posture = `${direction} posture ${expectedDirection.posture}`;
  emitCapped(
    context,
    missing,
    (entry) =>
      findingOf(
        NODE_LPM_ENTRY_MISSING,
        resource,
        `${mapLabel} of ${owners} lacks ${context.owners.describe(entry.cidr)} → ${describeSlots(entry.ports)}` +
          (entry.origin === 'node-ip' ? ' (the node-IP key that admits kubelet probes)' : '') +
          (entry.origin === 'except' ? ' (an except key: the CIDR is not denied)' : '') +
          ` [${posture}; PolicyEndpoints ${listSome(state.policyEndpoints)}]`,
        {
          expected: { cidr: entry.cidr, ports: entry.ports, origin: entry.origin },
          actual: null,
          identity: `${role}|${canonical(context, entry.cidr)}`,
          ...(entry.origin === 'node-ip'
            ? { upstreamIssue: `${NODE_LPM_ENTRY_MISSING.upstreamIssue ?? ''}, ${UPSTREAM.nodeIpKeyMissing}` }
            : {}),
        },
      ),
    (rest) =>
      findingOf(
        NODE_LPM_ENTRY_MISSING,
        resource,
        `${mapLabel} of ${owners} lacks ${rest.length} more expected keys: ${listSome(
          rest.map((e) => e.cidr),
          10,
        )}`,
        {
          expected: rest.map((e) => e.cidr),
          identity: keysIdentity(
            role,
            rest.map((e) => canonical(context, e.cidr)),
          ),
        },
      ),
  );
  emitCapped(
    context,
    extra,
    (entry) =>
      findingOf(
        NODE_LPM_ENTRY_EXTRA,
        resource,
        `${mapLabel} of ${owners} holds ${context.owners.describe(entry.cidr)} → ${describeSlots(entry.values)} (line ${entry.line}), which no PolicyEndpoint asks for: a stale rule (e.g. a deselected pod, PR #645)` +
          (state.policyEndpoints.length === 0 ? '; no PolicyEndpoint selects these pods at all' : ''),
        {
          expected: null,
          actual: { cidr: entry.cidr, ports: entry.values.map(plainSlot), line: entry.line },
          identity: `${role}|${canonical(context, entry.cidr)}`,
        },
      ),
    (rest) =>
      findingOf(
        NODE_LPM_ENTRY_EXTRA,
        resource,
        `${mapLabel} of ${owners} holds ${rest.length} more unexpected keys: ${listSome(
          rest.map((e) => e.cidr),
          10,
        )}`,
        {
          actual: rest.map((e) => e.cidr),
          identity: keysIdentity(
            role,
            rest.map((e) => canonical(context, e.cidr)),
          ),
        },
      ),
  );
  emitCapped(
    context,
    different,
    ({ expected, actual, verdict }) => {
      const order = expected.orderDependent
        ? "; several differently written CIDRs map to this key, so the agent's last write decides (order-dependent, reported leniently)"
        : '';
      return findingOf(
        NODE_LPM_PORTS_MISMATCH,
        resource,
        `${mapLabel} of ${owners}: key ${context.owners.describe(expected.cidr)} (line ${actual.line}) allows ${describeSlots(actual.values)}, expected ${describeSlots(expected.ports)}` +
          (verdict.lenient === undefined ? '' : ` (${verdict.lenient})`) +
          order,
        {
          expected: {
            cidr: expected.cidr,
            ports: expected.ports,
            truncated: expected.truncated,
            orderDependent: expected.orderDependent,
          },
          actual: { cidr: actual.cidr, ports: actual.values.map(plainSlot), line: actual.line },
          identity: `${role}|${canonical(context, expected.cidr)}|${slotsIdentity(expected.ports)}|${slotsIdentity(actual.values)}`,
          ...(expected.orderDependent ? { severity: 'info' as const } : {}),
        },
      );
    },
    (rest) =>
      findingOf(
        NODE_LPM_PORTS_MISMATCH,
        resource,
        `${mapLabel} of ${owners}: ${rest.length} more keys with other ports: ${listSome(
          rest.map((r) => r.expected.cidr),
          10,
        )}`,
        {
          expected: rest.map((r) => r.expected.cidr),
          identity: keysIdentity(
            role,
            rest.map((r) => canonical(context, r.expected.cidr)),
          ),
        },
      ),
  );
}

/** A set of map keys as drift identity: sorted, so dump order and line numbers never enter it. */
function keysIdentity(label: string, keys: readonly string[]): string {
  return `${label}:${[...keys].sort().join(',')}`;
}

/** The (protocol, port range) slots a key holds, sorted: the ports part of a key's drift identity. */
function slotsIdentity(slots: readonly { protocol: number | null; startPort: number; endPort: number }[]): string {
  return slots
    .map((slot) => slotId(slot.protocol, slot.startPort, slot.endPort))
    .sort()
    .join(',');
}

function plainSlot(slot: PolicySlot): { protocol: number | null; startPort: number; endPort: number } {
  return { protocol: slot.protocol, startPort: slot.startPort, endPort: slot.endPort };
}

function emitCapped<T>(
  context: NodeCompareContext,
  items: readonly T[],
  one: (item: T) => NodeCompareContext['findings'][number],
  rollUp: (rest: readonly T[]) => NodeCompareContext['findings'][number],
): void {
  for (const item of items.slice(0, MAX_KEY_FINDINGS)) context.findings.push(one(item));
  if (items.length > MAX_KEY_FINDINGS) context.findings.push(rollUp(items.slice(MAX_KEY_FINDINGS)));
}

const STATE_NAMES: Readonly<Record<number, string>> = { 0: 'POLICIES_APPLIED', 1: 'DEFAULT_ALLOW', 2: 'DEFAULT_DENY' };

/** `<dir>_pod_state_map`: key 0 (v1.2+) and key 1 (v1.3+). */
export function comparePodState(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
  program: LoadedProgram,
  direction: PolicyDirection,
): void {
  const expected: ExpectedPodState | undefined = state.maps?.podState;
  if (expected === undefined) return;
  const role: MapRole = direction === 'ingress' ? 'ingress_pod_state_map' : 'egress_pod_state_map';
  const found = dumpOf(context, program, role);
  if (found === undefined) return;
  const outcome = found.dump.outcome;
  let actual: ReadonlyMap<number, number>;
  if (outcome.kind === 'empty-map') actual = new Map();
  else if (outcome.kind === 'pod-state-map') actual = new Map(outcome.entries.map((entry) => [entry.key, entry.state]));
  else return;

  const resource = identifierResource(state.podIdentifier, context.expected.nodeName, state.pods);
  const mapLabel = `${role} (map ${found.id}, ${found.dump.file})`;
  const keys: [number, PodStateName | undefined, string][] = [
    [0, expected.networkPolicy, 'NetworkPolicy'],
    [1, expected.clusterPolicy, 'ClusterNetworkPolicy'],
  ];
  for (const [key, name, meaning] of keys) {
    if (name === undefined) continue;
    const want = POD_STATE_VALUE[name];
    const got = actual.get(key);
    if (got === undefined) {
      context.findings.push(
        findingOf(
          NODE_POD_STATE_KEY_MISSING,
          resource,
          `${mapLabel} of pods ${podList(state.pods)} has no key ${key} (${meaning} state, expected ${name}): the ${direction} program drops every packet`,
          {
            expected: { key, state: want, name },
            actual: null,
            identity: `${role}|key ${key}`,
            ...(key === 1 ? { upstreamIssue: UPSTREAM.clusterPolicyKeyMissing } : {}),
          },
        ),
      );
      continue;
    }
    if (got === want) continue;
    const stale = got === POD_STATE_VALUE.POLICIES_APPLIED;
    const gotName = STATE_NAMES[got] ?? `unknown state ${got}`;
    const why = stale
      ? `no ${key === 0 ? 'PolicyEndpoint' : 'ClusterPolicyEndpoint'} selects these pods any more, yet the kernel still enforces rules (stale state)`
      : `${key === 0 ? `PolicyEndpoints ${listSome(state.policyEndpoints)}` : `ClusterPolicyEndpoints ${listSome(state.clusterPolicyEndpoints)}`} select these pods, yet the kernel does not apply them`;
    context.findings.push(
      findingOf(
        NODE_POD_STATE_MISMATCH,
        resource,
        `${mapLabel} of pods ${podList(state.pods)}: key ${key} (${meaning}) is ${got} ${gotName}, expected ${want} ${name}: ${why}`,
        {
          expected: { key, state: want, name },
          actual: { key, state: got, name: gotName },
          identity: `${role}|key ${key}|${got}`,
          ...(stale
            ? { upstreamIssue: `${NODE_POD_STATE_MISMATCH.upstreamIssue ?? ''}, ${UPSTREAM.stalePodState}` }
            : {}),
        },
      ),
    );
  }
}

function cpSlotId(slot: PortSlot & { readonly priority: number }): string {
  return `${slotId(slot.protocol, slot.startPort, slot.endPort)}:${slot.priority}`;
}

/** `cp_<dir>_map` (v1.3+): keys and (protocol, ports, priority) slots, one finding per map. */
export function compareCpMap(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
  program: LoadedProgram,
  direction: PolicyDirection,
): void {
  const expectedEntries: readonly ExpectedCpEntry[] | undefined =
    direction === 'ingress' ? state.maps?.cpIngress : state.maps?.cpEgress;
  if (expectedEntries === undefined) return;
  const role: MapRole = direction === 'ingress' ? 'cp_ingress_map' : 'cp_egress_map';
  const found = dumpOf(context, program, role);
  if (found === undefined) return;
  const outcome = found.dump.outcome;
  let entries: readonly CpEntry[];
  if (outcome.kind === 'empty-map') entries = [];
  else if (outcome.kind === 'cp-map') entries = outcome.entries;
  else return;

  const expectedByKey = new Map(expectedEntries.map((entry) => [canonical(context, entry.cidr), entry]));
  const actualByKey = new Map(entries.map((entry) => [canonical(context, entry.cidr), entry]));
  const missing = [...expectedByKey.keys()].filter((key) => !actualByKey.has(key));
  const extra = [...actualByKey.keys()].filter((key) => !expectedByKey.has(key));
  const different: string[] = [];
  for (const [key, entry] of expectedByKey) {
    const actual = actualByKey.get(key);
    if (actual === undefined) continue;
    const wanted = new Set(entry.ports.map(cpSlotId));
    const got = new Set(
      actual.values.map((slot) => `${slotId(slot.protocol, slot.startPort, slot.endPort)}:${slot.priority}`),
    );
    const same = entry.truncated
      ? got.size === wanted.size
      : got.size === wanted.size && [...got].every((id) => wanted.has(id));
    if (!same) different.push(key);
  }
  if (missing.length + extra.length + different.length === 0) return;
  const parts = [
    missing.length > 0 ? `missing ${listSome(missing.map((k) => context.owners.describe(k)))}` : '',
    extra.length > 0 ? `unexpected ${listSome(extra.map((k) => context.owners.describe(k)))}` : '',
    different.length > 0 ? `other slots on ${listSome(different)}` : '',
  ].filter((part) => part !== '');
  context.findings.push(
    findingOf(
      NODE_CP_ENTRY_MISMATCH,
      identifierResource(state.podIdentifier, context.expected.nodeName, state.pods),
      `${role} (map ${found.id}, ${found.dump.file}) of pods ${podList(state.pods)} differs from ClusterPolicyEndpoints ${state.clusterPolicyEndpoints.length === 0 ? '(none)' : listSome(state.clusterPolicyEndpoints)}: ${parts.join('; ')}`,
      {
        expected: { missing, different },
        actual: { extra, different },
        identity: [
          role,
          keysIdentity('missing', missing),
          keysIdentity('extra', extra),
          keysIdentity('other', different),
        ].join('|'),
      },
    ),
  );
}
