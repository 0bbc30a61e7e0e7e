import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNVERIFIED_CHECK_IDS, unverifiedFindings, type AuditReport } from '#engine';
import { runCli } from '../../support/run-cli';

const SEED = join('examples', 'seed-cluster');
const NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';

describe('audit --fail-on-unverified: a pod that could not be verified is not passed', () => {
  let work: string;
  let snapshot: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'unverified-'));
    snapshot = join(work, 'snapshot');
    await cp(SEED, snapshot, { recursive: true });
    // One truncated map dump of a selected pod: NODE-OUTPUT-UNPARSEABLE, medium, below the default --fail-on high.
    await writeFile(join(snapshot, 'nodes', NODE, 'maps', '100.txt'), 'Key : \n');
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const audit = (...flags: string[]) => runCli(['audit', '--snapshot', snapshot, '--out', join(work, 'out'), ...flags]);

  it('exits 1 by default and names what could not be verified', async () => {
    const result = await audit();

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not be verified (NODE-OUTPUT-UNPARSEABLE)');
  });

  it('exits 0 with --no-fail-on-unverified, and by default with --fail-on critical', async () => {
    expect((await audit('--no-fail-on-unverified')).code).toBe(0);
    expect((await audit('--fail-on', 'critical')).code).toBe(0);
  });

  it('gates with --fail-on critical when --fail-on-unverified is given', async () => {
    expect((await audit('--fail-on', 'critical', '--fail-on-unverified')).code).toBe(1);
  });

  it('leaves the clean seed cluster at exit 0', async () => {
    expect((await runCli(['audit', '--snapshot', SEED, '--out', join(work, 'seed-out')])).code).toBe(0);
  });

  it('does not count an info note (an optional kind the cluster does not install) as unverified', () => {
    const note = { checkId: 'INPUT-KIND-UNAVAILABLE', severity: 'info' } as const;
    const gap = { checkId: 'INPUT-KIND-UNAVAILABLE', severity: 'high' } as const;
    const report = { findings: [note, gap] } as unknown as AuditReport;

    expect(unverifiedFindings(report)).toEqual([gap]);
  });

  it('gates on the checks the catalog marks unverified: collection, parsing and reading, never drift', () => {
    expect([...UNVERIFIED_CHECK_IDS].sort()).toEqual([
      'INPUT-CLUSTER-UNREADABLE',
      'INPUT-KIND-UNAVAILABLE',
      'NODE-COLLECTION-FAILED',
      'NODE-COLLECTION-INCOMPLETE',
      'NODE-NOT-COLLECTED',
      'NODE-OUTPUT-UNPARSEABLE',
    ]);
  });
});
