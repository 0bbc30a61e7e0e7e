import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../support/run-cli';
import { nodeBundle } from '../support/node-bundle';

const SEED = 'examples/seed-cluster';
const NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const INSTANCE = 'i-0a1b2c3d4e5f60718';

function collectorStdout(bundle: Buffer): string {
  return `{"collector":"eks-netpol-audit-node","ok":true,"fallback":"base64"}\nnetpol-audit-bundle-base64:${bundle.toString('base64')}\n`;
}

describe('netpol-audit import-node-bundle', () => {
  let work: string;
  let snapshot: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'netpol-import-'));
    snapshot = join(work, 'snapshot');
    await cp(join(SEED, 'k8s'), join(snapshot, 'k8s'), { recursive: true });
    await cp(join(SEED, 'eks'), join(snapshot, 'eks'), { recursive: true });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(work, { recursive: true, force: true });
  });

  async function expectSeedNodeImported(name: string): Promise<void> {
    const written = join(snapshot, 'nodes', name);
    expect(await readFile(join(written, 'loaded-ebpfdata.txt'), 'utf8')).toBe(
      await readFile(join(SEED, 'nodes', NODE, 'loaded-ebpfdata.txt'), 'utf8'),
    );
    expect((await readdir(join(written, 'maps'))).sort()).toEqual(
      (await readdir(join(SEED, 'nodes', NODE, 'maps'))).sort(),
    );
  }

  it('imports a tar.gz file under the node name of its own directory and prints what it wrote', async () => {
    const file = join(work, 'bundle.tar.gz');
    await writeFile(file, await nodeBundle(join(SEED, 'nodes', NODE), NODE));
    const result = await runCli(['import-node-bundle', '--snapshot', snapshot, file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`as node ${NODE} (from the bundle's own directory)`);
    expect(result.stdout).toContain('  loaded-ebpfdata.txt');
    await expectSeedNodeImported(NODE);
  });

  it('imports the base64 line of a collector stdout saved to a file', async () => {
    const file = join(work, 'stdout.txt');
    await writeFile(file, collectorStdout(await nodeBundle(join(SEED, 'nodes', NODE), NODE)));
    expect((await runCli(['import-node-bundle', '--snapshot', snapshot, file])).code).toBe(0);
    await expectSeedNodeImported(NODE);
  });

  it('imports the bare base64 from stdin (-)', async () => {
    const bundle = await nodeBundle(join(SEED, 'nodes', NODE), NODE);
    jest
      .spyOn(process, 'stdin', 'get')
      .mockReturnValue(Readable.from([Buffer.from(bundle.toString('base64'))]) as unknown as typeof process.stdin);
    const result = await runCli(['import-node-bundle', '--snapshot', snapshot, '-']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported stdin as node');
    await expectSeedNodeImported(NODE);
  });

  it('refuses a truncated collector stdout with exit 2 and says to use a bucket', async () => {
    const file = join(work, 'stdout.txt');
    await writeFile(file, '{"collector":"eks-netpol-audit-node"}\nnetpol-audit-bundle-truncated:48213\n');
    const result = await runCli(['import-node-bundle', '--snapshot', snapshot, file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(48213 bytes) was too large for stdout');
    expect(result.stderr).toContain('--bucket');
  });

  it('refuses a file that is not a bundle with exit 2', async () => {
    const file = join(work, 'notes.txt');
    await writeFile(file, 'hello, this is not a bundle\n');
    const result = await runCli(['import-node-bundle', '--snapshot', snapshot, file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a node bundle');
  });

  it('refuses an existing nodes/<node>/ unless --replace', async () => {
    const file = join(work, 'bundle.tar.gz');
    await writeFile(file, await nodeBundle(join(SEED, 'nodes', NODE), NODE));
    expect((await runCli(['import-node-bundle', '--snapshot', snapshot, file])).code).toBe(0);
    const again = await runCli(['import-node-bundle', '--snapshot', snapshot, file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; --replace replaces it');
    expect((await runCli(['import-node-bundle', '--snapshot', snapshot, '--replace', file])).code).toBe(0);
  });

  it('refuses a bundle path that leaves the node directory and leaves nothing behind', async () => {
    const file = join(work, 'bundle.tar.gz');
    const escaping = join(work, 'escaping');
    await cp(join(SEED, 'nodes', NODE), join(escaping, 'x'), { recursive: true });
    await writeFile(file, await nodeBundle(escaping, `${NODE}/../..`));
    const result = await runCli(['import-node-bundle', '--snapshot', snapshot, '--node', NODE, file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('leaves nodes/');
    await expect(readdir(join(snapshot, 'nodes', NODE))).rejects.toThrow('ENOENT');
  });

  it('maps an instance-id bundle (NodeName=auto) to the node whose spec.providerID names it', async () => {
    const file = join(work, 'bundle.tar.gz');
    await writeFile(file, await nodeBundle(join(SEED, 'nodes', NODE), INSTANCE));
    const result = await runCli(['import-node-bundle', '--snapshot', snapshot, file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`as node ${NODE} (from the k8s node whose spec.providerID names ${INSTANCE})`);
    await expectSeedNodeImported(NODE);
  });

  it('names the node with --node over the bundle directory', async () => {
    const file = join(work, 'bundle.tar.gz');
    await writeFile(file, await nodeBundle(join(SEED, 'nodes', NODE), INSTANCE));
    const result = await runCli(['import-node-bundle', '--snapshot', snapshot, '--node', 'worker-1', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('as node worker-1 (from --node)');
    await expectSeedNodeImported('worker-1');
  });

  it('gives audit --snapshot the imported node outputs', async () => {
    const file = join(work, 'bundle.tar.gz');
    await writeFile(file, await nodeBundle(join(SEED, 'nodes', NODE), INSTANCE));
    expect((await runCli(['import-node-bundle', '--snapshot', snapshot, file])).code).toBe(0);
    const audited = await runCli(['audit', '--snapshot', snapshot, '--out', join(work, 'out')]);
    expect(audited.code).toBe(0);
    expect(audited.stdout).toContain('1 node outputs');
  });
});
