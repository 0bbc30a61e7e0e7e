import type { NotCheckedDefinition } from '../../model/not-checked';
import { NC_NODE_LOG_COLLECTOR_GAP, type NotCheckedKind } from '../../not-checked-catalog';
import type { MapRole } from '../model';
import { LOADED_EBPFDATA_FILE } from './loaded-ebpfdata';
import {
  logCollectorFilesIn,
  LOG_COLLECTOR_CP_MAPS_FILE,
  LOG_COLLECTOR_LOADED_EBPFDATA_FILE,
  LOG_COLLECTOR_MAPS_FILE,
  mapSectionName,
  NO_EBPF_FILES_REASON,
} from './log-collector';

export interface NotCollected {
  /** Appended to `node <name> `, e.g. `pod-state maps`. */
  readonly scope: string;
  readonly reason: string;
  readonly kind: NotCheckedDefinition<NotCheckedKind>;
}

/** Which collector filled the node directory, and so where each output is read from. */
export interface NodeBundleLayout {
  /** `collector`: ours (docs/snapshot.md, the SSM document); `eks-log-collector`: AWS's eks-log-collector.sh. */
  readonly kind: 'collector' | 'eks-log-collector';
  /** Relative to the node directory. */
  readonly loadedEbpfDataFile: string;
  /** Where the dump of map `id` is read from; null for a role this layout never dumps. */
  mapDumpFile(id: number, role: MapRole): string | null;
  /** The layout holds dumps of maps of this role (when the node has them). */
  dumps(role: MapRole): boolean;
  /** What this layout never collects (not a collection failure: the collector does not try). */
  readonly notCollected: readonly NotCollected[];
  /** Why the collector did not run aws-eks-na-cli at all, when the directory shows it (else null). */
  readonly cliNotRun: string | null;
}

const COLLECTOR_LAYOUT: NodeBundleLayout = {
  kind: 'collector',
  loadedEbpfDataFile: LOADED_EBPFDATA_FILE,
  mapDumpFile: (id) => `maps/${id}.txt`,
  dumps: () => true,
  notCollected: [],
  cliNotRun: null,
};

/** The all-maps file of each role eks-log-collector.sh dumps. */
const LOG_COLLECTOR_MAP_FILES: Readonly<Partial<Record<MapRole, string>>> = {
  ingress_map: LOG_COLLECTOR_MAPS_FILE,
  egress_map: LOG_COLLECTOR_MAPS_FILE,
  cp_ingress_map: LOG_COLLECTOR_CP_MAPS_FILE,
  cp_egress_map: LOG_COLLECTOR_CP_MAPS_FILE,
};

const LOG_COLLECTOR_LAYOUT: NodeBundleLayout = {
  kind: 'eks-log-collector',
  loadedEbpfDataFile: LOG_COLLECTOR_LOADED_EBPFDATA_FILE,
  mapDumpFile: (id, role) => {
    const file = LOG_COLLECTOR_MAP_FILES[role];
    return file === undefined ? null : mapSectionName(file, id);
  },
  dumps: (role) => LOG_COLLECTOR_MAP_FILES[role] !== undefined,
  cliNotRun: null,
  notCollected: [
    {
      kind: NC_NODE_LOG_COLLECTOR_GAP,
      scope: 'pod-state maps',
      reason:
        'the EKS log collector (eks-log-collector.sh) dumps only ingress_map/egress_map and cp maps, not ingress_pod_state_map/egress_pod_state_map',
    },
  ],
};

/** Our collector's layout, unless the directory has the log collector's `networking/` and no `loaded-ebpfdata.txt`. */
export function detectLayout(files: ReadonlyMap<string, string>): NodeBundleLayout {
  if (files.has(LOADED_EBPFDATA_FILE)) return COLLECTOR_LAYOUT;
  switch (logCollectorFilesIn(files.keys())) {
    case 'none':
      return COLLECTOR_LAYOUT;
    case 'ebpf-files':
      return LOG_COLLECTOR_LAYOUT;
    case 'bundle-without-ebpf-files':
      return { ...LOG_COLLECTOR_LAYOUT, cliNotRun: NO_EBPF_FILES_REASON };
  }
}
