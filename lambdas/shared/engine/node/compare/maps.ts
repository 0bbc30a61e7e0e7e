/**
 * Map contents: ingress_map/egress_map (keys + slot sets), pod state (key 0 / key 1), cp maps (agent.md §2.8, §6).
 */
import { upstreamText } from '../../model/check';
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
import { identifierResource, podList, type NodeCompareContext } from './context';
import {
  cpEntryMismatchMessage,
  lpmEntryExtraMessage,
  lpmEntryMissingMessage,
  lpmKeysExtraMessage,
  lpmKeysMissingMessage,
  lpmKeysPortsMismatchMessage,
  lpmPortsMismatchMessage,
  podStateKeyMissingMessage,
  podStateMismatchMessage,
  podStateMismatchReason,
  type MapSubject,
} from './map-messages';

/** Per map and check, at most this many per-key findings; the rest are rolled up into one. */
export const MAX_KEY_FINDINGS = 20;

function slotId(protocol: number | null, startPort: number, endPort: number): string {
  return `${protocol ?? 'UNKNOWN'}:${startPort}:${endPort}`;
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

/** The map a finding is about, and the pods of the identifier that share it. */
function mapSubject(
  role: MapRole,
  found: { id: number; dump: ParsedMapFile },
  state: ExpectedIdentifierState,
): MapSubject {
  return { mapLabel: `${role} (map ${found.id}, ${found.dump.file})`, owners: `pods ${podList(state.pods)}` };
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
  const subject = mapSubject(role, found, state);
  const placeholders = { mapId: String(found.id) };
  const { missing, extra, different } = diffLpm(context, expectedDirection.entries, contents);

  const posture = `${direction} posture ${expectedDirection.posture}`;
  emitCapped(
    context,
    missing,
    (entry) =>
      findingOf(
        NODE_LPM_ENTRY_MISSING,
        resource,
        lpmEntryMissingMessage(subject, {
          key: context.owners.describe(entry.cidr),
          slots: entry.ports,
          origin: entry.origin,
          posture,
          policyEndpoints: state.policyEndpoints,
        }),
        {
          expected: { cidr: entry.cidr, ports: entry.ports, origin: entry.origin },
          actual: null,
          placeholders,
          identity: `${role}|${canonical(context, entry.cidr)}`,
          ...(entry.origin === 'node-ip'
            ? { upstreamIssue: `${upstreamText(NODE_LPM_ENTRY_MISSING.upstream) ?? ''}, ${UPSTREAM.nodeIpKeyMissing}` }
            : {}),
        },
      ),
    (rest) =>
      findingOf(
        NODE_LPM_ENTRY_MISSING,
        resource,
        lpmKeysMissingMessage(
          subject,
          rest.map((e) => e.cidr),
        ),
        {
          expected: rest.map((e) => e.cidr),
          placeholders,
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
        lpmEntryExtraMessage(subject, {
          key: context.owners.describe(entry.cidr),
          slots: entry.values,
          line: entry.line,
          unselected: state.policyEndpoints.length === 0,
        }),
        {
          expected: null,
          actual: { cidr: entry.cidr, ports: entry.values.map(plainSlot), line: entry.line },
          placeholders,
          identity: `${role}|${canonical(context, entry.cidr)}`,
        },
      ),
    (rest) =>
      findingOf(
        NODE_LPM_ENTRY_EXTRA,
        resource,
        lpmKeysExtraMessage(
          subject,
          rest.map((e) => e.cidr),
        ),
        {
          actual: rest.map((e) => e.cidr),
          placeholders,
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
    ({ expected, actual, verdict }) =>
      findingOf(
        NODE_LPM_PORTS_MISMATCH,
        resource,
        lpmPortsMismatchMessage(subject, {
          key: context.owners.describe(expected.cidr),
          line: actual.line,
          actual: actual.values,
          expected: expected.ports,
          lenient: verdict.lenient,
          orderDependent: expected.orderDependent,
        }),
        {
          expected: {
            cidr: expected.cidr,
            ports: expected.ports,
            truncated: expected.truncated,
            orderDependent: expected.orderDependent,
          },
          actual: { cidr: actual.cidr, ports: actual.values.map(plainSlot), line: actual.line },
          placeholders,
          identity: `${role}|${canonical(context, expected.cidr)}|${slotsIdentity(expected.ports)}|${slotsIdentity(actual.values)}`,
          ...(expected.orderDependent ? { severity: 'info' as const } : {}),
        },
      ),
    (rest) =>
      findingOf(
        NODE_LPM_PORTS_MISMATCH,
        resource,
        lpmKeysPortsMismatchMessage(
          subject,
          rest.map((r) => r.expected.cidr),
        ),
        {
          expected: rest.map((r) => r.expected.cidr),
          placeholders,
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
  const subject = mapSubject(role, found, state);
  const placeholders = { mapId: String(found.id) };
  const keys: [number, PodStateName | undefined, string][] = [
    [0, expected.networkPolicy, 'NetworkPolicy'],
    [1, expected.clusterPolicy, 'ClusterNetworkPolicy'],
  ];
  for (const [key, name, meaning] of keys) {
    if (name === undefined) continue;
    const want = POD_STATE_VALUE[name];
    const stateKey = { key, meaning, expectedName: name };
    const got = actual.get(key);
    if (got === undefined) {
      const strayKeys = [...actual.keys()].filter((candidate) => candidate !== 0 && candidate !== 1);
      const upstream: string[] = [
        ...(key === 1 ? [UPSTREAM.clusterPolicyKeyMissing] : []),
        ...(strayKeys.length > 0 ? [UPSTREAM.strayPodStateKey] : []),
      ];
      if (upstream.length === 0) upstream.push(UPSTREAM.incompleteMapSet);
      context.findings.push(
        findingOf(
          NODE_POD_STATE_KEY_MISSING,
          resource,
          podStateKeyMissingMessage(subject, stateKey, direction, strayKeys),
          {
            expected: { key, state: want, name },
            actual: strayKeys.length > 0 ? { strayKeys } : null,
            placeholders,
            identity: `${role}|key ${key}`,
            upstreamIssue: upstream.join(', '),
          },
        ),
      );
      continue;
    }
    if (got === want) continue;
    const stale = got === POD_STATE_VALUE.POLICIES_APPLIED;
    const gotName = STATE_NAMES[got] ?? `unknown state ${got}`;
    const reason = podStateMismatchReason(key, stale, state);
    context.findings.push(
      findingOf(
        NODE_POD_STATE_MISMATCH,
        resource,
        podStateMismatchMessage(subject, stateKey, { state: got, name: gotName, expectedState: want, reason }),
        {
          expected: { key, state: want, name },
          actual: { key, state: got, name: gotName },
          placeholders,
          identity: `${role}|key ${key}|${got}`,
          ...(stale
            ? { upstreamIssue: `${upstreamText(NODE_POD_STATE_MISMATCH.upstream) ?? ''}, ${UPSTREAM.stalePodState}` }
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
  const placeholders = { mapId: String(found.id) };
  context.findings.push(
    findingOf(
      NODE_CP_ENTRY_MISMATCH,
      identifierResource(state.podIdentifier, context.expected.nodeName, state.pods),
      cpEntryMismatchMessage(mapSubject(role, found, state), state.clusterPolicyEndpoints, {
        missing: missing.map((k) => context.owners.describe(k)),
        extra: extra.map((k) => context.owners.describe(k)),
        other: different,
      }),
      {
        expected: { missing, different },
        actual: { extra, different },
        placeholders,
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
