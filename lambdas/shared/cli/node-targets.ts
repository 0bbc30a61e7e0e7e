import type { ClusterInventory } from '#engine';
import type { Focus } from '../service/contract';
import { pickNodes, type NodePick } from '../service/node-selection';
import type { ProgressReporter } from './progress';

/** `--nodes`, `--pods`, `--namespaces`: which nodes `--collect-nodes` collects. */
export interface NodeNarrowing {
  nodes?: string[];
  pods?: string[];
  namespaces?: string[];
}

export function focusOf(flags: NodeNarrowing): Focus {
  return {
    ...(flags.pods === undefined ? {} : { pods: flags.pods }),
    ...(flags.namespaces === undefined ? {} : { namespaces: flags.namespaces }),
  };
}

/** The service's node selection for the focus, then only the nodes `--nodes` names. */
export function nodesToCollect(
  inventory: ClusterInventory,
  focus: Focus,
  only: readonly string[] | undefined,
  progress: ProgressReporter,
): NodePick {
  const pick = pickNodes(inventory, 'all', focus);
  const wanted = only === undefined ? undefined : new Set(only);
  const instances = pick.instances.filter((instance) => wanted?.has(instance.nodeName) ?? true);
  if (instances.length < pick.instances.length)
    progress.detail(`${String(pick.instances.length - instances.length)} node(s) left out by --nodes`);
  return { instances, skipped: pick.skipped };
}
