import { z } from 'zod';

/**
 * The snapshot layout (docs/snapshot.md), shared by every writer and reader of it (snapshot directory, the live
 * snapshot writer, the service's S3 snapshot store). Paths are relative to the snapshot root, '/'-separated.
 */
export const SNAPSHOT_PATHS = {
  kubernetesDirectory: 'k8s',
  eksCluster: 'eks/cluster.json',
  vpcCniAddon: 'eks/addon-vpc-cni.json',
  nodesDirectory: 'nodes',
  manifest: 'snapshot.json',
} as const;

/** `nodes/<node-name>/<file>`: the raw outputs of one node (loaded-ebpfdata.txt, maps/<id>.txt, tc/<veth>.*.txt). */
export function nodeOutputPath(nodeName: string, file: string): string {
  return `${SNAPSHOT_PATHS.nodesDirectory}/${nodeName}/${file}`;
}

/** `k8s/<file>` for one kind's kubectl JSON. */
export function kubernetesDocumentPath(file: string): string {
  return `${SNAPSHOT_PATHS.kubernetesDirectory}/${file}`;
}

export const UnavailableKindEntry = z.object({
  kind: z.string(),
  reason: z.string(),
  cause: z.enum(['not-installed', 'forbidden', 'failed', 'not-collected']).optional(),
});

/** `snapshot.json`: when and how the snapshot was taken, and the kinds that could not be read. */
export const SnapshotManifest = z.object({
  clusterName: z.string().optional(),
  takenAt: z.string().optional(),
  source: z.string().optional(),
  tool: z.object({ name: z.string(), version: z.string() }).optional(),
  objects: z.number().int().nonnegative().optional(),
  unavailableKinds: z.array(UnavailableKindEntry).default([]),
  /** DescribeAddon found no vpc-cni add-on (self-managed CNI); absent: eks/addon-vpc-cni.json decides, else unknown. */
  vpcCniAddonNotInstalled: z.boolean().optional(),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;
