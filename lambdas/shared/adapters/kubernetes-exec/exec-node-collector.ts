import {
  EXEC_COLLECTOR,
  LOADED_EBPFDATA_FILE,
  mapDumpPlan,
  NA_CLI_PATH,
  NODE_JSON_FILE,
  type ClusterInventory,
  type MapDump,
  type NodeCollectionInfo,
  type NotCollectedNode,
  type RawNodeOutput,
} from '#engine';
import { PodExecError, type ExecTarget, type PodExec } from './pod-exec';

export const AWS_NODE_NAMESPACE = 'kube-system';
export const AWS_NODE_LABEL = { key: 'k8s-app', value: 'aws-node' } as const;
export const AGENT_CONTAINER = 'aws-eks-nodeagent';
export const NA_CLI = NA_CLI_PATH;

export const DEFAULT_EXEC_CONCURRENCY = 8;
export const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** What is kept back from `remainingMs` to store the results and return. */
export const EXEC_TIME_RESERVE_MS = 10_000;

const MAP_ID = /^\d{1,10}$/;

type Pod = ClusterInventory['pods'][number];

export interface ExecCollectionOptions {
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /**
   * The time left to the caller (a Lambda's `getRemainingTimeInMillis`): no command runs past it, and a node that
   * cannot start in time is "not collected, because the batch ran out of time". @default unbounded
   */
  readonly remainingMs?: () => number;
  readonly now?: () => Date;
  /** Called as each node ends (collected or not). */
  readonly onNode?: (nodeName: string, outcome: RawNodeOutput | NotCollectedNode) => void;
}

export interface ExecCollection {
  readonly outputs: RawNodeOutput[];
  readonly notCollected: NotCollectedNode[];
}

/** `aws-eks-na-cli ebpf <dump-maps|dump-cp-maps> <id>`; the id is checked as digits before it is ever sent. */
export function mapDumpCommand(dump: Pick<MapDump, 'id' | 'subcommand'>): string[] {
  const id = String(dump.id);
  if (!MAP_ID.test(id)) throw new RangeError(`map id ${id} is not a decimal number`);
  return [NA_CLI, 'ebpf', dump.subcommand, id];
}

export const LOADED_EBPFDATA_COMMAND: readonly string[] = [NA_CLI, 'ebpf', 'loaded-ebpfdata'];

/** The aws-node pods (kube-system, `k8s-app=aws-node`, not being deleted) by the node they run on: one pass. */
export function awsNodePodsByNode(inventory: ClusterInventory): ReadonlyMap<string, readonly Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of inventory.pods) {
    const nodeName = pod.spec.nodeName;
    if (
      nodeName === undefined ||
      pod.metadata.namespace !== AWS_NODE_NAMESPACE ||
      pod.metadata.labels?.[AWS_NODE_LABEL.key] !== AWS_NODE_LABEL.value ||
      pod.metadata.deletionTimestamp != null
    )
      continue;
    const pods = byNode.get(nodeName);
    if (pods === undefined) byNode.set(nodeName, [pod]);
    else pods.push(pod);
  }
  return byNode;
}

/** The aws-node pod of the node, a running one first. */
export function awsNodePodOf(byNode: ReadonlyMap<string, readonly Pod[]>, nodeName: string): Pod | undefined {
  const candidates = byNode.get(nodeName) ?? [];
  return candidates.find((pod) => pod.status.phase === 'Running') ?? candidates[0];
}

/** The tag of the agent container's image (`…/aws-network-policy-agent:v1.2.2-eksbuild.1` → `v1.2.2-eksbuild.1`). */
function agentImageTag(pod: Pod): string | undefined {
  const image = pod.spec.containers.find((container) => container.name === AGENT_CONTAINER)?.image;
  const lastPart = image?.split('/').pop();
  const colon = lastPart?.indexOf(':') ?? -1;
  return lastPart === undefined || colon < 0 ? undefined : lastPart.slice(colon + 1).split('@')[0];
}

/** Where one node is collected: its aws-node pod in kube-system, or none (the node is then not collected). */
export interface ExecNodeTarget {
  readonly nodeName: string;
  readonly awsNodePod?: { readonly name: string; readonly agentVersion?: string };
}

/** The exec target of each node, from the inventory's aws-node pods (one pass over the pods). */
export function execTargetsOf(inventory: ClusterInventory, nodeNames: readonly string[]): ExecNodeTarget[] {
  const awsNodePods = awsNodePodsByNode(inventory);
  return nodeNames.map((nodeName) => {
    const pod = awsNodePodOf(awsNodePods, nodeName);
    if (pod === undefined) return { nodeName };
    const agentVersion = agentImageTag(pod);
    return {
      nodeName,
      awsNodePod: { name: pod.metadata.name, ...(agentVersion === undefined ? {} : { agentVersion }) },
    };
  });
}

/** Why a node without an aws-node pod is not collected. */
export const NO_AWS_NODE_POD_REASON = `not collected, because the node has no aws-node pod (${AWS_NODE_NAMESPACE}, ${AWS_NODE_LABEL.key}=${AWS_NODE_LABEL.value})`;

class NotCollectedError extends Error {
  override readonly name = 'NotCollectedError';
}

