import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import {
  buildInventory,
  InputError,
  SNAPSHOT_PATHS,
  SnapshotManifest,
  type ClusterInventory,
  type ClusterSource,
  type KubernetesDocument,
  type NodeOutputSource,
  type RawNodeOutput,
} from '#engine';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read file (${error instanceof Error ? error.message : String(error)})`, path);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`invalid JSON (${error instanceof Error ? error.message : String(error)})`, path);
  }
}

async function optionalDocument(path: string): Promise<KubernetesDocument | undefined> {
  try {
    await stat(path);
  } catch {
    return undefined;
  }
  return { source: path, content: await readJson(path) };
}

async function listFilesRecursively(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listFilesRecursively(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

async function readManifest(path: string): Promise<SnapshotManifest | undefined> {
  const document = await optionalDocument(path);
  if (document === undefined) return undefined;
  const parsed = SnapshotManifest.safeParse(document.content);
  if (!parsed.success)
    throw new InputError(`not a snapshot manifest (${parsed.error.issues[0]?.message ?? 'invalid'})`, path);
  return parsed.data;
}

/**
 * A snapshot directory (docs/snapshot.md): `k8s/*.json`, optional `eks/cluster.json` and
 * `eks/addon-vpc-cni.json`, optional `nodes/<node-name>/`.
 */
export class SnapshotDirectory implements ClusterSource, NodeOutputSource {
  constructor(readonly directory: string) {}

  async readInventory(): Promise<ClusterInventory> {
    if (!(await isDirectory(this.directory))) throw new InputError('snapshot directory does not exist', this.directory);
    const k8sDirectory = join(this.directory, SNAPSHOT_PATHS.kubernetesDirectory);
    if (!(await isDirectory(k8sDirectory))) {
      throw new InputError('snapshot has no k8s/ directory with kubectl JSON output', this.directory);
    }
    const files = (await readdir(k8sDirectory)).filter((name) => name.endsWith('.json')).sort();
    if (files.length === 0) throw new InputError('no *.json files in k8s/', k8sDirectory);
    const documents: KubernetesDocument[] = [];
    for (const file of files) {
      const path = join(k8sDirectory, file);
      documents.push({ source: relative(process.cwd(), path) || path, content: await readJson(path) });
    }
    const eksCluster = await optionalDocument(join(this.directory, SNAPSHOT_PATHS.eksCluster));
    const vpcCniAddon = await optionalDocument(join(this.directory, SNAPSHOT_PATHS.vpcCniAddon));
    const manifest = await readManifest(join(this.directory, SNAPSHOT_PATHS.manifest));
    return buildInventory({
      clusterName: manifest?.clusterName ?? basename(this.directory.replace(/\/+$/, '')),
      documents,
      ...(eksCluster === undefined ? {} : { eksCluster }),
      ...(vpcCniAddon === undefined ? {} : { vpcCniAddon }),
      ...(manifest === undefined ? {} : { unavailableKinds: manifest.unavailableKinds }),
    });
  }

  async hasNodeOutputs(): Promise<boolean> {
    return isDirectory(join(this.directory, SNAPSHOT_PATHS.nodesDirectory));
  }

  async readNodeOutputs(): Promise<RawNodeOutput[]> {
    const nodesDirectory = join(this.directory, SNAPSHOT_PATHS.nodesDirectory);
    if (!(await isDirectory(nodesDirectory))) return [];
    const outputs: RawNodeOutput[] = [];
    for (const nodeName of (await readdir(nodesDirectory)).sort()) {
      const nodeDirectory = join(nodesDirectory, nodeName);
      if (!(await isDirectory(nodeDirectory))) continue;
      const files = new Map<string, string>();
      for (const path of await listFilesRecursively(nodeDirectory)) {
        files.set(relative(nodeDirectory, path), await readFile(path, 'utf8'));
      }
      outputs.push({ nodeName, sourceDirectory: relative(process.cwd(), nodeDirectory) || nodeDirectory, files });
    }
    return outputs;
  }
}
