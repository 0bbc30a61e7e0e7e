import type { IpFamily } from '../facts/cidr';

/**
 * Typed results of the node output parsers (agent.md §1.3, §2.1–2.5, §3.1).
 * Every record carries the 1-based `line` it was read from, so findings can point back at the raw output.
 */

/** Direction of the NPA program: `handle_ingress` guards traffic into the pod, `handle_egress` traffic out of it. */
export type PolicyDirection = 'ingress' | 'egress';
/** tc hook on the host-side veth. tc `egress` carries `handle_ingress`, tc `ingress` carries `handle_egress` (§3.1). */
export type TcHook = 'ingress' | 'egress';

/** Inclusive semver bounds of the agent (NPA) versions an output format implies; `max: null` = no known upper bound. */
export interface AgentVersionRange {
  readonly min: string;
  readonly max: string | null;
  readonly label: string;
}

// ---------------------------------------------------------------- protocol numbers (§2.3)

export const PROTOCOL = { ICMP: 1, TCP: 6, UDP: 17, SCTP: 132, ANY: 254, RESERVED: 255 } as const;

/** `null` = the CLI printed `UNKNOWN` (a number outside its table; the value itself is lost). */
export type ProtocolNumber = number | null;

export function isAnyProtocol(protocol: ProtocolNumber): boolean {
  return protocol === PROTOCOL.ANY;
}

/** 255 is the deny (except) marker: the datapath returns DENY as soon as it meets such a slot. */
export function isReservedProtocol(protocol: ProtocolNumber): boolean {
  return protocol === PROTOCOL.RESERVED;
}

// ---------------------------------------------------------------- outcomes shared by all aws-eks-na-cli commands (§1.3.8)

/** `Walking map: <name> (type=<t>, id=<id>)`, printed first by the IPv6 CLI from v1.3.0. `mapName` is usually ''. */
export interface WalkingMapHeader {
  readonly line: number;
  readonly mapName: string;
  readonly mapType: number;
  readonly mapId: number;
}

export type CliErrorCategory =
  | 'map-not-found'
  | 'permission-denied'
  | 'unsupported-map-type'
  | 'invalid-map-id'
  | 'bpffs-not-mounted'
  | 'bpf-directory-walk-failed'
  | 'first-key-not-found'
  | 'other';

/** `Failed to execute the cmd -  <message>` (stdout, exit status 0). */
export interface CliErrorOutput {
  readonly kind: 'cli-error';
  readonly line: number;
  readonly message: string;
  readonly category: CliErrorCategory;
  readonly header: WalkingMapHeader | null;
  /** Lines printed before the error line (partial output is not interpreted). */
  readonly precedingLineCount: number;
}

/** Cobra argument error: `Error: <message>` followed by usage (exit status 1). */
export interface CliUsageErrorOutput {
  readonly kind: 'cli-usage-error';
  readonly line: number;
  readonly message: string;
}

/**
 * An empty map. `reportedAs`:
 * - `lpm-or-lru`: `No Entries found, Empty map` (IPv4 CLI v1.0.4+, LPM and conntrack maps);
 * - `hash`: `No entries found, empty HASH map (pod_state_map?)` (IPv4 CLI v1.2.0+);
 * - `ipv6-first-key-enoent`: the IPv6 CLI's `Walking map:` header followed by
 *   `Failed to execute the cmd -  Unable to get First key: no such file or directory` (§1.3.4: no ENOENT handling).
 */
export interface EmptyMapOutput {
  readonly kind: 'empty-map';
  readonly line: number;
  readonly message: string;
  readonly reportedAs: 'lpm-or-lru' | 'hash' | 'ipv6-first-key-enoent';
  readonly header: WalkingMapHeader | null;
}

/** IPv6 CLI v1.3.0+ on a HASH (pod-state) map: it prints the header and nothing else (§1.3.6). Contents unknown. */
export interface HeaderOnlyOutput {
  readonly kind: 'header-only';
  readonly header: WalkingMapHeader;
}

export type CliFailure = CliErrorOutput | CliUsageErrorOutput;
export type MapDumpOutcome<T> = T | CliFailure | EmptyMapOutput | HeaderOnlyOutput;

// ---------------------------------------------------------------- tc (§3.1)

export interface TcFilter {
  readonly line: number;
  readonly protocol: string;
  readonly pref: number;
  /** Classifier kind, `bpf` for NPA. */
  readonly kind: string;
  readonly chain: number | null;
  readonly handle: number;
  /** `TCA_BPF_NAME`: `handle_ingress` / `handle_egress` for NPA; null when tc printed none. */
  readonly name: string | null;
  readonly directAction: boolean;
  readonly notInHw: boolean;
  readonly programId: number | null;
  /** Kernel program name: '' for NPA programs; null when iproute2 (< ~5.15) does not print the `name` token. */
  readonly programName: string | null;
  readonly tag: string | null;
  readonly jited: boolean;
}

