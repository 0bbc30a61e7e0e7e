/**
 * `netpol-audit report --from s3://<bucket>/reports/<cluster>/` against moto's S3 (server mode, 127.0.0.1): the
 * service's latest.json and history.json as publish keeps them (lambdas/shared/service/keys.ts), rendered by the
 * engine's renderers into a local directory, the HTML with the trend chart of the history.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AuditReport, emptyHistory, updateHistory } from '#engine';
import { runCli } from '../../support/run-cli';
import { cleanSeedReport } from '../../support/seed-report';
import { startMotoServer, type MotoServer } from '../node-collector/moto-server';
import { MOTO_CREDENTIALS, useMotoForCli } from './support/cli-environment';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const BUCKET = 'netpol-audit-reports';

let moto: MotoServer;
let s3: S3Client;
let work: string;
let restoreEnvironment: () => void = () => undefined;

async function put(key: string, value: unknown): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(value) }));
}

beforeAll(async () => {
  moto = await startMotoServer();
  work = mkdtempSync(join(tmpdir(), 'report-from-s3-'));
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  const latest = await cleanSeedReport('prod-a');
  const earlier = { ...latest, generatedAt: '2026-12-03T02:00:00.000Z' };
  const history = updateHistory(updateHistory(emptyHistory('prod-a'), earlier, undefined), latest, earlier);
  await put('reports/prod-a/latest.json', latest);
  await put('reports/prod-a/history.json', history);
  await put('reports/prod-b/latest.json', await cleanSeedReport('prod-b'));
  restoreEnvironment = useMotoForCli(moto.endpoint);
});

afterAll(async () => {
  restoreEnvironment();
  s3.destroy();
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('netpol-audit report --from s3://… against moto', () => {
  it('renders latest.json as report.html with the trend chart of history.json', async () => {
    const out = join(work, 'prod-a');
    const result = await runCli([
      'report',
      '--from',
      `s3://${BUCKET}/reports/prod-a/`,
      '--region',
      REGION,
      '--out',
      out,
    ]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(out, 'report.html')}`);
    expect(result.stdout).toContain(`report s3://${BUCKET}/reports/prod-a/latest.json of 2026-12-04T12:00:00.000Z`);
    expect(result.stdout).toContain(`history: 2 run(s) from s3://${BUCKET}/reports/prod-a/history.json`);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="trend"><h2>Trend: last 2 run(s)</h2>');
    expect(html).toContain('prod-a');
  });

  it('renders the other formats of the same report, and says when there is no history', async () => {
    const out = join(work, 'prod-b');
    const result = await runCli([
      'report',
      '--from',
      `s3://${BUCKET}/reports/prod-b`,
      '--region',
      REGION,
      '--out',
      out,
      '--format',
      'json',
      '--format',
      'html',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`no s3://${BUCKET}/reports/prod-b/history.json: no trend chart`);
    expect(AuditReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).cluster.name).toBe('prod-b');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('id="trend"');
  });

  it('exits 2 naming the object for a cluster without latest.json, and for a URL that is not a cluster prefix', async () => {
    const missing = await runCli(['report', '--from', `s3://${BUCKET}/reports/prod-z/`, '--region', REGION]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `netpol-audit: StoreError: s3://${BUCKET}/reports/prod-z/latest.json: no such object\n`,
    );

    const wrong = await runCli(['report', '--from', `s3://${BUCKET}/runs/x/`, '--region', REGION]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--from: expected s3://<bucket>/reports/<cluster>/');
  });
});
