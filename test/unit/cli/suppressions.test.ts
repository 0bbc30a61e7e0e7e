import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditReport } from '#engine';
import { loadSuppressions } from '../../../lambdas/shared/cli/suppressions-options';
import { runCli } from '../../support/run-cli';

const DRIFT = join('examples', 'drift-cluster');
const NOW = new Date('2026-12-04T12:00:00Z');

const ENTRY = [
  'version: 1',
  'suppressions:',
  '  - check: CFG-AGENT-VERSION-SKEW',
  '    resource: DaemonSet/kube-system/aws-node',
  '    reason: agent upgrade scheduled',
  '    expires: 2099-12-31',
  '',
].join('\n');

describe('audit --suppressions / --baseline', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'suppressions-'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function reportIn(directory: string): Promise<AuditReport> {
    return AuditReport.parse(JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')));
  }

  const audit = (out: string, ...flags: string[]) =>
    runCli(['audit', '--snapshot', DRIFT, '--out', join(work, out), '--no-suppressions', ...flags]);

  it('keeps a suppressed finding in report.json, marked, and leaves it out of the --fail-on exit code', async () => {
    const file = join(work, 'skew.yaml');
    await writeFile(file, ENTRY);
    const gate = ['--fail-on', 'critical', '--no-fail-on-unverified'];

    const without = await audit('without', ...gate);
    const suppressed = await audit('with', ...gate, '--suppressions', file);

    expect(without.code).toBe(1);
    expect(suppressed.code).toBe(0);
    const report = await reportIn(join(work, 'with'));
    expect(report.findings.find((finding) => finding.checkId === 'CFG-AGENT-VERSION-SKEW')?.suppressed).toEqual({
      reason: 'agent upgrade scheduled',
      expires: '2099-12-31',
      source: `${file} line 3`,
    });
    expect(report.summary.bySeverity.critical).toBe(0);
    expect(suppressed.stdout).toContain(', 1 suppressed');
    expect(suppressed.stdout).toContain(`suppressions: ${file} (1 suppression(s))`);
  });

  it('accepts every finding of a previous report with --baseline, through the given day', async () => {
    const first = await audit('first');
    const baseline = join(work, 'first', 'report.json');

    const second = await audit('second', '--baseline', baseline, '--baseline-expires', '2099-01-31');

    expect(first.code).toBe(1);
    expect(second.code).toBe(0);
    const report = await reportIn(join(work, 'second'));
    expect(report.summary).toMatchObject({ totalFindings: 0, suppressed: report.findings.length });
    expect(report.findings[0]?.suppressed?.reason).toBe(`baseline ${baseline}`);
    expect(second.stdout).toMatch(/baseline: .*report\.json of cluster .* finding\(s\) accepted through 2099-01-31/);
  });

  it('exits 2 naming the line and field of a bad suppressions file', async () => {
    const file = join(work, 'bad.yaml');
    await writeFile(file, ENTRY.replace('    reason: agent upgrade scheduled\n', ''));

    const result = await audit('bad', '--suppressions', file);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: line 3, suppressions[0].reason:`);
  });

  it('exits 2 for a baseline expiry before the audit day and for a missing suppressions file', async () => {
    const past = await audit(
      'past',
      '--baseline',
      join(work, 'first', 'report.json'),
      '--baseline-expires',
      '2020-01-01',
    );
    const missing = await audit('missing', '--suppressions', join(work, 'nope.yaml'));

    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/--baseline-expires 2020-01-01 is before the audit day/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the suppressions');
  });
});

describe('loadSuppressions', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'suppressions-default-'));
    await writeFile(join(directory, '.netpol-audit.yaml'), ENTRY);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads .netpol-audit.yaml from the directory when present, and says so', async () => {
    const loaded = await loadSuppressions({}, NOW, directory);

    expect(loaded.suppressions.map((entry) => entry.check)).toEqual(['CFG-AGENT-VERSION-SKEW']);
    expect(loaded.notes).toEqual(['suppressions: .netpol-audit.yaml (1 suppression(s))']);
  });

  it('ignores it with --no-suppressions, and reads nothing where there is none', async () => {
    expect(await loadSuppressions({ suppressions: false }, NOW, directory)).toEqual({
      suppressions: [],
      notes: ['suppressions: off (--no-suppressions)'],
    });
    expect(await loadSuppressions({}, NOW, tmpdir())).toEqual({ suppressions: [], notes: [] });
  });
});
