import { basename, join, resolve } from 'node:path';
import { DirectorySnapshotSink } from '#adapters/snapshot/directory-snapshot-sink';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  InputError,
  SNAPSHOT_PATHS,
  type AuditInputs,
  type ClusterInventory,
  type EnforcementMode,
  type Severity,
} from '#engine';
import {
  collectNodesBySsm,
  DEFAULT_COLLECTOR_DOCUMENT,
  type SsmCollection,
  type SsmCollectionFlags,
} from './collect-nodes-ssm';
import { collectNodesByExecFromCli, podExecOf, type ExecNodeCollection } from './collect-nodes-exec';
import { openEksCluster, requireClusterFor, type EksFlags } from './eks-options';
import type { FormatFlags } from './format-options';
import { inventoryCounts } from './inventory-counts';
import { focusOf } from './node-targets';
import { openLive, requireKubeconfigFor, requireSomeReadAccess, type LiveFlags } from './live-options';
import { prepareOutputDirectory } from './output-directory';
import type { ProgressReporter, VerbosityFlags } from './progress';
import type { SuppressionFlags } from './suppressions-options';

export interface AuditFlags
  extends LiveFlags, EksFlags, FormatFlags, SuppressionFlags, VerbosityFlags, Partial<SsmCollectionFlags> {
  collectNodes?: 'ssm' | 'exec';
  pods?: string[];
  namespaces?: string[];
  snapshot?: string;
  out?: string;
  failOn: Severity;
  failOnUnverified?: boolean;
  agentVersion?: string;
  desiredMode?: EnforcementMode;
}

export interface AuditInput {
  readonly inputs: AuditInputs;
  readonly defaultOut: string;
  /** What `--collect-nodes` could not collect, and the nodes it cannot run on. */
  readonly nodes?: Pick<SsmCollection, 'notCollected' | 'skipped'>;
}

/** How a live read collects the node layer, given the kubeconfig it reads the cluster with. */
async function collectLiveNodes(
  inventory: ClusterInventory,
  flags: AuditFlags,
  kubeConfig: () => Promise<KubeConfig>,
  progress: ProgressReporter,
): Promise<SsmCollection | ExecNodeCollection> {
  if (flags.collectNodes === 'exec')
    return collectNodesByExecFromCli(podExecOf(kubeConfig), inventory, flags, progress);
  return collectNodesBySsm(
    inventory,
    { ...flags, document: flags.document ?? DEFAULT_COLLECTOR_DOCUMENT },
    { runId: `cli-${new Date().toISOString().replace(/[-:.]/g, '')}`, focus: focusOf(flags), progress },
  );
}

/** `--cluster`: the EKS cluster read live; its inputs are kept as a snapshot in `<out>/snapshot/`. */
async function readEksCluster(
  flags: AuditFlags & { cluster: string },
  progress: ProgressReporter,
): Promise<AuditInput> {
  const out = flags.out ?? join('out', flags.cluster);
  await prepareOutputDirectory(out);
  const snapshotDirectory = join(out, 'snapshot');
  const sink = new DirectorySnapshotSink(snapshotDirectory);
  const eks = await openEksCluster(flags, sink);
  progress.step(`reading ${eks.location}`);
  progress.detail(
    `EKS DescribeCluster ${flags.cluster} and DescribeAddon vpc-cni, then the cluster's Kubernetes API with an EKS token`,
  );
  const inventory = await eks.source.readInventory();
  requireSomeReadAccess(inventory.unavailableKinds);
  progress.detail(`read ${inventoryCounts(inventory)}`);
  progress.note(`read ${eks.location}; its inputs are in ${snapshotDirectory}`);
  const source = { kind: 'live', location: eks.location } as const;
  if (flags.collectNodes === undefined) return { inputs: { inventory, source }, defaultOut: out };
  const nodes = await collectLiveNodes(inventory, flags, eks.kubeConfig, progress);
  for (const output of nodes.outputs) await sink.putNodeOutput(output);
  return { inputs: { inventory, nodeOutputs: nodes.outputs, source }, defaultOut: out, nodes };
}

/** The audit's inputs from exactly one of --snapshot, --kubeconfig or --cluster. */
export async function readInput(flags: AuditFlags, progress: ProgressReporter): Promise<AuditInput> {
  requireKubeconfigFor(flags);
  requireClusterFor(flags);
  if (flags.collectNodes === 'ssm' && flags.cluster === undefined)
    throw new InputError('--collect-nodes ssm needs --cluster <name>');
  if (flags.collectNodes === 'exec' && flags.cluster === undefined && flags.kubeconfig === undefined)
    throw new InputError('--collect-nodes exec needs --cluster <name> or --kubeconfig <file>');
  const given = [flags.snapshot, flags.kubeconfig, flags.cluster].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw new InputError('give exactly one of --snapshot <dir>, --kubeconfig <file> or --cluster <name>');
  }
  if (flags.cluster !== undefined) return readEksCluster({ ...flags, cluster: flags.cluster }, progress);
  if (flags.kubeconfig !== undefined) {
    const live = await openLive({ ...flags, kubeconfig: flags.kubeconfig });
    progress.step(`reading ${live.location}`);
    progress.detail(`Kubernetes API of ${flags.kubeconfig}, pages of ${String(flags.pageSize ?? 500)}`);
    const inventory = await live.source.readInventory();
    requireSomeReadAccess(inventory.unavailableKinds);
    progress.detail(`read ${inventoryCounts(inventory)}`);
    const source = { kind: 'live', location: live.location } as const;
    const defaultOut = join('out', live.clusterName);
    if (flags.collectNodes === undefined) return { inputs: { inventory, source }, defaultOut };
    const nodes = await collectLiveNodes(inventory, flags, () => Promise.resolve(live.kubeConfig), progress);
    return { inputs: { inventory, nodeOutputs: nodes.outputs, source }, defaultOut, nodes };
  }
  const snapshot = flags.snapshot ?? '';
  const source = new SnapshotDirectory(snapshot);
  progress.step(`reading snapshot ${snapshot}`);
  const inventory = await source.readInventory();
  progress.detail(`${join(snapshot, SNAPSHOT_PATHS.kubernetesDirectory)}: ${inventoryCounts(inventory)}`);
  const nodeOutputs = (await source.hasNodeOutputs())
    ? await source.readNodeOutputs(({ nodeName, directory, index, total }) => {
        progress.step(`reading node ${String(index + 1)}/${String(total)} ${nodeName}`);
        progress.detail(`node outputs from ${directory}`);
      })
    : undefined;
  if (nodeOutputs === undefined)
    progress.detail(`no ${join(snapshot, SNAPSHOT_PATHS.nodesDirectory)}: the node layer is not checked`);
  return {
    inputs: {
      inventory,
      ...(nodeOutputs === undefined ? {} : { nodeOutputs }),
      source: { kind: 'snapshot', location: snapshot },
    },
    defaultOut: join('out', basename(resolve(snapshot))),
  };
}
