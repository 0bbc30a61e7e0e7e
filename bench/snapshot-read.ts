/**
 * End-to-end bench from files on disk: a synthetic cluster written as a snapshot directory (one `k8s/pods.json`
 * List of kubectl-sized pods, the other kinds beside it), then, each in its own process so that peak RSS is its own:
 * - `parse`: a plain read + `JSON.parse` of every k8s/*.json file (the reference; only below V8's longest string);
 * - `read`: the snapshot reader (`SnapshotDirectory.readInventory`, streamed);
 * - `audit`: the reader, then the whole audit.
 * Prints one JSON line: medians over the runs, alternating the modes.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { audit, resolve, type ClusterInventory } from '#engine';
import { median } from './measure';
import { buildSyntheticCluster, DEFAULT_SIZE, policyEndpointsWithDrift, seededRandom } from './synthetic-cluster';

const integer = (value: string): number => Number.parseInt(value, 10);
const MODES = ['parse', 'read', 'audit'] as const;
/** V8's longest string (2^29 - 24 characters): a file longer than this cannot be read whole as one string. */
const LONGEST_STRING = 2 ** 29 - 24;
type Mode = (typeof MODES)[number];

const options = new Command('snapshot-read')
  .description('reads a synthetic snapshot from disk; prints one JSON line')
  .addOption(new Option('--pods <n>').default(DEFAULT_SIZE.pods).argParser(integer))
  .addOption(new Option('--pod-bytes <n>', 'size of each pod as kubectl writes it').default(11_000).argParser(integer))
  .addOption(new Option('--runs <n>').default(3).argParser(integer))
  .addOption(new Option('--modes <list>', 'comma-separated: parse, read, audit').default('parse,read,audit'))
  .addOption(new Option('--measure <mode>').choices(MODES).hideHelp())
  .addOption(new Option('--dir <path>', 'snapshot directory (written when absent)'))
  .parse()
  .opts<{ pods: number; podBytes: number; runs: number; modes: string; measure?: Mode; dir?: string }>();

/** The bench's cluster shape (bench/run.ts) scaled to the number of pods. */
function sizeFor(pods: number): typeof DEFAULT_SIZE {
  const scale = pods / DEFAULT_SIZE.pods;
  const scaled = (value: number): number => Math.max(1, Math.round(value * scale));
  return {
    ...DEFAULT_SIZE,
    pods,
    nodes: scaled(DEFAULT_SIZE.nodes),
    namespaces: scaled(DEFAULT_SIZE.namespaces),
    policies: scaled(DEFAULT_SIZE.policies),
    services: scaled(DEFAULT_SIZE.services),
  };
}

const API_VERSIONS: Record<string, string> = {
  Pod: 'v1',
  Namespace: 'v1',
  Node: 'v1',
  Service: 'v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  PolicyEndpoint: 'networking.k8s.aws/v1alpha1',
};

/**
 * What kubectl writes beside the fields the engine reads (managed fields, volume mounts, statuses, a few env
 * variables), about `bytes` long, with quotes, brackets, backslashes and non-ASCII text inside strings.
 */
function kubectlPadding(index: number, bytes: number): { metadata: object; container: object; status: object } {
  const volumeMounts = [];
  for (let mount = 0; mount * 110 < bytes * 0.5; mount += 1) {
    volumeMounts.push({
      name: `config-${mount}`,
      mountPath: `/etc/app/"${index}"/[${mount}]/{conf} \\`,
      readOnly: true,
    });
  }
  const env = [0, 1, 2].map((variable) => ({ name: `SETTING_${variable}`, value: `value-${index}-${variable}` }));
  const fields = 'f:metadata: {f:labels: {}}, f:spec: {f:containers: {k:{"name":"main"}: {}}}';
  return {
    metadata: {
      uid: `0000${index}`.padStart(36, 'a'),
      creationTimestamp: '2026-12-01T00:00:00Z',
      managedFields: [
        { manager: 'kube-controller-manager', operation: 'Update', fieldsV1: fields.repeat(bytes / 250) },
      ],
    },
    container: { image: 'registry.example/app:1.2.3', env, volumeMounts, resources: { limits: { cpu: '500m' } } },
    status: {
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True' })),
      containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'registry.example/app:1.2.3' }],
      ...(index % 50 === 0 ? { message: 'redémarré après « OOM »' } : {}),
    },
  };
}

function padded(pod: ClusterInventory['pods'][number], index: number, bytes: number): object {
  const padding = kubectlPadding(index, bytes);
  const [first, ...rest] = pod.spec.containers;
  return {
    apiVersion: 'v1',
    ...pod,
    metadata: { ...pod.metadata, ...padding.metadata },
    spec: { ...pod.spec, containers: [{ ...first, ...padding.container }, ...rest] },
    status: { ...pod.status, ...padding.status },
  };
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) {
    await new Promise<void>((done) => {
      stream.once('drain', () => {
        done();
      });
    });
  }
}

