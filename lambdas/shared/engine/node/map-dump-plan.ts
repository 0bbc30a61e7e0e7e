/**
 * Which maps a collector dumps after `aws-eks-na-cli ebpf loaded-ebpfdata`, and with which subcommand (agent.md §1.2):
 * the same choice as the SSM collector's script, from the engine's own parser.
 */
import type { MapRole } from './model';
import { parseLoadedEbpfData } from './parsers/loaded-ebpfdata';
import { LOADED_EBPFDATA_FILE } from './readers/loaded-ebpfdata';

export type MapDumpSubcommand = 'dump-maps' | 'dump-cp-maps';

/** Where the agent's image and the node ship the CLI (agent.md §1.1). */
export const NA_CLI_PATH = '/opt/cni/bin/aws-eks-na-cli';

export interface MapDump {
  readonly id: number;
  readonly name: string;
  readonly subcommand: MapDumpSubcommand;
  /** Where the dump goes in the node directory. */
  readonly file: string;
}

export type MapDumpPlan =
  | { readonly kind: 'dumps'; readonly dumps: readonly MapDump[]; readonly unnamedMapIds: readonly number[] }
  | { readonly kind: 'unusable'; readonly reason: string };

const SUBCOMMAND_OF: Readonly<Partial<Record<MapRole, MapDumpSubcommand>>> = {
  ingress_map: 'dump-maps',
  egress_map: 'dump-maps',
  ingress_pod_state_map: 'dump-maps',
  egress_pod_state_map: 'dump-maps',
  cp_ingress_map: 'dump-cp-maps',
  cp_egress_map: 'dump-cp-maps',
};

/** The subcommand that dumps a map of this role; undefined for the roles no collector dumps (conntrack, events, unnamed). */
export function dumpSubcommandOf(role: MapRole): MapDumpSubcommand | undefined {
  return SUBCOMMAND_OF[role];
}

/** The maps of the listing to dump, first name per id; unnamed maps are listed apart (never dumped blind). */
export function mapDumpPlan(loadedEbpfDataText: string): MapDumpPlan {
  const parsed = parseLoadedEbpfData(loadedEbpfDataText, LOADED_EBPFDATA_FILE);
  if (!parsed.ok) return { kind: 'unusable', reason: parsed.error.message };
  if (parsed.value.kind !== 'loaded-ebpfdata') return { kind: 'unusable', reason: parsed.value.message };
  const seen = new Set<number>();
  const dumps: MapDump[] = [];
  const unnamedMapIds: number[] = [];
  for (const program of parsed.value.programs) {
    for (const map of program.maps) {
      if (seen.has(map.id)) continue;
      seen.add(map.id);
      if (map.role === 'unnamed') {
        unnamedMapIds.push(map.id);
        continue;
      }
      const subcommand = dumpSubcommandOf(map.role);
      if (subcommand !== undefined)
        dumps.push({ id: map.id, name: map.name, subcommand, file: `maps/${String(map.id)}.txt` });
    }
  }
  return { kind: 'dumps', dumps, unnamedMapIds };
}
