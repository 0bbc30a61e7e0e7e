import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  InputError,
  InventoryAccumulator,
  SNAPSHOT_PATHS,
  SnapshotManifest,
  type ClusterInventory,
  type ClusterSource,
  type KubernetesDocument,
  type NodeOutputSource,
  type RawNodeOutput,
} from '#engine';
import { readKubernetesJson } from './read-kubernetes-json';
import { readSnapshotText } from './read-text';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`invalid JSON (${error instanceof Error ? error.message : String(error)})`, path);
  }
}

/** `kubectl get -o yaml` output: one document, or several (`---`), which are read as one List. */
function parseYaml(text: string, path: string): unknown {
  const documents = parseAllDocuments(text);
  const contents: unknown[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const error = document.errors[0];
    if (error !== undefined) throw new InputError(`invalid YAML (${error.message.split('\n')[0] ?? ''})`, path);
    const content = document.toJS() as unknown;
    if (content !== null && content !== undefined) contents.push(content);
  }
  return contents.length === 1 ? contents[0] : { apiVersion: 'v1', kind: 'List', items: contents };
}

const YAML_EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml']);
const KUBERNETES_EXTENSIONS: ReadonlySet<string> = new Set(['.json', ...YAML_EXTENSIONS]);

async function readJson(path: string): Promise<unknown> {
  return parseJson(await readSnapshotText(path), path);
}

/** JSON is read as a stream, item by item (files of any size); YAML whole. */
async function readKubernetesFile(path: string, accumulator: InventoryAccumulator): Promise<void> {
  const source = relative(process.cwd(), path) || path;
  if (!YAML_EXTENSIONS.has(extname(path))) {
    await readKubernetesJson(path, source, accumulator);
    return;
  }
  accumulator.addDocument({ source, content: parseYaml(await readSnapshotText(path), path) });
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
    else files.push(path);
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

/** One node directory about to be read: `index` counts from 0 of `total`. */
export interface NodeDirectoryReading {
  readonly nodeName: string;
  readonly directory: string;
  readonly index: number;
  readonly total: number;
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
    const manifest = await readManifest(join(this.directory, SNAPSHOT_PATHS.manifest));
    const files = (await readdir(k8sDirectory)).filter((name) => KUBERNETES_EXTENSIONS.has(extname(name))).sort();
    if (files.length === 0) throw new InputError('no *.json, *.yaml or *.yml files in k8s/', k8sDirectory);
    const clusterName = manifest?.clusterName ?? basename(this.directory.replace(/\/+$/, ''));
    const accumulator = new InventoryAccumulator(clusterName);
    for (const file of files) await readKubernetesFile(join(k8sDirectory, file), accumulator);
    const eksCluster = await optionalDocument(join(this.directory, SNAPSHOT_PATHS.eksCluster));
    const vpcCniAddon = await optionalDocument(join(this.directory, SNAPSHOT_PATHS.vpcCniAddon));
    return accumulator.finish({
      ...(eksCluster === undefined ? {} : { eksCluster }),
      ...(vpcCniAddon === undefined ? {} : { vpcCniAddon }),
      ...(manifest === undefined ? { kindsReadUnknown: true } : { unavailableKinds: manifest.unavailableKinds }),
      ...(manifest?.vpcCniAddonNotInstalled === true ? { vpcCniAddonNotInstalled: true } : {}),
    });
  }

  async hasNodeOutputs(): Promise<boolean> {
    return isDirectory(join(this.directory, SNAPSHOT_PATHS.nodesDirectory));
  }

  /** Every `nodes/<node>/` in name order; `onNode` hears of each before it is read (the CLI's progress). */
  async readNodeOutputs(onNode?: (reading: NodeDirectoryReading) => void): Promise<RawNodeOutput[]> {
    const nodesDirectory = join(this.directory, SNAPSHOT_PATHS.nodesDirectory);
    if (!(await isDirectory(nodesDirectory))) return [];
    const nodeNames: string[] = [];
    for (const nodeName of (await readdir(nodesDirectory)).sort())
      if (await isDirectory(join(nodesDirectory, nodeName))) nodeNames.push(nodeName);
    const outputs: RawNodeOutput[] = [];
    for (const [index, nodeName] of nodeNames.entries()) {
      const nodeDirectory = join(nodesDirectory, nodeName);
      onNode?.({ nodeName, directory: nodeDirectory, index, total: nodeNames.length });
      const files = new Map<string, string>();
      for (const path of await listFilesRecursively(nodeDirectory)) {
        files.set(relative(nodeDirectory, path), await readSnapshotText(path));
      }
      outputs.push({ nodeName, sourceDirectory: relative(process.cwd(), nodeDirectory) || nodeDirectory, files });
    }
    return outputs;
  }
}
