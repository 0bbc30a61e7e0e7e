import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditReport } from '#engine';
import { runCli } from '../../support/run-cli';

const SEED = join('examples', 'seed-cluster');
const NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const AGENT_IMAGE = 'amazon/aws-network-policy-agent:v1.2.2-eksbuild.1';

describe('an unknown network policy agent version is "not checked", never the newest behaviour turned into drift', () => {
  let work: string;
  let snapshot: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'agent-unknown-'));
    snapshot = join(work, 'snapshot');
    await cp(SEED, snapshot, { recursive: true });
    const daemonSets = join(snapshot, 'k8s', 'daemonsets.json');
    const digest = `amazon/aws-network-policy-agent@sha256:${'ab'.repeat(32)}`;
    await writeFile(daemonSets, (await readFile(daemonSets, 'utf8')).replace(AGENT_IMAGE, digest));
    const nodeJson = join(snapshot, 'nodes', NODE, 'node.json');
    const info = JSON.parse(await readFile(nodeJson, 'utf8')) as Record<string, unknown>;
    await writeFile(nodeJson, JSON.stringify({ ...info, agentVersion: 'unknown' }));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function audit(...flags: string[]): Promise<{ code: number; report: AuditReport }> {
    const out = join(work, `out-${flags.length}`);
    const { code } = await runCli(['audit', '--snapshot', snapshot, '--out', out, ...flags]);
    return { code, report: AuditReport.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8'))) };
  }

  it('runs no version-dependent node check and says why (no NODE-PROGRAM-MISSING for a digest-pinned image)', async () => {
    const { report } = await audit();

    expect(report.findings.filter((finding) => finding.layer === 'node')).toEqual([]);
    expect(report.notChecked).toContainEqual({
      scope: `node ${NODE} filters, programs and maps`,
      reason: expect.stringContaining('network policy agent version unknown') as string,
      kind: 'NC-NODE-AGENT-VERSION-UNKNOWN',
    });
    expect(report.findings.map((finding) => finding.checkId)).toContain('CFG-VERSION-UNKNOWN');
  });

  it('compares the node with the version stated by --agent-version, and shows the assumption', async () => {
    const { report } = await audit('--agent-version', 'v1.2.2');

    expect(report.findings.filter((finding) => finding.layer === 'node')).toEqual([]);
    expect(report.notChecked).toContainEqual({
      scope: `node ${NODE} agent version`,
      reason: expect.stringContaining('v1.2.2 assumed, as stated with --agent-version') as string,
      kind: 'NC-NODE-AGENT-VERSION-ASSUMED',
    });
    expect(report.passed.some((entry) => entry.checkId === 'NODE-LPM-ENTRY-MISSING')).toBe(true);
  });

  it('refuses nothing but reports a stated value that is not a version as unknown', async () => {
    const { report } = await audit('--agent-version', 'latest');

    expect(
      report.notChecked.find((entry) => entry.scope === `node ${NODE} filters, programs and maps`)?.reason,
    ).toContain('--agent-version "latest" is not a version');
  });
});