/** A kubectl List (`apiVersion`, `items`, `kind`, `metadata`: kubectl's key order), written item by item. */
async function writeList(path: string, items: readonly object[], itemOf: (item: object, index: number) => object) {
  const stream = createWriteStream(path);
  await write(stream, '{\n    "apiVersion": "v1",\n    "items": [\n');
  for (const [index, item] of items.entries()) {
    await write(stream, `${index === 0 ? '' : ',\n'}${JSON.stringify(itemOf(item, index), null, 4)}`);
  }
  await write(stream, '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  await new Promise<void>((done, fail) => {
    stream.end((error?: Error | null) => {
      if (error) fail(error);
      else done();
    });
  });
}

async function writeSnapshot(directory: string): Promise<void> {
  const size = sizeFor(options.pods);
  const base = buildSyntheticCluster(size);
  const { endpoints } = policyEndpointsWithDrift(resolve({ inventory: base }), size, seededRandom(size.seed + 1));
  const k8s = join(directory, 'k8s');
  await mkdir(k8s, { recursive: true });
  const withApiVersion = (item: object): object => ({
    apiVersion: API_VERSIONS[(item as { kind: string }).kind] ?? 'v1',
    ...item,
  });
  await writeList(join(k8s, 'namespaces.json'), base.namespaces, withApiVersion);
  await writeList(join(k8s, 'nodes.json'), base.nodes, withApiVersion);
  await writeList(join(k8s, 'services.json'), base.services, withApiVersion);
  await writeList(join(k8s, 'networkpolicies.json'), base.networkPolicies, withApiVersion);
  await writeList(join(k8s, 'policyendpoints.json'), endpoints, withApiVersion);
  await writeList(join(k8s, 'pods.json'), base.pods, (pod, index) =>
    padded(pod as ClusterInventory['pods'][number], index, options.podBytes),
  );
}

/** The reference: every k8s/*.json file read whole and parsed with the native JSON.parse. */
async function plainParse(directory: string): Promise<number> {
  let items = 0;
  const k8s = join(directory, 'k8s');
  for (const file of (await readdir(k8s)).sort()) {
    const content = JSON.parse((await readFile(join(k8s, file))).toString('utf8')) as { items?: unknown[] };
    items += content.items?.length ?? 0;
  }
  return items;
}

async function measure(mode: Mode, directory: string): Promise<void> {
  const start = performance.now();
  let objects: number;
  if (mode === 'parse') objects = await plainParse(directory);
  else {
    const inventory = await new SnapshotDirectory(directory).readInventory();
    objects = inventory.pods.length;
    if (mode === 'audit') {
      audit(
        { inventory, source: { kind: 'snapshot', location: directory } },
        { now: new Date(), engineVersion: 'bench' },
      );
    }
  }
  const ms = performance.now() - start;
  const line = { mode, ms, objects, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

interface Measured {
  readonly ms: number;
  readonly peakRssMb: number;
}

function runChild(mode: Mode, directory: string): Measured {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, process.argv[1] ?? 'bench/snapshot-read.ts', '--measure', mode, '--dir', directory],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as Measured;
}

async function fileBytes(directory: string): Promise<number> {
  return (await stat(join(directory, 'k8s', 'pods.json'))).size;
}

async function main(): Promise<void> {
  const directory = options.dir ?? join('.bench', `snapshot-${options.pods}-${options.podBytes}`);
  if (options.measure !== undefined) {
    await measure(options.measure, directory);
    return;
  }
  if (!existsSync(join(directory, 'k8s', 'pods.json'))) await writeSnapshot(directory);
  const bytes = await fileBytes(directory);
  const modes = options.modes
    .split(',')
    .filter((mode): mode is Mode => (MODES as readonly string[]).includes(mode))
    .filter((mode) => mode !== 'parse' || bytes < LONGEST_STRING);
  const results = new Map<Mode, Measured[]>(modes.map((mode) => [mode, []]));
  for (let run = 0; run < options.runs; run += 1) {
    for (const mode of modes) results.get(mode)?.push(runChild(mode, directory));
  }
  const summary: Record<string, number> = {
    pods: options.pods,
    podsJsonMb: Math.round((await fileBytes(directory)) / 1e6),
  };
  for (const [mode, runs] of results) {
    summary[`${mode}Ms`] = Math.round(median(runs.map((run) => run.ms)));
    summary[`${mode}PeakRssMb`] = median(runs.map((run) => run.peakRssMb));
  }
  if (summary.parseMs !== undefined && summary.readMs !== undefined) {
    summary.readVsParse = Math.round((summary.readMs / summary.parseMs) * 100) / 100;
    if (summary.auditMs !== undefined)
      summary.auditVsParse = Math.round((summary.auditMs / summary.parseMs) * 100) / 100;
  }
  process.stdout.write(`${JSON.stringify({ ...summary, runs: options.runs })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
