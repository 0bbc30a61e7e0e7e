import { AGENT_RELEASE } from '../../facts/agent-behaviour';
import { familyBits } from '../../facts/cidr';
import { versionCompare } from '../../facts/version';
import type {
  AgentVersionRange,
  ConntrackDump,
  CpMapDump,
  LoadedEbpfDataOutput,
  LpmMapDump,
  PodStateMapDump,
} from '../model';
import { isAnyProtocol } from '../model';

const MAIN_AFTER_1_4_1 = 'main after v1.4.1 (v1.4.2 content unconfirmed)';

function range(min: string, max: string | null, label: string): AgentVersionRange {
  return { min, max, label };
}

/** Agent versions whose CLI prints this LPM dump format (§1.3.4). */
export function lpmDumpAgentVersions(dump: LpmMapDump): AgentVersionRange | null {
  switch (dump.generation) {
    case 'G1':
      return range('1.0.1', '1.0.6', 'G1: first slot only, numeric protocol');
    case 'G2':
      return dump.header === null
        ? range('1.0.7', '1.2.7', 'G2 without header (IPv4 CLI ≤ v1.2.7, IPv6 CLI before v1.3.0)')
        : range('1.3.0', null, 'G2 after the IPv6 CLI "Walking map:" header');
    case 'G3':
      return range('1.3.0', null, 'G3 (IPv4 CLI)');
    case null:
      return dump.header === null ? null : range('1.3.0', null, 'IPv6 CLI "Walking map:" header');
  }
}

/** dump-cp-maps exists from v1.3.0; a host-key `{ANY, priority 1}` slot is the node-IP entry of main after v1.4.1 (§2.8). */
export function cpDumpAgentVersions(dump: CpMapDump): AgentVersionRange {
  const hasNodeIpEntry = dump.entries.some(
    (entry) =>
      entry.prefixLen === familyBits(dump.family) &&
      entry.values.some((slot) => isAnyProtocol(slot.protocol) && slot.priority === 1),
  );
  return hasNodeIpEntry
    ? range('1.4.2', null, `${MAIN_AFTER_1_4_1}: cp node-IP entry`)
    : range('1.3.0', null, 'dump-cp-maps');
}

/** Pod-state maps exist from v1.2.0; key 1 (ClusterNetworkPolicy state) from v1.3.0 (§2.2). */
export function podStateAgentVersions(dump: PodStateMapDump): AgentVersionRange {
  if (dump.entries.some((entry) => entry.key === 1)) return range('1.3.0', null, 'pod-state keys 0 and 1');
  if (dump.entries.length > 0) return range('1.2.0', '1.2.7', 'pod-state key 0 only');
  return range('1.2.0', null, 'pod-state HASH map');
}

/** Conntrack key and value generations (§1.3.7), refined by the value encoding (§2.5). */
export function conntrackAgentVersions(dump: ConntrackDump): AgentVersionRange | null {
  switch (dump.keyGeneration) {
    case null:
      return null;
    case 'no-owner':
      return range('1.0.1', '1.0.4', 'conntrack key without Owner IP');
    case 'owner-ip': {
      if (dump.entries.some((entry) => entry.value >= 2))
        return range('1.3.0', '1.3.5', 'Owner IP key, GET_CT_VAL values');
      if (dump.entries.some((entry) => entry.value === 0))
        return range('1.2.0', '1.2.7', 'Owner IP key, value 0 (DEFAULT_ALLOW)');
      return range('1.0.5', '1.3.5', 'conntrack key with Owner IP');
    }
    case 'owner-ip-ifindex':
      return dump.valueGeneration === 'value-last-seen'
        ? range('1.4.2', null, `${MAIN_AFTER_1_4_1}: Last Seen`)
        : range('1.3.7', '1.4.1', 'conntrack key with Ifindex');
  }
}

/** Intersection of the signals in loaded-ebpfdata (§1.3.3); null when there are none or they contradict. */
export function loadedEbpfDataAgentVersions(output: LoadedEbpfDataOutput): AgentVersionRange | null {
  const minimums: [string, string][] = [];
  const maximums: [string, string][] = [];
  if (output.programReference === 'fd') maximums.push(['1.0.6', 'Prog FD']);
  if (output.programReference === 'id') minimums.push([AGENT_RELEASE.programIds, 'Prog ID']);
  if (output.identifierSeparator === '@') minimums.push([AGENT_RELEASE.atSeparator, '"@" identifiers']);
  if (output.identifierSeparator === '-') maximums.push(['1.3.7', '"-" identifiers']);
  const roles = new Set(output.programs.flatMap((program) => program.maps.map((map) => map.role)));
  if (roles.has('cp_ingress_map') || roles.has('cp_egress_map'))
    minimums.push([AGENT_RELEASE.clusterPolicyMaps, 'cp maps']);
  else if (roles.has('ingress_pod_state_map') || roles.has('egress_pod_state_map'))
    minimums.push([AGENT_RELEASE.podStateMaps, 'pod-state maps']);
  if (minimums.length + maximums.length === 0) return null;
  const min = minimums.map(([version]) => version).reduce((a, b) => (versionCompare(b, a) > 0 ? b : a), '1.0.1');
  const max = maximums
    .map(([version]) => version)
    .reduce<string | null>((a, b) => (a === null || versionCompare(b, a) < 0 ? b : a), null);
  if (max !== null && versionCompare(min, max) > 0) return null;
  return range(min, max, [...minimums, ...maximums].map(([, signal]) => signal).join(', '));
}