export interface TcFilterOutput {
  readonly kind: 'tc-filters';
  readonly source: 'text' | 'json';
  /** The hook the command asked for; the output itself does not say it. */
  readonly hook: TcHook | null;
  /** `filter protocol … pref … chain …` header lines (text) / objects without options (JSON). */
  readonly chainHeaderCount: number;
  readonly filters: readonly TcFilter[];
  /** Whether the program-name token is printed (iproute2 ≥ ~5.15); null when no filter shows program info. */
  readonly programNameToken: 'present' | 'absent' | null;
}

export interface TcQdisc {
  readonly line: number;
  readonly kind: string;
  readonly handle: string;
  /** `root`, or the parent handle (`ffff:fff1` for clsact). */
  readonly parent: string;
}

export interface TcQdiscOutput {
  readonly kind: 'tc-qdiscs';
  readonly qdiscs: readonly TcQdisc[];
}

// ---------------------------------------------------------------- loaded-ebpfdata (§1.3.3, §2.1)

/** `-` up to v1.3.x (`nginx-5d8b9f7c6d-shop`), `@` from v1.4.0 (`nginx-5d8b9f7c6d@shop`). */
export type PodIdentifierSeparator = '-' | '@';

export interface PodIdentifier {
  readonly raw: string;
  readonly separator: PodIdentifierSeparator;
  /** Known only in the `@` form; the `-` form is ambiguous (names and namespaces contain `-`). */
  readonly namePrefix: string | null;
  readonly namespace: string | null;
}

export type MapRole =
  | 'ingress_map'
  | 'egress_map'
  | 'ingress_pod_state_map'
  | 'egress_pod_state_map'
  | 'cp_ingress_map'
  | 'cp_egress_map'
  | 'aws_conntrack_map'
  | 'policy_events'
  /** Empty `Map Name:`: the program references a map that has no pin (drift signal). */
  | 'unnamed'
  | 'unknown';

export interface LoadedProgramMap {
  readonly line: number;
  /** As printed; may be '' and may carry a mangled prefix (`app-5f@ns_ingress_map`, §1.3.3). */
  readonly name: string;
  readonly id: number;
  readonly role: MapRole;
}

export interface LoadedProgram {
  readonly line: number;
  readonly pinPath: string;
  /** Derived from the pin path (authoritative; the printed one is wrong before v1.3.2 for identifiers with `_`). */
  readonly podIdentifier: PodIdentifier;
  readonly direction: PolicyDirection;
  readonly printedPodIdentifier: string;
  readonly printedDirection: string;
  /** `Prog ID:` (v1.0.7+); null in the `Prog FD:` form. */
  readonly programId: number | null;
  /** `Prog FD:` (v1.0.1–v1.0.6); null in the `Prog ID:` form. */
  readonly programFd: number | null;
  readonly maps: readonly LoadedProgramMap[];
}

export interface LoadedEbpfDataOutput {
  readonly kind: 'loaded-ebpfdata';
  readonly programReference: 'id' | 'fd' | 'mixed' | null;
  readonly identifierSeparator: PodIdentifierSeparator | 'mixed' | null;
  readonly programs: readonly LoadedProgram[];
}

// ---------------------------------------------------------------- LPM and cp maps (§1.3.4, §1.3.5, §2.2, §2.3)

/** G1 v1.0.1–v1.0.6, G2 IPv4 CLI v1.0.7–v1.2.7 and IPv6 CLI v1.0.7+, G3 IPv4 CLI v1.3.0+. */
export type LpmGeneration = 'G1' | 'G2' | 'G3';

export interface PolicySlot {
  readonly line: number;
  /** Printed slot index (G1 reads slot 0 only). */
  readonly slot: number;
  readonly protocol: ProtocolNumber;
  /** As printed: `TCP`, `ANY PROTOCOL`, `254` (G1)… */
  readonly protocolLabel: string;
  readonly startPort: number;
  readonly endPort: number;
}

export interface MapKey {
  readonly line: number;
  readonly ip: string;
  readonly prefixLen: number;
  readonly cidr: string;
}

export interface LpmEntry extends MapKey {
  readonly values: readonly PolicySlot[];
}

/** G3 only: `error reading NetworkPolicy entry: …` / `error reading ClusterNetworkPolicy entry: …`; the walk goes on. */
export interface MapReadError {
  readonly line: number;
  readonly policyKind: 'NetworkPolicy' | 'ClusterNetworkPolicy';
  readonly message: string;
}

