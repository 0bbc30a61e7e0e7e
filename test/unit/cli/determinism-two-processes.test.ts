import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = join(__dirname, '../../..');
const EXAMPLE = join(REPO_ROOT, 'examples', 'drift-cluster');

/** mulberry32: a small seeded generator, so each copy's order is fixed from run to run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)));
}

async function kubernetesItems(file: string): Promise<unknown[]> {
  const list = JSON.parse(await readFile(join(EXAMPLE, file), 'utf8')) as { items?: unknown[] };
  if (list.items === undefined) throw new Error(`${file} is not a List`);
  return list.items;
}

async function writeList(path: string, items: readonly unknown[]): Promise<void> {
  await writeFile(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2));
}

/**
 * The example under `<target>/drift-cluster` (the cluster name is the directory's), every file created in a seeded
 * order. `mixKinds` pours the objects of all k8s/ files into three shuffled files of mixed kinds; otherwise each file
 * keeps its name and its items are shuffled.
 */
async function shuffledCopy(target: string, seed: number, mixKinds: boolean): Promise<string> {
  const random = seeded(seed);
  const snapshot = join(target, 'drift-cluster');
  const files = await filesUnder(EXAMPLE);
  const k8s = files.filter((file) => file.startsWith('k8s/'));
  for (const file of shuffled(
    files.filter((path) => !k8s.includes(path)),
    random,
  )) {
    await mkdir(dirname(join(snapshot, file)), { recursive: true });
    await writeFile(join(snapshot, file), await readFile(join(EXAMPLE, file)));
  }
  await mkdir(join(snapshot, 'k8s'), { recursive: true });
  if (!mixKinds) {
    for (const file of shuffled(k8s, random)) {
      await writeList(join(snapshot, file), shuffled(await kubernetesItems(file), random));
    }
    return snapshot;
  }
  const all = shuffled((await Promise.all(k8s.map(kubernetesItems))).flat(), random);
  const third = Math.ceil(all.length / 3);
  for (const part of shuffled([0, 1, 2], random)) {
    await writeList(join(snapshot, 'k8s', `part-${part}.json`), all.slice(part * third, (part + 1) * third));
  }
  return snapshot;
}

/** The CLI in its own node process with its own V8 hash and Math.random seeds; the JSON report from stdout. */
async function auditInProcess(snapshot: string, seed: number): Promise<Record<string, unknown>> {
  const args = [
    `--hash-seed=${seed}`,
    `--random-seed=${seed}`,
    '--require',
    require.resolve('tsx/cjs'),
    join(REPO_ROOT, 'bin', 'netpol-audit.ts'),
    'audit',
    '--snapshot',
    snapshot,
    '--out',
    join(dirname(snapshot), 'out'),
    '--no-suppressions',
    '--format',
    'json',
    '--output',
    '-',
  ];
  const result = await run(process.execPath, args, { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: unknown) => {
      // Exit 1 (findings) is the expected outcome for the drift example; its stdout is still the report.
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      if (failed.code !== 1 || failed.stdout === undefined) throw error;
      return { stdout: failed.stdout };
    },
  );
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** The report without the only fields that may differ between the runs: the wall clock and the snapshot's path. */
function withoutVaryingFields(report: Record<string, unknown>): Record<string, unknown> {
  const { generatedAt, cluster, ...rest } = report;
  const { location, ...sameCluster } = cluster as Record<string, unknown>;
  expect([typeof generatedAt, typeof location]).toEqual(['string', 'string']);
  return { ...rest, cluster: sameCluster };
}

describe('determinism across processes', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'determinism-'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('gives the same report from two processes with different hash seeds and input order', async () => {
    const [first, second] = await Promise.all([
      shuffledCopy(join(work, 'a'), 1, false),
      shuffledCopy(join(work, 'b'), 2, true),
    ]);

    const [one, two] = await Promise.all([auditInProcess(first, 1), auditInProcess(second, 982451653)]);

    expect((one['findings'] as unknown[]).length).toBeGreaterThan(10);
    expect(one['cluster']).toMatchObject({ location: first });
    expect(withoutVaryingFields(two)).toEqual(withoutVaryingFields(one));
  }, 60_000);
});
