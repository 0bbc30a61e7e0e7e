import type { ClusterInventory, NotCollectedNode } from '#engine';
import type { BatchInstance, Focus } from './contract';
import { MAX_BATCH_SIZE } from './contract';
import type { NodeSelection } from './config';

type InventoryNode = ClusterInventory['nodes'][number];

const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
const NODE_GROUP_LABEL = 'eks.amazonaws.com/nodegroup';
const OS_LABEL = 'kubernetes.io/os';
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** Why a node cannot run the SSM collector, or `undefined` when it can (aws.md A3.5, A3.6). */
function ineligibility(node: InventoryNode): string | undefined {
  const labels = node.metadata.labels ?? {};
  const computeType = labels[COMPUTE_TYPE_LABEL];
  if (computeType === 'fargate') return 'Fargate node: no eBPF network policy agent, not checked';
  if (computeType === 'hybrid') return 'hybrid node: the VPC CNI does not run there, not checked';
  if (computeType === 'auto') return 'EKS Auto Mode node: managed instance without SSM access, not checked';
  if (labels[OS_LABEL] === 'windows') return 'Windows node: network policy is not enforced by the agent, not checked';
  return undefined;
}

/** `aws:///<az>/<instance id>` -> the instance id (last path segment). */
export function instanceIdOf(providerId: string | undefined): string | undefined {
  const last = providerId?.split('/').pop();
  return last !== undefined && INSTANCE_ID.test(last) ? last : undefined;
}

export interface NodePick {
  readonly instances: readonly BatchInstance[];
  readonly skipped: readonly NotCollectedNode[];
}

function nodesOfFocus(inventory: ClusterInventory, focus: Focus): Set<string> | undefined {
  if (focus.pods === undefined && focus.namespaces === undefined) return undefined;
  const pods = new Set(focus.pods);
  const namespaces = new Set(focus.namespaces);
  const names = new Set<string>();
  for (const pod of inventory.pods) {
    const reference = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const inFocus = pods.has(reference) || namespaces.has(pod.metadata.namespace);
    if (inFocus && pod.spec.nodeName !== undefined) names.add(pod.spec.nodeName);
  }
  return names;
}

function limitPerNodeGroup(nodes: readonly InventoryNode[], perNodeGroup: number): InventoryNode[] {
  const taken = new Map<string, number>();
  return nodes.filter((node) => {
    const group = node.metadata.labels?.[NODE_GROUP_LABEL] ?? '';
    const count = taken.get(group) ?? 0;
    taken.set(group, count + 1);
    return count < perNodeGroup;
  });
}

/**
 * The nodes to collect: eligible Linux EC2 nodes, only those of the focused pods in a focused run, at most N per
 * managed node group when configured. Every node that is left out for a reason (not for sampling) is listed.
 */
export function pickNodes(inventory: ClusterInventory, selection: NodeSelection, focus: Focus): NodePick {
  const focused = nodesOfFocus(inventory, focus);
  const skipped: NotCollectedNode[] = [];
  const eligible: InventoryNode[] = [];
  for (const node of inventory.nodes) {
    if (focused !== undefined && !focused.has(node.metadata.name)) continue;
    const reason = ineligibility(node);
    if (reason !== undefined) skipped.push({ nodeName: node.metadata.name, reason });
    else if (instanceIdOf(node.spec.providerID) === undefined)
      skipped.push({
        nodeName: node.metadata.name,
        reason: `spec.providerID '${node.spec.providerID ?? ''}' names no EC2 instance, not checked`,
      });
    else eligible.push(node);
  }
  const picked = selection === 'all' ? eligible : limitPerNodeGroup(eligible, selection.perNodeGroup);
  const instances = picked.map((node) => ({
    nodeName: node.metadata.name,
    instanceId: instanceIdOf(node.spec.providerID) ?? '',
  }));
  return { instances, skipped };
}

/** Consecutive batches of at most 50 instances (one SendCommand each). */
export function toBatches(instances: readonly BatchInstance[]): BatchInstance[][] {
  const batches: BatchInstance[][] = [];
  for (let start = 0; start < instances.length; start += MAX_BATCH_SIZE) {
    batches.push(instances.slice(start, start + MAX_BATCH_SIZE));
  }
  return batches;
}