export interface LpmMapDump {
  readonly kind: 'lpm-map';
  readonly family: IpFamily;
  /** null when the dump has no key (only `Done reading all entries`). */
  readonly generation: LpmGeneration | null;
  /** Present only for the IPv6 CLI v1.3.0+. */
  readonly header: WalkingMapHeader | null;
  /** In printed order (kernel LPM post-order); compare slots as sets. */
  readonly entries: readonly LpmEntry[];
  readonly readErrors: readonly MapReadError[];
}

export type CpAction = 'deny' | 'accept' | 'pass' | 'unknown';
export type CpTier = 'admin' | 'baseline';

export interface CpPolicySlot extends PolicySlot {
  /** Raw stored value `tierPriority*10 + action`. */
  readonly priority: number;
  /** `floor(priority / 10)`; the datapath treats ≤ 1000 as Admin, > 1000 as Baseline (§2.6). */
  readonly tierPriority: number;
  readonly tier: CpTier;
  /** CNP `spec.priority`: tierPriority for Admin, tierPriority − 2000 for Baseline; null if not representable. */
  readonly policyPriority: number | null;
  readonly actionCode: number;
  readonly action: CpAction;
}

export interface CpEntry extends MapKey {
  readonly values: readonly CpPolicySlot[];
}

export interface CpMapDump {
  readonly kind: 'cp-map';
  readonly family: IpFamily;
  readonly entries: readonly CpEntry[];
  readonly readErrors: readonly MapReadError[];
}

// ---------------------------------------------------------------- pod state (§1.3.6, §2.4)

export const POD_STATE = { POLICIES_APPLIED: 0, DEFAULT_ALLOW: 1, DEFAULT_DENY: 2 } as const;
export type PodStateName = keyof typeof POD_STATE;

export interface PodStateEntry {
  readonly line: number;
  readonly key: number;
  /** Key 0 = NetworkPolicy state, key 1 = ClusterNetworkPolicy state (v1.3.0+). */
  readonly keyMeaning: 'network-policy' | 'cluster-network-policy' | 'unknown';
  readonly state: number;
  readonly stateName: PodStateName | null;
}

export interface PodStateMapDump {
  readonly kind: 'pod-state-map';
  readonly entries: readonly PodStateEntry[];
}

// ---------------------------------------------------------------- conntrack (§1.3.7, §2.5)

/** `no-owner` v1.0.1–v1.0.4; `owner-ip` v1.0.5–v1.3.5; `owner-ip-ifindex` v1.3.7 and v1.4.0+. */
export type ConntrackKeyGeneration = 'no-owner' | 'owner-ip' | 'owner-ip-ifindex';
/** `value-last-seen`: main after v1.4.1 (PR #610). */
export type ConntrackValueGeneration = 'value' | 'value-last-seen';

export type ConntrackAge =
  { readonly kind: 'never' } | { readonly kind: 'ago'; readonly text: string; readonly milliseconds: number };

export interface ConntrackLastSeen {
  /** u64 nanoseconds since boot as decimal text (exceeds 2^53 after ~104 days of uptime). */
  readonly ns: string;
  readonly age: ConntrackAge;
}

export interface ConntrackEntry {
  readonly line: number;
  readonly sourceIp: string;
  readonly sourcePort: number;
  readonly destIp: string;
  readonly destPort: number;
  readonly protocol: number;
  readonly ownerIp: string | null;
  readonly ifindex: number | null;
  /** `Conntrack Val`; meaning per version in §2.5. */
  readonly value: number;
  readonly lastSeen: ConntrackLastSeen | null;
}

export interface ConntrackDump {
  readonly kind: 'conntrack-map';
  readonly family: IpFamily;
  /** null when the dump has no entries. */
  readonly keyGeneration: ConntrackKeyGeneration | null;
  readonly valueGeneration: ConntrackValueGeneration | null;
  readonly header: WalkingMapHeader | null;
  readonly entries: readonly ConntrackEntry[];
}

// ---------------------------------------------------------------- ebpf progs / ebpf maps (§1.3.1, §1.3.2)

export interface BpfProgramSummary {
  readonly line: number;
  readonly type: number;
  readonly id: number;
  readonly mapCount: number;
}

export interface BpfProgramList {
  readonly kind: 'bpf-programs';
  readonly programs: readonly BpfProgramSummary[];
}

export interface BpfMapSummary {
  readonly line: number;
  readonly type: number;
  readonly id: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
}

export interface BpfMapList {
  readonly kind: 'bpf-maps';
  readonly maps: readonly BpfMapSummary[];
}
