/**
 * The messages of the map checks (maps.ts), one small builder per check and variant, so each sentence can be read
 * (and changed) on its own. The builders take described values (keys with their owners, slots as text) and do no
 * comparison.
 */
import type { LpmEntryOrigin } from '../expected/map-entry';
import type { PolicyDirection } from '../model';
import { listSome } from './context';

type Slot = { readonly protocol: number | null; readonly startPort: number; readonly endPort: number };

const PROTOCOL_TEXT: Readonly<Record<number, string>> = {
  6: 'TCP',
  17: 'UDP',
  132: 'SCTP',
  1: 'ICMP',
  254: 'ANY',
  255: 'RESERVED',
};

export function describeSlot(slot: Slot): string {
  const protocol = slot.protocol === null ? 'UNKNOWN' : (PROTOCOL_TEXT[slot.protocol] ?? String(slot.protocol));
  if (slot.protocol === 255) return 'RESERVED (deny)';
  if (slot.startPort === 0) return protocol === 'ANY' ? 'ANY' : `${protocol} any port`;
  return slot.endPort === 0 ? `${protocol} ${slot.startPort}` : `${protocol} ${slot.startPort}-${slot.endPort}`;
}

export function describeSlots(slots: readonly Slot[]): string {
  return slots.length === 0 ? 'no slot' : slots.map(describeSlot).join(', ');
}

/** The map a finding is about and the pods that share it: `ingress_map (map 93, maps/93.txt) of pods shop/web-1`. */
export interface MapSubject {
  readonly mapLabel: string;
  readonly owners: string;
}

/** How many keys a roll-up lists by name. */
const ROLL_UP_KEYS = 10;

function rolledUp(keys: readonly string[]): string {
  return listSome(keys, ROLL_UP_KEYS);
}

const ORIGIN_NOTE: Readonly<Partial<Record<LpmEntryOrigin, string>>> = {
  'node-ip': ' (the node-IP key that admits kubelet probes)',
  except: ' (an except key: the CIDR is not denied)',
};

/** NODE-LPM-ENTRY-MISSING, one key. */
export function lpmEntryMissingMessage(
  subject: MapSubject,
  missing: {
    readonly key: string;
    readonly slots: readonly Slot[];
    readonly origin: LpmEntryOrigin;
    readonly posture: string;
    readonly policyEndpoints: readonly string[];
  },
): string {
  return (
    `${subject.mapLabel} of ${subject.owners} lacks ${missing.key} → ${describeSlots(missing.slots)}` +
    (ORIGIN_NOTE[missing.origin] ?? '') +
    ` [${missing.posture}; PolicyEndpoints ${listSome(missing.policyEndpoints)}]`
  );
}

/** NODE-LPM-ENTRY-MISSING, the keys past the per-map cap. */
export function lpmKeysMissingMessage(subject: MapSubject, keys: readonly string[]): string {
  return `${subject.mapLabel} of ${subject.owners} lacks ${keys.length} more expected keys: ${rolledUp(keys)}`;
}

/** NODE-LPM-ENTRY-EXTRA, one key. */
export function lpmEntryExtraMessage(
  subject: MapSubject,
  extra: { readonly key: string; readonly slots: readonly Slot[]; readonly line: number; readonly unselected: boolean },
): string {
  return (
    `${subject.mapLabel} of ${subject.owners} holds ${extra.key} → ${describeSlots(extra.slots)} (line ${extra.line}), ` +
    'which no PolicyEndpoint asks for: a stale rule (e.g. a deselected pod, PR #645)' +
    (extra.unselected ? '; no PolicyEndpoint selects these pods at all' : '')
  );
}

/** NODE-LPM-ENTRY-EXTRA, the keys past the per-map cap. */
export function lpmKeysExtraMessage(subject: MapSubject, keys: readonly string[]): string {
  return `${subject.mapLabel} of ${subject.owners} holds ${keys.length} more unexpected keys: ${rolledUp(keys)}`;
}