async function runCli(
  exec: PodExec,
  target: ExecTarget,
  command: readonly string[],
  timeoutMs: number,
): Promise<string> {
  const step = command.slice(1).join(' ');
  try {
    const result = await exec.run(target, command, { timeoutMs });
    if (result.exitCode !== 0) {
      const detail = result.stderr.trim().split('\n')[0] ?? '';
      throw new NotCollectedError(
        `aws-eks-na-cli ${step} failed (exit status ${result.exitCode === null ? 'unknown' : String(result.exitCode)}: ${result.failure ?? 'no status'}${detail === '' ? '' : `; ${detail.slice(0, 300)}`})`,
      );
    }
    return result.stdout;
  } catch (error) {
    if (error instanceof PodExecError) throw new NotCollectedError(`aws-eks-na-cli ${step}: ${error.message}`);
    throw error;
  }
}

async function collectNode(
  exec: PodExec,
  node: ExecNodeTarget,
  options: Required<Pick<ExecCollectionOptions, 'timeoutMs' | 'now' | 'remainingMs'>>,
): Promise<RawNodeOutput | NotCollectedNode> {
  const { nodeName, awsNodePod } = node;
  if (awsNodePod === undefined) return { nodeName, reason: NO_AWS_NODE_POD_REASON };
  const commandTimeout = (): number => {
    const left = options.remainingMs() - EXEC_TIME_RESERVE_MS;
    if (left <= 0) throw new NotCollectedError('the batch ran out of time before this node (the function timeout)');
    return Math.min(options.timeoutMs, left);
  };
  const target: ExecTarget = { namespace: AWS_NODE_NAMESPACE, pod: awsNodePod.name, container: AGENT_CONTAINER };
  const collectedAt = options.now().toISOString();
  try {
    const listing = await runCli(exec, target, LOADED_EBPFDATA_COMMAND, commandTimeout());
    const files = new Map<string, string>([[LOADED_EBPFDATA_FILE, listing]]);
    const plan = mapDumpPlan(listing);
    const dumps = plan.kind === 'dumps' ? plan.dumps : [];
    for (const dump of dumps) files.set(dump.file, await runCli(exec, target, mapDumpCommand(dump), commandTimeout()));
    const { agentVersion } = awsNodePod;
    const info: NodeCollectionInfo = {
      schemaVersion: 1,
      collector: EXEC_COLLECTOR,
      nodeName,
      collectedAt,
      pod: `${target.namespace}/${target.pod}`,
      container: AGENT_CONTAINER,
      tools: { awsEksNaCli: true, awsEksNaCliPath: NA_CLI, tc: false },
      ...(agentVersion === undefined ? {} : { agentVersion, agentVersionSource: 'container-image' }),
      maps: dumps.map((dump) => ({ id: dump.id, name: dump.name })),
      unnamedMapIds: plan.kind === 'dumps' ? [...plan.unnamedMapIds] : [],
      complete: true,
      errors: [],
    };
    files.set(NODE_JSON_FILE, `${JSON.stringify(info, null, 2)}\n`);
    return { nodeName, sourceDirectory: `exec:${target.namespace}/${target.pod}`, files };
  } catch (error) {
    if (error instanceof NotCollectedError)
      return { nodeName, reason: `not collected, because ${error.message} (pod ${target.namespace}/${target.pod})` };
    throw error;
  }
}

/**
 * `--collect-nodes exec`: per node, `aws-eks-na-cli` in the aws-eks-nodeagent container of its aws-node pod
 * (loaded-ebpfdata, then a dump of every map it names), written as the SSM collector's node layout without tc.
 * At most `concurrency` nodes at a time; every failure is that node's "not collected, because …".
 */
export async function collectNodesByExec(
  exec: PodExec,
  inventory: ClusterInventory,
  nodeNames: readonly string[],
  options: ExecCollectionOptions = {},
): Promise<ExecCollection> {
  return collectExecTargets(exec, execTargetsOf(inventory, nodeNames), options);
}

/** The same collection for nodes whose aws-node pod is already known (the service's batch plan). */
export async function collectExecTargets(
  exec: PodExec,
  nodes: readonly ExecNodeTarget[],
  options: ExecCollectionOptions = {},
): Promise<ExecCollection> {
  const settings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
    now: options.now ?? (() => new Date()),
    remainingMs: options.remainingMs ?? (() => Number.POSITIVE_INFINITY),
  };
  const results = new Array<RawNodeOutput | NotCollectedNode>(nodes.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < nodes.length) {
      const index = next;
      next += 1;
      const node = nodes[index] ?? { nodeName: '' };
      const outcome = await collectNode(exec, node, settings).catch((error: unknown): NotCollectedNode => ({
        nodeName: node.nodeName,
        reason: `not collected, because the exec collector failed: ${error instanceof Error ? error.message : String(error)}`,
      }));
      results[index] = outcome;
      options.onNode?.(node.nodeName, outcome);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_EXEC_CONCURRENCY, nodes.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const outputs: RawNodeOutput[] = [];
  const notCollected: NotCollectedNode[] = [];
  for (const outcome of results) {
    if ('files' in outcome) outputs.push(outcome);
    else notCollected.push(outcome);
  }
  return { outputs, notCollected };
}
