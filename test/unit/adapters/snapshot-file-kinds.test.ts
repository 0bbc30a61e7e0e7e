import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { InputError } from '#engine/errors';

const SEED = join('examples', 'seed-cluster');
const NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';

/** The seed example's k8s/ and eks/ (and nodes/ when asked) in a scratch directory. */
async function seedCopy(withNodes = false): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'snapshot-kinds-'));
  await cp(join(SEED, 'k8s'), join(directory, 'k8s'), { recursive: true });
  await cp(join(SEED, 'eks'), join(directory, 'eks'), { recursive: true });
  if (withNodes) await cp(join(SEED, 'nodes'), join(directory, 'nodes'), { recursive: true });
  return directory;
}

async function podNames(directory: string): Promise<string[]> {
  const inventory = await new SnapshotDirectory(directory).readInventory();
  return inventory.pods.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`).sort();
}

describe('SnapshotDirectory: encodings, file kinds and formats', () => {
  let directory: string;
  let seedPods: string[];

  beforeAll(async () => {
    seedPods = await podNames(SEED);
  });

  beforeEach(async () => {
    directory = await seedCopy(true);
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const podsFile = () => join(directory, 'k8s', 'pods.json');

  it('reads a UTF-8 file with a byte order mark', async () => {
    const text = await readFile(podsFile());
    await writeFile(podsFile(), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]));

    expect(await podNames(directory)).toEqual(seedPods);
  });

  it('reads UTF-16 LE and BE with a byte order mark (Windows PowerShell `>`)', async () => {
    const text = await readFile(podsFile(), 'utf8');
    const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    await writeFile(podsFile(), littleEndian);
    expect(await podNames(directory)).toEqual(seedPods);

    const bigEndian = Buffer.from(Buffer.from(text, 'utf16le')).swap16();
    await writeFile(podsFile(), Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian]));
    expect(await podNames(directory)).toEqual(seedPods);
  });

  it('refuses invalid UTF-8 by name instead of replacing it (k8s/ and node outputs)', async () => {
    await writeFile(podsFile(), Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]).subarray(0, 3));
    const reading = new SnapshotDirectory(directory).readInventory();
    await expect(reading).rejects.toBeInstanceOf(InputError);
    await expect(reading).rejects.toThrow(/pods\.json: not valid UTF-8 text/);

    const dump = join(directory, 'nodes', NODE, 'maps', '100.txt');
    await writeFile(dump, Buffer.concat([Buffer.from('Key : '), Buffer.from([0xc3, 0x28])]));
    await expect(new SnapshotDirectory(directory).readNodeOutputs()).rejects.toThrow(/100\.txt: not valid UTF-8/);
  });

  it('refuses a FIFO under k8s/ by name without opening it (it would block for ever)', async () => {
    execFileSync('mkfifo', [join(directory, 'k8s', 'extra.json')]);
    const reading = new SnapshotDirectory(directory).readInventory();

    await expect(reading).rejects.toThrow(/extra\.json: not a regular file/);
  });

  it('refuses a FIFO under nodes/ by name, and follows a symbolic link to a regular file', async () => {
    const maps = join(directory, 'nodes', NODE, 'maps');
    const original = await readFile(join(maps, '100.txt'), 'utf8');
    await rm(join(maps, '100.txt'));
    await writeFile(join(directory, 'dump-100.txt'), original);
    await symlink(join(directory, 'dump-100.txt'), join(maps, '100.txt'));
    const outputs = await new SnapshotDirectory(directory).readNodeOutputs();
    expect(outputs[0]?.files.get('maps/100.txt')).toBe(original);

    execFileSync('mkfifo', [join(maps, 'pipe.txt')]);
    await expect(new SnapshotDirectory(directory).readNodeOutputs()).rejects.toThrow(/pipe\.txt: not a regular file/);
  });

  it('reads k8s/*.yaml (one document, or several separated by ---) and a bare JSON array', async () => {
    const list = JSON.parse(await readFile(podsFile(), 'utf8')) as { items: unknown[] };
    await rm(podsFile());
    const [first, ...rest] = list.items;
    const { stringify } = await import('yaml');
    await writeFile(join(directory, 'k8s', 'pod-first.yaml'), stringify(first));
    await writeFile(join(directory, 'k8s', 'pods-rest.yml'), rest.map((item) => stringify(item)).join('---\n'));
    expect(await podNames(directory)).toEqual(seedPods);

    await rm(join(directory, 'k8s', 'pod-first.yaml'));
    await rm(join(directory, 'k8s', 'pods-rest.yml'));
    await writeFile(podsFile(), JSON.stringify(list.items));
    expect(await podNames(directory)).toEqual(seedPods);
  });

  it('names the file of invalid YAML', async () => {
    await writeFile(join(directory, 'k8s', 'broken.yaml'), 'kind: Pod\nmetadata: {name: [\n');

    await expect(new SnapshotDirectory(directory).readInventory()).rejects.toThrow(/broken\.yaml: invalid YAML/);
  });
});
