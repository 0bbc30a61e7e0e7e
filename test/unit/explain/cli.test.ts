import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as run } from '../../support/run-cli';

const NGINX = 'default/nginx-f8d9c6576-8b4vf';
const SEED = join('examples', 'seed-cluster');

/** examples/seed-cluster without its nodes/ directory. */
async function seedWithoutNodes(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'explain-seed-'));
  await cp(join(SEED, 'k8s'), join(directory, 'k8s'), { recursive: true });
  await cp(join(SEED, 'eks'), join(directory, 'eks'), { recursive: true });
  return directory;
}

interface JsonLayer {
  verdict: string;
  reason: string;
  decidedBy?: Record<string, unknown>;
}
interface JsonExplanation {
  flow: Record<string, unknown>;
  intent: JsonLayer;
  policyEndpoint: JsonLayer;
  kernel: JsonLayer;
  disagreements: unknown[];
}

describe('netpol-audit explain', () => {
  const snapshot = SEED;

  it('allows default/accesstrue → nginx:80 at every layer (--json)', async () => {
    // Act
    const result = await run([
      'explain',
      '--snapshot',
      snapshot,
      '--from',
      'default/accesstrue',
      '--to',
      NGINX,
      '--port',
      '80',
      '--json',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as JsonExplanation;
    expect(Object.keys(output)).toEqual(['flow', 'intent', 'policyEndpoint', 'kernel', 'disagreements']);
    expect(output.flow).toEqual({
      from: 'default/accesstrue',
      fromIp: '172.31.101.218',
      to: NGINX,
      toIp: '172.31.104.5',
      port: 80,
      protocol: 'TCP',
    });
    expect([output.intent.verdict, output.policyEndpoint.verdict, output.kernel.verdict]).toEqual([
      'allow',
      'allow',
      'allow',
    ]);
    expect(output.kernel.decidedBy).toMatchObject({ map: 'ingress_map', mapId: 93, key: '172.31.101.218/32' });
    expect(output.disagreements).toEqual([]);
  });

  it('denies default/accessfalse → nginx:80 at every layer: 172.31.96.116 is not in the nginx ingress_map (map 93)', async () => {
    // Act
    const result = await run([
      'explain',
      '--snapshot',
      snapshot,
      '--from',
      'default/accessfalse',
      '--to',
      NGINX,
      '--port',
      '80',
      '--json',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as JsonExplanation;
    expect([output.intent.verdict, output.policyEndpoint.verdict, output.kernel.verdict]).toEqual([
      'deny',
      'deny',
      'deny',
    ]);
    expect(output.kernel.reason).toContain('172.31.96.116 is not in the ingress_map of default/nginx-f8d9c6576-8b4vf');
    expect(output.kernel.reason).toContain('map 93');
    expect(output.disagreements).toEqual([]);
  });

  it('prints one line per layer and the disagreements in human form', async () => {
    // Act
    const result = await run([
      'explain',
      '--snapshot',
      snapshot,
      '--from',
      'default/accessfalse',
      '--to',
      NGINX,
      '--port',
      '80',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`flow default/accessfalse (172.31.96.116) -> ${NGINX} (172.31.104.5) TCP/80`);
    expect(lines[1]).toMatch(/^intent\s+deny\s+ingress of default\/nginx/);
    expect(lines[2]).toMatch(/^policyEndpoint\s+deny\s+/);
    expect(lines[3]).toMatch(/^kernel\s+deny\s+.*172\.31\.96\.116 is not in the ingress_map/);
    expect(lines[4]).toBe('disagreements: none');
  });

  it('accepts an IP endpoint: only the destination pod side applies', async () => {
    // Act
    const result = await run([
      'explain',
      '--snapshot',
      snapshot,
      '--from',
      '203.0.113.9',
      '--to',
      NGINX,
      '--port',
      '80',
      '--json',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as JsonExplanation;
    expect([output.intent.verdict, output.policyEndpoint.verdict, output.kernel.verdict]).toEqual([
      'deny',
      'deny',
      'deny',
    ]);
    expect(output.kernel.reason).toContain('203.0.113.9 is not in the ingress_map');
    expect(output.kernel.reason).not.toContain('egress of');
  });

  it('reports the kernel as unknown when the snapshot has no node outputs', async () => {
    // Prepare
    const bare = await seedWithoutNodes();

    try {
      // Act
      const result = await run([
        'explain',
        '--snapshot',
        bare,
        '--from',
        'default/accesstrue',
        '--to',
        NGINX,
        '--port',
        '80',
        '--json',
      ]);

      // Assess
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as JsonExplanation;
      expect([output.intent.verdict, output.policyEndpoint.verdict, output.kernel.verdict]).toEqual([
        'allow',
        'allow',
        'unknown',
      ]);
      expect(output.kernel.reason).toContain('no node outputs');
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('exits 2 naming an unknown pod', async () => {
    // Act
    const result = await run([
      'explain',
      '--snapshot',
      snapshot,
      '--from',
      'default/ghost',
      '--to',
      NGINX,
      '--port',
      '80',
    ]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('default/ghost: no such pod in the inventory');
    expect(result.stdout).toBe('');
  });

  it('exits 2 on usage errors: a malformed endpoint, a bad port, a missing option', async () => {
    // Act
    const malformed = await run([
      'explain',
      '--snapshot',
      snapshot,
      '--from',
      'accesstrue',
      '--to',
      NGINX,
      '--port',
      '80',
    ]);
    const badPort = await run([
      'explain',
      '--snapshot',
      snapshot,
      '--from',
      'default/accesstrue',
      '--to',
      NGINX,
      '--port',
      '99999',
    ]);
    const missing = await run(['explain', '--snapshot', snapshot, '--from', 'default/accesstrue', '--to', NGINX]);

    // Assess
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('expected <namespace>/<pod> or an IP address');
    expect(badPort.code).toBe(2);
    expect(missing.code).toBe(2);
  });

  describe('--exit-code (like kubectl auth can-i)', () => {
    const flowTo = (from: string, snapshotDir: string): string[] => [
      'explain',
      '--snapshot',
      snapshotDir,
      '--from',
      from,
      '--to',
      NGINX,
      '--port',
      '80',
      '--exit-code',
    ];

    it('exits 0 for an allowed flow and 1 for a denied one, naming the layer that decided', async () => {
      const allowed = await run(flowTo('default/accesstrue', snapshot));
      const denied = await run(flowTo('default/accessfalse', snapshot));

      expect([allowed.code, denied.code]).toEqual([0, 1]);
      expect(allowed.stderr).toBe('netpol-audit explain: allow (decided by the kernel layer)\n');
      expect(denied.stderr).toBe('netpol-audit explain: deny (decided by the kernel layer)\n');
    });

    it('answers from the PolicyEndpoints when the snapshot has no node outputs, and says so', async () => {
      const bare = await seedWithoutNodes();
      try {
        const denied = await run(flowTo('default/accessfalse', bare));

        expect(denied.code).toBe(1);
        expect(denied.stderr).toBe('netpol-audit explain: deny (decided by the policyEndpoint layer)\n');
      } finally {
        await rm(bare, { recursive: true, force: true });
      }
    });

    it('keeps exit 0 without the flag, whatever the verdict', async () => {
      const denied = await run(flowTo('default/accessfalse', snapshot).slice(0, -1));

      expect(denied.code).toBe(0);
    });
  });
});
