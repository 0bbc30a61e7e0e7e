import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { z } from 'zod';
import { AuditStack } from '../../lib/audit-stack';
import { parseAuditConfig } from '../../lib/config';

// The CDK app as a user runs it (`npx cdk synth`, bin/app.ts with cdk.json), offline and without AWS credentials.
const ROOT = resolve(__dirname, '..', '..');
const CACHE = process.env['NETPOL_AUDIT_CACHE'] ?? join(process.env['HOME'] ?? '/root', '.cache', 'eks-netpol-audit');
const CFN_LINT = join(CACHE, 'venv', 'bin', 'cfn-lint');
const OFFLINE_ENV = {
  ...process.env,
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_PROFILE: '',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** The feature flags of cdk.json, as the CDK CLI passes them to the app. */
const CDK_JSON_CONTEXT = z
  .object({ context: z.record(z.string(), z.unknown()) })
  .parse(JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'))).context;

const outDirs: string[] = [];
function outDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'netpol-audit-synth-'));
  outDirs.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of outDirs) rmSync(directory, { recursive: true, force: true });
});

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = OFFLINE_ENV): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
}

const ValidationReport = z.object({
  pluginReports: z.array(z.object({ pluginName: z.string(), violations: z.array(z.unknown()).default([]) })),
});

describe('the CDK app (npx cdk synth, offline)', () => {
  const out = outDir();
  const synth = run('npx', ['cdk', 'synth', '--quiet', '--output', out]);
  const templatePath = join(out, 'EksNetpolAudit.template.json');

  it('synthesizes with the cdk.json of the repository and no credentials', () => {
    expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({ status: 0, stderr: '' });
    expect(existsSync(templatePath)).toBe(true);
  });

  it('leaves no unacknowledged cdk-nag finding (AwsSolutions and Serverless packs run in the synth)', () => {
    const report = ValidationReport.parse(JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')));
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  });

  it('the same cdk-nag wiring fails a synth that adds an unencrypted, unlogged bucket (the check can fail)', () => {
    const app = new App({ outdir: outDir(), context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = new AuditStack(app, 'NagControl', {
      config: parseAuditConfig({ clusters: { names: ['prod'] } }),
      projectRoot: ROOT,
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    new s3.CfnBucket(stack, 'PlainBucket');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S1|[Vv]alidation/);
  });

  it('passes cfn-lint with zero errors (warnings allowed: W3005 is the redundant DependsOn CDK writes)', () => {
    if (!existsSync(CFN_LINT))
      throw new Error(`cfn-lint missing at ${CFN_LINT}: run scripts/install-python-test-deps.sh`);
    const lint = run(CFN_LINT, ['--format', 'parseable', templatePath]);
    const errors = lint.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
    // cfn-lint's exit code is a bit mask: 2 means errors, 4 warnings, 8 informational.
    expect((lint.status ?? 1) & 0b11).toBe(0);
  });
});

describe('an invalid cdk.json configuration', () => {
  function synthWith(audit: unknown): SpawnSyncReturns<string> {
    return run('npx', ['tsx', 'bin/app.ts'], {
      ...OFFLINE_ENV,
      CDK_OUTDIR: outDir(),
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, audit }),
    });
  }

  it('fails the synth with a message naming each bad key', () => {
    const result = synthWith({ clusters: { names: ['not a cluster!'] }, alertSeverity: 'urgent' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('invalid cdk.json context');
    expect(result.stderr).toMatch(/audit\.clusters/);
    expect(result.stderr).toMatch(/audit\.alertSeverity: /);
  });

  it('fails when the clusters are missing, naming audit.clusters', () => {
    const result = synthWith({});
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/audit\.clusters: /);
  });

  it('accepts a valid configuration (so the failures above are about the values)', () => {
    const result = synthWith({ clusters: { names: ['prod'] }, alertSeverity: 'medium' });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
  });
});
