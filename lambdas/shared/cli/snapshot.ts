import { Command } from 'commander';
import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import packageJson from '../../../package.json';
import type { ReadSummary } from '#adapters/kubernetes/kubernetes-reader';
import { SNAPSHOT_DIRECTORY_MODE, SnapshotWriter } from '#adapters/kubernetes/snapshot-writer';
import { DirectorySnapshotSink } from '#adapters/snapshot/directory-snapshot-sink';
import { InputError, SNAPSHOT_PATHS, type SnapshotManifest } from '#engine';
import { EXIT_CLEAN, EXIT_FINDINGS, type ExitCodeSink } from './exit-codes';
import { eksOptions, openEksCluster, requireClusterFor, type EksFlags } from './eks-options';
import { liveOptions, openLive, requireSomeReadAccess, type LiveFlags } from './live-options';
import { inventoryCounts } from './inventory-counts';
import { prepareOutputDirectory } from './output-directory';
import { withProgress, type ProgressReporter, type VerbosityFlags } from './progress';
import { verbosityOptions } from './verbosity-options';

interface SnapshotFlags extends LiveFlags, EksFlags, VerbosityFlags {
  out: string;
}

async function isNonEmptyDirectory(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

function reportIncomplete(unavailable: readonly { kind: string; reason: string }[]): number {
  if (unavailable.length === 0) return EXIT_CLEAN;
  for (const entry of unavailable)
    process.stderr.write(`netpol-audit: snapshot incomplete: ${entry.kind}: ${entry.reason}\n`);
  return EXIT_FINDINGS;
}

/** `--cluster`: the support bundle of an EKS cluster (the Kubernetes objects projected, the EKS add-on and cluster). */
async function snapshotEksCluster(
  flags: SnapshotFlags & { cluster: string },
  progress: ProgressReporter,
): Promise<number> {
  await prepareOutputDirectory(flags.out, SNAPSHOT_DIRECTORY_MODE);
  await chmod(flags.out, SNAPSHOT_DIRECTORY_MODE);
  const eks = await openEksCluster(flags, new DirectorySnapshotSink(flags.out));
  progress.step(`reading ${eks.location}`);
  progress.detail(
    `EKS DescribeCluster ${flags.cluster} and DescribeAddon vpc-cni, then the cluster's Kubernetes API with an EKS token, into ${flags.out}`,
  );
  const inventory = await eks.source.readInventory();
  requireSomeReadAccess(inventory.unavailableKinds);
  progress.detail(`read ${inventoryCounts(inventory)}`);
  progress.end();
  process.stdout.write(`snapshot of ${eks.location}: ${eks.source.objects} objects, wrote ${flags.out}\n`);
  return reportIncomplete(inventory.unavailableKinds);
}

async function snapshot(flags: SnapshotFlags, progress: ProgressReporter): Promise<number> {
  requireClusterFor(flags);
  if ((flags.kubeconfig === undefined) === (flags.cluster === undefined))
    throw new InputError('snapshot needs exactly one of --kubeconfig <file> or --cluster <name>');
  const k8sDirectory = join(flags.out, SNAPSHOT_PATHS.kubernetesDirectory);
  if (await isNonEmptyDirectory(k8sDirectory))
    throw new InputError('already holds a snapshot (k8s/ is not empty); choose an empty --out', flags.out);
  if (flags.cluster !== undefined) return snapshotEksCluster({ ...flags, cluster: flags.cluster }, progress);
  if (flags.kubeconfig === undefined) throw new InputError('snapshot needs --kubeconfig <file>');
  const live = await openLive({ ...flags, kubeconfig: flags.kubeconfig });
  await prepareOutputDirectory(k8sDirectory, SNAPSHOT_DIRECTORY_MODE);
  await chmod(flags.out, SNAPSHOT_DIRECTORY_MODE);
  await chmod(k8sDirectory, SNAPSHOT_DIRECTORY_MODE);
  const writer = new SnapshotWriter(flags.out);
  const takenAt = new Date().toISOString();
  progress.step(`reading ${live.location}`);
  progress.detail(
    `Kubernetes API of ${flags.kubeconfig}, pages of ${String(flags.pageSize ?? 500)}, into ${flags.out}`,
  );
  let summary: ReadSummary;
  try {
    summary = await live.reader.read(writer);
  } catch (error) {
    await writer.finish([]);
    throw error;
  }
  await writer.finish(summary.unavailableKinds.map((entry) => entry.kind));
  requireSomeReadAccess(summary.unavailableKinds);
  const manifest: SnapshotManifest = {
    clusterName: live.clusterName,
    source: live.location,
    takenAt,
    tool: { name: 'eks-netpol-audit', version: packageJson.version },
    objects: summary.objects,
    unavailableKinds: [...summary.unavailableKinds],
  };
  await writer.manifest(manifest);
  progress.detail(`read ${String(summary.objects)} objects in ${String(summary.requests)} requests`);
  progress.end();
  process.stdout.write(
    `snapshot of ${live.location}: ${summary.objects} objects in ${summary.requests} requests, wrote ${flags.out}\n`,
  );
  return reportIncomplete(summary.unavailableKinds);
}

export function snapshotCommand(setExitCode: ExitCodeSink): Command {
  const command = new Command('snapshot')
    .description(
      'write a live cluster (--kubeconfig, or an EKS cluster by --cluster: with its add-on and cluster description) as a snapshot directory (docs/snapshot.md); exit 1 when some kinds could not be read (listed in snapshot.json)',
    )
    .requiredOption('--out <dir>', 'snapshot directory to create (its k8s/ must not exist or be empty)');
  for (const option of [...liveOptions(), ...eksOptions(), ...verbosityOptions()]) command.addOption(option);
  return command.action(async (flags: SnapshotFlags) => {
    setExitCode(await withProgress(flags, (progress) => snapshot(flags, progress)));
  });
}
