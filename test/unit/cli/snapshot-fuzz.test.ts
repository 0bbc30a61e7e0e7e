import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../support/run-cli';

const SEED = join('examples', 'seed-cluster');
const NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const PER_RUN_LIMIT_MS = 10_000;

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(directory, entry.name)) : Promise.resolve([join(directory, entry.name)]),
    ),
  );
  return nested.flat().sort();
}

type Damage =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'truncate'; fraction: number }
  | { kind: 'json'; value: unknown }
  | { kind: 'drop-line'; fraction: number }
  | { kind: 'empty' }
  | { kind: 'directory' };

const damageArbitrary: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('drop-line' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('empty' as const) }),
  fc.record({ kind: fc.constant('directory' as const) }),
);

const extraArbitrary = fc.record({
  where: fc.constantFrom('k8s', join('nodes', NODE), join('nodes', NODE, 'maps'), join('nodes', NODE, 'tc'), 'nodes'),
  name: fc.constantFrom('extra.json', 'x.yaml', '999.txt', 'veth.ingress.txt', 'node.json', 'junk', 'other-node'),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 120 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  ),
  fifo: fc.boolean(),
});

async function damage(path: string, how: Damage): Promise<void> {
  const original = await readFile(path);
  switch (how.kind) {
    case 'bytes':
      return writeFile(path, how.bytes);
    case 'truncate':
      return writeFile(path, original.subarray(0, Math.floor(original.length * how.fraction)));
    case 'json':
      return writeFile(path, JSON.stringify(how.value));
    case 'drop-line': {
      const lines = original.toString('utf8').split('\n');
      lines.splice(Math.floor(lines.length * how.fraction), 1);
      return writeFile(path, lines.join('\n'));
    }
    case 'empty':
      return writeFile(path, '');
    case 'directory':
      await rm(path);
      await mkdir(path);
  }
}

describe('the snapshot reader under random damage (fuzz): exit 0, 1 or 2 in bounded time, never 3', () => {
  let work: string;
  let seedFiles: string[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'snapshot-fuzz-'));
    seedFiles = (await filesUnder(SEED)).map((file) => relative(SEED, file));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('audits and explains every damaged copy of the seed example without crashing or hanging', async () => {
    let case_ = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), damageArbitrary), { minLength: 1, maxLength: 4 }),
        fc.array(extraArbitrary, { maxLength: 2 }),
        async (damages, extras) => {
          const snapshot = join(work, `case-${(case_ += 1)}`);
          await cp(SEED, snapshot, { recursive: true });
          for (const [index, how] of damages) {
            const file = join(snapshot, seedFiles[index % seedFiles.length] ?? '');
            await damage(file, how).catch(() => undefined);
          }
          for (const extra of extras) {
            const path = join(snapshot, extra.where, extra.name);
            await mkdir(join(snapshot, extra.where), { recursive: true });
            await rm(path, { recursive: true, force: true });
            if (extra.fifo) execFileSync('mkfifo', [path]);
            else await writeFile(path, extra.body);
          }
          const started = Date.now();
          const audited = await runCli(['audit', '--snapshot', snapshot, '--out', join(snapshot, '..', 'out')]);
          const explained = await runCli([
            'explain',
            ...['--snapshot', snapshot, '--from', 'default/accessfalse', '--to', 'default/nginx-f8d9c6576-8b4vf'],
            ...['--port', '80'],
          ]);
          const elapsed = Date.now() - started;
          await rm(snapshot, { recursive: true, force: true });
          const detail = `${JSON.stringify({ damages, extras })}\naudit: ${audited.stderr}\nexplain: ${explained.stderr}`;
          if (![0, 1, 2].includes(audited.code) || ![0, 2].includes(explained.code) || elapsed > PER_RUN_LIMIT_MS)
            throw new Error(`audit ${audited.code}, explain ${explained.code}, ${elapsed} ms\n${detail}`);
        },
      ),
      { numRuns: 40, seed: 20261204 },
    );
  }, 300_000);
});
