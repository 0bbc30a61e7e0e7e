import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/run-cli';

const SEED = join('examples', 'seed-cluster');

describe('audit --out that cannot take a report: exit 2 with the path and the reason, never a spin or a stack', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'out-dir-'));
    await writeFile(join(work, 'a-file'), 'not a directory');
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const auditTo = (out: string) => runCli(['audit', '--snapshot', SEED, '--out', out]);

  it.each([
    ['a file', () => join(work, 'a-file'), 'exists and is not a directory'],
    ['a path below a file', () => join(work, 'a-file', 'report'), 'a-file exists and is not a directory'],
    ['a directory under /proc (where a recursive mkdir spins)', () => '/proc/netpol-audit-out', 'is on procfs'],
    ['a directory under /sys', () => '/sys/netpol-audit-out', 'is on sysfs'],
  ])('refuses %s', async (_case, out, reason) => {
    const result = await auditTo(out());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`netpol-audit: ${out()}: `);
    expect(result.stderr).toContain(reason);
    expect(result.stderr).not.toContain('    at ');
  });

  it('still creates a missing directory tree and writes the report into it', async () => {
    const out = join(work, 'new', 'tree');
    const result = await auditTo(out);

    expect(result.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['report.json', 'report.md']);
  });
});
