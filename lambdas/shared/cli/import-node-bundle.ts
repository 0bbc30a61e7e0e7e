import { Command } from 'commander';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackNodeBundleByDirectory } from '#adapters/s3/node-bundles';
import { DirectorySnapshotSink } from '#adapters/snapshot/directory-snapshot-sink';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { InputError, SNAPSHOT_PATHS, type RawNodeOutput } from '#engine';
import { instanceIdOf } from '../service/node-selection';
import { EXIT_CLEAN, type ExitCodeSink } from './exit-codes';
import { pathExists } from './path-exists';

const BASE64_PREFIX = 'netpol-audit-bundle-base64:';
const TRUNCATED_PREFIX = 'netpol-audit-bundle-truncated:';
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const BARE_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

interface ImportFlags {
  snapshot: string;
  node?: string;
  replace?: boolean;
}

async function readSource(file: string): Promise<Buffer> {
  if (file !== '-') return readFile(file);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/** The tar.gz itself, the collector's stdout (its base64 line), or the bare base64 of the tar.gz. */
export function bundleBytes(content: Buffer, location: string): Buffer {
  if (content[0] === GZIP_MAGIC[0] && content[1] === GZIP_MAGIC[1]) return content;
  const lines = content
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim());
  const truncated = lines.find((line) => line.startsWith(TRUNCATED_PREFIX));
  if (truncated !== undefined)
    throw new InputError(
      `the collector's bundle (${truncated.slice(TRUNCATED_PREFIX.length)} bytes) was too large for stdout and is not in it: run the collector with an upload target (UploadUrl, or audit --collect-nodes ssm --bucket B)`,
      location,
    );
  const line = lines.find((candidate) => candidate.startsWith(BASE64_PREFIX));
  const base64 = line === undefined ? lines.join('') : line.slice(BASE64_PREFIX.length);
  if (!BARE_BASE64.test(base64))
    throw new InputError(
      `not a node bundle: neither a .tar.gz, nor a collector stdout with a ${BASE64_PREFIX} line, nor base64`,
      location,
    );
  return Buffer.from(base64, 'base64');
}

async function bundleDirectory(bytes: Buffer, location: string): Promise<{ name: string; files: Map<string, string> }> {
  const directories = await unpackNodeBundleByDirectory(bytes, location);
  const [entry, ...others] = [...directories];
  if (entry === undefined) throw new InputError('not a node bundle: it holds no nodes/<node>/ files', location);
  if (others.length > 0)
    throw new InputError(`the bundle holds ${directories.size} node directories; import one node at a time`, location);
  return { name: entry[0], files: entry[1] };
}

/** The Kubernetes node whose spec.providerID names `instanceId`, when the snapshot has its k8s nodes. */
async function nodeOfInstance(snapshot: string, instanceId: string): Promise<string | undefined> {
  const inventory = await new SnapshotDirectory(snapshot).readInventory().catch((error: unknown) => {
    if (error instanceof InputError) return undefined;
    throw error;
  });
  return inventory?.nodes.find((node) => instanceIdOf(node.spec.providerID) === instanceId)?.metadata.name;
}

async function targetNode(flags: ImportFlags, bundleName: string): Promise<{ name: string; why: string }> {
  if (flags.node !== undefined) return { name: flags.node, why: '--node' };
  if (instanceIdOf(bundleName) === undefined) return { name: bundleName, why: "the bundle's own directory" };
  const mapped = await nodeOfInstance(flags.snapshot, bundleName);
  if (mapped !== undefined) return { name: mapped, why: `the k8s node whose spec.providerID names ${bundleName}` };
  return {
    name: bundleName,
    why: `the bundle's instance id: no k8s node of the snapshot names it in spec.providerID; --node NAME names the node`,
  };
}

async function writeNode(flags: ImportFlags, output: RawNodeOutput): Promise<string> {
  const directory = join(flags.snapshot, SNAPSHOT_PATHS.nodesDirectory, output.nodeName);
  if (await pathExists(directory)) {
    if (flags.replace !== true)
      throw new InputError(`${directory} already exists; --replace replaces it`, output.sourceDirectory);
    await rm(directory, { recursive: true, force: true });
  }
  try {
    await new DirectorySnapshotSink(flags.snapshot).putNodeOutput(output);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return directory;
}

async function importNodeBundle(file: string, flags: ImportFlags): Promise<number> {
  const location = file === '-' ? 'stdin' : file;
  const bundle = await bundleDirectory(bundleBytes(await readSource(file), location), location);
  const node = await targetNode(flags, bundle.name);
  if (!DNS_1123_SUBDOMAIN.test(node.name) || node.name.length > 253)
    throw new InputError(`node name ${JSON.stringify(node.name)} is not a DNS-1123 subdomain`, location);
  const directory = await writeNode(flags, { nodeName: node.name, sourceDirectory: location, files: bundle.files });
  const files = [...bundle.files.keys()].sort();
  process.stdout.write(
    [
      `imported ${location} as node ${node.name} (from ${node.why}): ${files.length} file(s) in ${directory}/`,
      ...files.map((name) => `  ${name}`),
    ].join('\n') + '\n',
  );
  return EXIT_CLEAN;
}

export function importNodeBundleCommand(setExitCode: ExitCodeSink): Command {
  return new Command('import-node-bundle')
    .description(
      "write a node collector bundle (the .tar.gz, or the collector's stdout with its base64 line, or - for stdin) into <snapshot>/nodes/<node>/",
    )
    .argument('<file>', "bundle .tar.gz, a file with the collector's stdout, or - for stdin")
    .requiredOption('--snapshot <dir>', 'snapshot directory to add the node to')
    .option(
      '--node <name>',
      "Kubernetes node name (default: the bundle's nodes/<name>/; an instance id is mapped through the snapshot's k8s nodes)",
    )
    .option('--replace', 'replace an existing nodes/<node>/')
    .action(async (file: string, flags: ImportFlags) => {
      setExitCode(await importNodeBundle(file, flags));
    });
}
