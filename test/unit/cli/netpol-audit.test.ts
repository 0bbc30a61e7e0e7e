import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as run } from '../../support/run-cli';
import { AuditReport } from '#engine/report/report';

async function readReport(directory: string): Promise<AuditReport> {
  return AuditReport.parse(JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')));
}

describe('netpol-audit CLI', () => {
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'netpol-audit-'));
  });

  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('audits the seed example clean: exit 0, a schema-valid report, only informational findings', async () => {
    const result = await run(['audit', '--snapshot', 'examples/seed-cluster', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('cluster seed-cluster');
    const report = await readReport(out);
    expect(report.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    expect(report.configuration).toMatchObject({
      networkPolicyEnabled: true,
      enforcementMode: 'standard',
      cniVersion: '1.19.6',
      agentVersion: '1.2.2',
    });
    expect(report.policies).toEqual([
      expect.objectContaining({
        name: 'access-nginx',
        namespace: 'default',
        selectedPods: 1,
        ingressEntries: 1,
        policyEndpoints: 1,
      }),
    ]);
    expect(report.inputs).toMatchObject({ networkPolicies: 1, policyEndpoints: 1, pods: 7, nodes: 1, nodeOutputs: 1 });
    expect(report.notChecked).toEqual([]);
    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('# Network policy audit: seed-cluster');
    expect(markdown).toContain('### NetworkPolicy default/access-nginx');
  });

  it('detects every drift planted in the drift example and exits 1', async () => {
    const result = await run(['audit', '--snapshot', 'examples/drift-cluster', '--out', out]);
    expect(result.code).toBe(1);
    const report = await readReport(out);
    const found = new Set(report.findings.map((finding) => `${finding.checkId} ${finding.resource.name}`));
    for (const planted of [
      'CFG-AGENT-VERSION-SKEW aws-node',
      'CFG-ADDON-DRIFT aws-node',
      'CFG-ADDON-STATUS vpc-cni',
      'CFG-ADDON-HEALTH vpc-cni',
      'CP-PE-MISSING ledger-ingress',
      'CP-PE-ORPHAN legacy-allow-all',
      'CP-PE-STALE-SELECTOR api-allow-web',
      'CP-PE-POD-STALE-IP api-allow-web',
      'CP-PE-EGRESS-MISSING web-egress',
      'CP-PE-PORTS-NARROWER api-egress-vpc',
      'CP-SVC-PORT-UNMAPPED batch-to-ledger',
      'CP-LIMIT-HOSTNETWORK-SELECTED monitoring-ingress',
      'CP-LIMIT-SHARED-POD-IDENTIFIER report-audit',
      'NODE-FILTER-PROGRAM-MISMATCH web-6c9f8d7b5-k2x8p',
      'NODE-COLLECTION-FAILED ip-10-0-2-40.eu-west-1.compute.internal',
    ]) {
      expect(found).toContain(planted);
    }
    expect(report.findings.some((finding) => finding.checkId === 'CP-LIMIT-PORTS-PER-CIDR')).toBe(true);
    expect(report.findings.filter((finding) => finding.resource.name === 'web-ingress')).toEqual([]);
    expect(report.summary.highestSeverity).toBe('critical');
    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    expect(markdown.indexOf('## What is wrong')).toBeLessThan(markdown.indexOf('## Policies'));
  });

  it('applies --fail-on and --desired-mode', async () => {
    expect((await run(['audit', '--snapshot', 'examples/seed-cluster', '--out', out, '--fail-on', 'info'])).code).toBe(
      1,
    );
    const strict = await run([
      'audit',
      '--snapshot',
      'examples/seed-cluster',
      '--out',
      out,
      '--desired-mode',
      'strict',
    ]);
    expect(strict.code).toBe(1);
    const report = await readReport(out);
    expect(report.configuration.desiredMode).toBe('strict');
    expect(report.findings.map((finding) => finding.checkId)).toContain('CFG-MODE-MISMATCH');
  });

  it('exits 2 on usage errors', async () => {
    expect((await run(['audit'])).code).toBe(2);
    expect((await run(['audit', '--snapshot', 'examples/seed-cluster', '--fail-on', 'severe'])).code).toBe(2);
    expect((await run(['audit', '--snapshot', 'examples/seed-cluster', '--desired-mode', 'lenient'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('exits 2 with the file and the problem when input is unreadable', async () => {
    const missing = await run(['audit', '--snapshot', join(out, 'absent'), '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('absent: snapshot directory does not exist');
    const snapshot = join(out, 'snap');
    await mkdir(join(snapshot, 'k8s'), { recursive: true });
    await writeFile(join(snapshot, 'k8s', 'pods.json'), '{ not json');
    const broken = await run(['audit', '--snapshot', snapshot, '--out', out]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/pods\.json: invalid JSON/);
  });

  it('resolve prints one element per NetworkPolicy with the controller content', async () => {
    const result = await run(['resolve', '--snapshot', 'examples/seed-cluster']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        policyRef: { name: 'access-nginx', namespace: 'default' },
        podIsolation: ['Ingress'],
        podSelector: { matchLabels: { app: 'nginx' } },
        podSelectorEndpoints: [
          { hostIP: '172.31.103.129', podIP: '172.31.104.5', name: 'nginx-f8d9c6576-8b4vf', namespace: 'default' },
        ],
        ingress: [{ cidr: '172.31.101.218' }],
        egress: [],
      },
    ]);
  });

  it('runs as the package bin', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/cli-launcher.cjs', 'audit', '--snapshot', 'examples/seed-cluster', '--out', out],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('wrote');
  });
});