/** NODE-LPM-PORTS-MISMATCH, one key. */
export function lpmPortsMismatchMessage(
  subject: MapSubject,
  mismatch: {
    readonly key: string;
    readonly line: number;
    readonly actual: readonly Slot[];
    readonly expected: readonly Slot[];
    readonly lenient: string | undefined;
    readonly orderDependent: boolean;
  },
): string {
  return (
    `${subject.mapLabel} of ${subject.owners}: key ${mismatch.key} (line ${mismatch.line}) allows ` +
    `${describeSlots(mismatch.actual)}, expected ${describeSlots(mismatch.expected)}` +
    (mismatch.lenient === undefined ? '' : ` (${mismatch.lenient})`) +
    (mismatch.orderDependent
      ? "; several differently written CIDRs map to this key, so the agent's last write decides (order-dependent, reported leniently)"
      : '')
  );
}

/** NODE-LPM-PORTS-MISMATCH, the keys past the per-map cap. */
export function lpmKeysPortsMismatchMessage(subject: MapSubject, keys: readonly string[]): string {
  return `${subject.mapLabel} of ${subject.owners}: ${keys.length} more keys with other ports: ${rolledUp(keys)}`;
}

/** One key of a pod-state map: 0 for NetworkPolicy, 1 for ClusterNetworkPolicy. */
export interface PodStateKey {
  readonly key: number;
  readonly meaning: string;
  /** The expected state, by name (POLICIES_APPLIED, DEFAULT_ALLOW, DEFAULT_DENY). */
  readonly expectedName: string;
}

/** NODE-POD-STATE-KEY-MISSING. */
export function podStateKeyMissingMessage(
  subject: MapSubject,
  key: PodStateKey,
  direction: PolicyDirection,
  strayKeys: readonly number[] = [],
): string {
  const stray =
    strayKeys.length === 0
      ? ''
      : `; it holds key(s) ${strayKeys.join(', ')} instead, which no agent writes: they take the map's room, so every write of key ${key.key} fails with E2BIG ("argument list too long") until the map is re-created`;
  return `${subject.mapLabel} of ${subject.owners} has no key ${key.key} (${key.meaning} state, expected ${key.expectedName}): the ${direction} program drops every packet${stray}`;
}

/** Why a pod-state key differs: stale rules still applied, or selected pods whose rules are not applied. */
export function podStateMismatchReason(
  key: number,
  stale: boolean,
  endpoints: { readonly policyEndpoints: readonly string[]; readonly clusterPolicyEndpoints: readonly string[] },
): string {
  if (stale) {
    return `no ${key === 0 ? 'PolicyEndpoint' : 'ClusterPolicyEndpoint'} selects these pods any more, yet the kernel still enforces rules (stale state)`;
  }
  const selecting =
    key === 0
      ? `PolicyEndpoints ${listSome(endpoints.policyEndpoints)}`
      : `ClusterPolicyEndpoints ${listSome(endpoints.clusterPolicyEndpoints)}`;
  return `${selecting} select these pods, yet the kernel does not apply them`;
}

/** NODE-POD-STATE-MISMATCH. */
export function podStateMismatchMessage(
  subject: MapSubject,
  key: PodStateKey,
  found: { readonly state: number; readonly name: string; readonly expectedState: number; readonly reason: string },
): string {
  return `${subject.mapLabel} of ${subject.owners}: key ${key.key} (${key.meaning}) is ${found.state} ${found.name}, expected ${found.expectedState} ${key.expectedName}: ${found.reason}`;
}

/** NODE-CP-ENTRY-MISMATCH: the keys missing, unexpected and with other slots, each described. */
export function cpEntryMismatchMessage(
  subject: MapSubject,
  clusterPolicyEndpoints: readonly string[],
  differences: {
    readonly missing: readonly string[];
    readonly extra: readonly string[];
    readonly other: readonly string[];
  },
): string {
  const parts = [
    differences.missing.length > 0 ? `missing ${listSome(differences.missing)}` : '',
    differences.extra.length > 0 ? `unexpected ${listSome(differences.extra)}` : '',
    differences.other.length > 0 ? `other slots on ${listSome(differences.other)}` : '',
  ].filter((part) => part !== '');
  const endpoints = clusterPolicyEndpoints.length === 0 ? '(none)' : listSome(clusterPolicyEndpoints);
  return `${subject.mapLabel} of ${subject.owners} differs from ClusterPolicyEndpoints ${endpoints}: ${parts.join('; ')}`;
}
