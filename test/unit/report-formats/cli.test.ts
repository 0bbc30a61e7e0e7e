import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AuditReport, emptyHistory, updateHistory, type SarifLog } from '#engine';
import { runCli } from '../../support/run-cli';
import { REPO_ROOT } from './support/example-report';

const DRIFT = join(REPO_ROOT, 'examples/drift-cluster');

describe('netpol-audit audit --format/--output and netpol-audit diff', () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'netpol-audit-formats-'));
  });
  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });
  const auditDrift = (...extra: string[]): ReturnType<typeof runCli> =>
    runCli(['audit', '--snapshot', DRIFT, '--out', out, ...extra]);
  const readOut = async (file: string): Promise<string> => readFile(join(out, file), 'utf8');

  it('draws the trend chart of a --history file in report.html, and reads the file only for html', async () => {
    expect((await auditDrift()).code).toBe(1);
    const report = AuditReport.parse(JSON.parse(await readOut('report.json')));
    const historyFile = join(out, 'history.json');
    await writeFile(historyFile, JSON.stringify(updateHistory(emptyHistory(report.cluster.name), report, undefined)));

    expect((await auditDrift('--format', 'html', '--history', historyFile)).code).toBe(1);
    expect(await readOut('report.html')).toContain('<section id="trend"><h2>Trend: last 1 run(s)</h2>');
    const withoutHtml = await auditDrift('--format', 'sarif', '--history', join(out, 'missing.json'));
    expect(withoutHtml.stderr).toBe('');
    expect(withoutHtml.code).toBe(1);
  });

  it('writes each repeated --format to its file beside report.json and names them in the summary', async () => {
    // Act
    const run = await auditDrift(
      '--format',
      'html',
      '--format',
      'sarif',
      '--format',
      'junit',
      '--format',
      'policyreport',
      '--format',
      'openreports',
    );
    // Assess
    expect(run.code).toBe(1);
    for (const file of [
      'report.json',
      'report.md',
      'report.html',
      'report.sarif',
      'report.junit.xml',
      'policyreport.yaml',
      'openreports.yaml',
    ]) {
      expect(run.stdout).toContain(`wrote ${join(out, file)}`);
    }
    const sarif = JSON.parse(await readOut('report.sarif')) as SarifLog;
    const report = AuditReport.parse(JSON.parse(await readOut('report.json')));
    expect(sarif.runs[0].results).toHaveLength(report.findings.length);
    expect(await readOut('report.html')).toContain('<!DOCTYPE html>');
    const kinds = parseAllDocuments(await readOut('openreports.yaml')).map(
      (document) => (document.toJS() as { kind: string }).kind,
    );
    expect(kinds.at(-1)).toBe('ClusterReport');
  });

  it('--format json --output - puts exactly the report schema on stdout and the summary on stderr', async () => {
    const run = await auditDrift('--format', 'json', '--output', '-');
    expect(run.code).toBe(1);
    const report = AuditReport.parse(JSON.parse(run.stdout));
    expect(report.cluster.name).toBe('drift-cluster');
    expect(run.stderr).toContain('cluster drift-cluster');
  });

  it('refuses --output with two formats and asff without a cluster ARN, exit 2 with the reason', async () => {
    const two = await auditDrift('--format', 'md', '--format', 'html', '--output', join(out, 'x'));
    expect([two.code, two.stderr]).toEqual([2, 'netpol-audit: --output takes exactly one --format (got 2)\n']);
    const asff = await auditDrift('--format', 'asff');
    expect(asff.code).toBe(2);
    expect(asff.stderr).toContain('--format asff needs --cluster-arn');
    const unknown = await runCli(['audit', '--snapshot', DRIFT, '--format', 'pdf']);
    expect(unknown.code).toBe(2);
  });

  it('writes ASFF batches for the cluster ARN given', async () => {
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/drift';
    const output = join(out, 'asff.json');
    const run = await auditDrift('--format', 'asff', '--cluster-arn', arn, '--output', output);
    expect(run.code).toBe(1);
    const batches = JSON.parse(await readFile(output, 'utf8')) as {
      Findings: { AwsAccountId: string; Resources: { Id: string }[] }[];
    }[];
    expect(batches[0]?.Findings[0]).toMatchObject({ AwsAccountId: '123456789012', Resources: [{ Id: arn }] });
  });

  it('diff lists new, resolved and persisting findings by fingerprint; exit 1 only when something is new', async () => {
    // Prepare
    await auditDrift();
    const report = AuditReport.parse(JSON.parse(await readOut('report.json')));
    const [dropped, ...rest] = report.findings;
    const older = join(out, 'old.json');
    await writeFile(older, JSON.stringify({ ...report, findings: rest }));
    const newer = join(out, 'report.json');
    // Act
    const forward = await runCli(['diff', older, newer]);
    const backward = await runCli(['diff', newer, older, '--format', 'json']);
    // Assess
    expect(forward.code).toBe(1);
    expect(forward.stdout.split('\n').filter((line) => /^(new|resolved|persisting) \(/.test(line))).toEqual([
      'new (1)',
      'resolved (0)',
      `persisting (${rest.length})`,
    ]);
    expect(forward.stdout).toContain(dropped?.checkId);
    expect(backward.code).toBe(0);
    const json = JSON.parse(backward.stdout) as { counts: unknown; resolved: { fingerprint: string }[] };
    expect(json.counts).toEqual({ new: 0, resolved: 1, persisting: rest.length });
    expect(json.resolved.map((f) => f.fingerprint)).toEqual([dropped?.fingerprint]);
  });

  it('diff names the file that is not a report and the clusters that differ', async () => {
    await auditDrift();
    const bad = join(out, 'bad.json');
    await writeFile(bad, '{"schemaVersion": "1.0"}');
    const broken = await runCli(['diff', bad, join(out, 'report.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${bad}: not an audit report (report.json)`);
    const report = JSON.parse(await readOut('report.json')) as AuditReport;
    const other = join(out, 'other.json');
    await writeFile(other, JSON.stringify({ ...report, cluster: { ...report.cluster, name: 'other' } }));
    const clusters = await runCli(['diff', other, join(out, 'report.json')]);
    expect(clusters.code).toBe(2);
    expect(clusters.stderr).toContain('different clusters (other and drift-cluster)');
  });
});
