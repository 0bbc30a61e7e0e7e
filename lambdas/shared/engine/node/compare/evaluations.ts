/** Which node checks ran on which resource, so the report can say what passed (model/outcome.ts). */
import type { Evaluation } from '../../model/outcome';
import type { ParsedNodeBundle } from '../bundle';
import type { ExpectedIdentifierState, ExpectedNodeState } from '../expected/expected-node-state';
import {
  NODE_AGENT_VERSION_MISMATCH,
  NODE_COLLECTION_FAILED,
  NODE_COLLECTION_INCOMPLETE,
  NODE_CP_ENTRY_MISMATCH,
  NODE_FILTER_MISSING,
  NODE_FILTER_PROGRAM_MISMATCH,
  NODE_LPM_ENTRY_EXTRA,
  NODE_LPM_ENTRY_MISSING,
  NODE_LPM_PORTS_MISMATCH,
  NODE_MAP_UNMANAGED,
  NODE_ORPHANED_PINS,
  NODE_OUTPUT_UNPARSEABLE,
  NODE_POD_STATE_KEY_MISSING,
  NODE_POD_STATE_MISMATCH,
  NODE_PROGRAM_MAPS_INCOMPLETE,
  NODE_PROGRAM_MISSING,
  NODE_PROGRAM_NOT_ATTACHED,
  NODE_VETH_NOT_FOUND,
} from './checks';
import type { CollectionVerdict } from './collection';
import { identifierResource, nodeResource, podResource } from './context';

const COLLECTION = [
  NODE_COLLECTION_FAILED,
  NODE_COLLECTION_INCOMPLETE,
  NODE_OUTPUT_UNPARSEABLE,
  NODE_AGENT_VERSION_MISMATCH,
];
const FILTERS = [NODE_VETH_NOT_FOUND, NODE_FILTER_MISSING, NODE_FILTER_PROGRAM_MISMATCH];
const PROGRAMS = [NODE_PROGRAM_MISSING, NODE_PROGRAM_MAPS_INCOMPLETE, NODE_MAP_UNMANAGED];
/** Whether a pinned program is attached is read from tc. */
const ATTACHMENT = [NODE_PROGRAM_NOT_ATTACHED];
const MAPS = [NODE_LPM_ENTRY_MISSING, NODE_LPM_ENTRY_EXTRA, NODE_LPM_PORTS_MISMATCH, NODE_CP_ENTRY_MISMATCH];
const POD_STATE_MAPS = [NODE_POD_STATE_KEY_MISSING, NODE_POD_STATE_MISMATCH];

/** Both programs pinned with named maps: the maps were compared. */
function mapsCompared(bundle: ParsedNodeBundle, state: ExpectedIdentifierState): boolean {
  return (['ingress', 'egress'] as const).every((direction) => {
    const program = bundle.program(state.podIdentifier, direction);
    return program !== undefined && !program.maps.some((map) => map.role === 'unnamed');
  });
}

function identifierEvaluations(
  bundle: ParsedNodeBundle,
  nodeName: string,
  state: ExpectedIdentifierState,
  collection: CollectionVerdict,
): Evaluation[] {
  const result: Evaluation[] = [];
  if (collection.tcAvailable) {
    for (const pod of state.pods)
      if (pod.needsFilters) result.push({ checks: FILTERS, resource: podResource(pod, nodeName) });
  }
  if (collection.failed) return result;
  const resource = identifierResource(state.podIdentifier, nodeName, state.pods);
  result.push({ checks: collection.tcAvailable ? [...PROGRAMS, ...ATTACHMENT] : PROGRAMS, resource });
  if (state.needsFilters && mapsCompared(bundle, state)) {
    const podStateDumped = bundle.layout.dumps('ingress_pod_state_map');
    result.push({ checks: podStateDumped ? [...MAPS, ...POD_STATE_MAPS] : MAPS, resource });
  }
  return result;
}

export const nodeEvaluations = {
  /** Collection and agent version: checked for every node whose outputs were read. */
  collection: (nodeName: string): Evaluation => ({ checks: COLLECTION, resource: nodeResource(nodeName) }),

  /** Filters per pod, programs and maps per pod identifier, orphaned pins per node. */
  compared(bundle: ParsedNodeBundle, expected: ExpectedNodeState, collection: CollectionVerdict): Evaluation[] {
    const nodeName = expected.nodeName;
    const result: Evaluation[] = [];
    for (const state of expected.identifiers) {
      if (state.pods.length > 0) result.push(...identifierEvaluations(bundle, nodeName, state, collection));
    }
    if (!collection.failed) result.push({ checks: [NODE_ORPHANED_PINS], resource: nodeResource(nodeName) });
    return result;
  },
};
