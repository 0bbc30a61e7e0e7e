import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

const SEED_NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';

/** examples/seed-cluster whose aws-node image is digest-pinned and (unless kept) whose node.json names no agent version. */
async function seedWithoutAgentVersion(options: { keepNodeVersion?: boolean } = {}): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'explain-seed-'));
  await cp(SEED, directory, { recursive: true });
  const daemonSets = join(directory, 'k8s', 'daemonsets.json');
  const pinned = (await readFile(daemonSets, 'utf8')).replace(
    /aws-network-policy-agent:v1\.2\.2-eksbuild\.1/g,
    `aws-network-policy-agent@sha256:${'0'.repeat(64)}`,
  );
  await writeFile(daemonSets, pinned);
  if (options.keepNodeVersion === true) return directory;
  const nodeJson = join(directory, 'nodes', SEED_NODE, 'node.json');
  const node = JSON.parse(await readFile(nodeJson, 'utf8')) as Record<string, unknown>;
  await writeFile(nodeJson, JSON.stringify({ ...node, agentVersion: 'unknown' }));
  return directory;
}

/** `explain` of one flow on a snapshot. */
function flowArgs(snapshotDir: string, from: string, to = NGINX, port = '80'): string[] {
  return ['explain', '--snapshot', snapshotDir, '--from', from, '--to', to, '--port', port];
}

/** `explain --json` of the article's accessfalse → nginx pod flow on port 80. */
function accessFalseJson(snapshotDir: string): string[] {
  return [...flowArgs(snapshotDir, 'default/accessfalse'), '--json'];
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
    const result = await run(accessFalseJson(snapshot));

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
    const result = await run(flowArgs(snapshot, 'default/accessfalse'));

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
    expect(malformed.stderr).toContain('expected <namespace>/<pod>, svc/<namespace>/<service> or an IP address');
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

  describe('--agent-version', () => {
    /** explain --json of accessfalse → nginx:80 on a copy of the seed without agent versions. */
    async function explainUnversioned(
      extra: string[],
      options: { keepNodeVersion?: boolean } = {},
    ): Promise<JsonExplanation> {
      const unversioned = await seedWithoutAgentVersion(options);
      try {
        const result = await run([...accessFalseJson(unversioned), ...extra]);
        return JSON.parse(result.stdout) as JsonExplanation;
      } finally {
        await rm(unversioned, { recursive: true, force: true });
      }
    }

    it('reports the kernel as unknown when neither node.json nor the aws-node image names the agent version', async () => {
      const output = await explainUnversioned([]);

      expect(output.kernel.verdict).toBe('unknown');
      expect(output.kernel.reason).toContain(`agent version of node ${SEED_NODE} unknown`);
      expect(output.kernel.reason).toContain('state the version with --agent-version');
      expect(output.policyEndpoint.verdict).toBe('deny');
    });

    it('evaluates the kernel maps with the stated version when the cluster names none', async () => {
      const output = await explainUnversioned(['--agent-version', 'v1.2.2']);

      expect(output.kernel.verdict).toBe('deny');
      expect(output.kernel.decidedBy).toMatchObject({ map: 'ingress_map', mapId: 93 });
    });

    it('keeps the unknown kernel verdict when --agent-version is not a version, and says so', async () => {
      const output = await explainUnversioned(['--agent-version', 'latest']);

      expect(output.kernel.verdict).toBe('unknown');
      expect(output.kernel.reason).toContain('--agent-version "latest" is not a version');
    });

    it('prefers the version node.json names over --agent-version', async () => {
      const output = await explainUnversioned(['--agent-version', 'latest'], { keepNodeVersion: true });

      expect(output.kernel.verdict).toBe('deny');
      expect(output.kernel.decidedBy).toMatchObject({ map: 'ingress_map', mapId: 93 });
    });
  });

  describe('through a Service', () => {
    it('prints the Service and each backend with its own verdicts (--to svc/default/nginx)', async () => {
      const result = await run(flowArgs(snapshot, 'default/accessfalse', 'svc/default/nginx'));

      const lines = result.stdout.trimEnd().split('\n');
      expect(lines.slice(0, 6)).toEqual([
        'flow default/accessfalse (172.31.96.116) -> svc/default/nginx (10.100.45.12) TCP/80',
        'intent         deny    1 deny of 1 backend',
        'policyEndpoint deny    1 deny of 1 backend',
        'kernel         deny    1 deny of 1 backend',
        'service default/nginx clusterIP 10.100.45.12 TCP/80 -> targetPort 80',
        `backend ${NGINX} (172.31.104.5:80)`,
      ]);
      expect(lines[8]).toMatch(/^ {2}kernel {9}deny {4}ingress of default\/nginx-f8d9c6576-8b4vf: deny – /);
    });

    it('adds service, backends and skippedBackends to --json for a flow to a ClusterIP', async () => {
      const result = await run([...flowArgs(snapshot, 'default/accessfalse', '10.100.45.12'), '--json']);

      const output = JSON.parse(result.stdout) as JsonExplanation & {
        service: Record<string, unknown>;
        backends: { pod: string; kernel: JsonLayer }[];
        skippedBackends: unknown[];
      };
      expect(Object.keys(output)).toEqual([
        'flow',
        'intent',
        'policyEndpoint',
        'kernel',
        'disagreements',
        'service',
        'backends',
        'skippedBackends',
      ]);
      expect(output.service).toMatchObject({ namespace: 'default', name: 'nginx', clusterIP: '10.100.45.12' });
      expect(output.backends.map((backend) => [backend.pod, backend.kernel.verdict])).toEqual([[NGINX, 'deny']]);
    });

    it('exits 1 when every backend denies and 0 when every backend allows (--exit-code)', async () => {
      const denied = await run([...flowArgs(snapshot, 'default/accessfalse', 'svc/default/nginx'), '--exit-code']);
      const allowed = await run([...flowArgs(snapshot, 'default/accesstrue', 'svc/default/nginx'), '--exit-code']);

      expect([denied.code, allowed.code]).toEqual([1, 0]);
      expect(denied.stderr).toBe(
        'netpol-audit explain: deny (0 allow, 1 deny, 0 unknown of 1 backend; decided by the kernel layer)\n',
      );
    });

    it('exits 2 for a Service port that does not exist, saying why', async () => {
      const result = await run([
        ...flowArgs(snapshot, 'default/accessfalse', 'svc/default/nginx', '8080'),
        '--exit-code',
      ]);

      expect(result.code).toBe(2);
      expect(result.stdout).toContain('not checked: Service default/nginx has no TCP port 8080');
      expect(result.stderr).toBe('netpol-audit explain: unknown (no backend could be checked)\n');
    });

    it('exits 2 with a hint when --to names the Service as if it were a pod', async () => {
      const result = await run(flowArgs(snapshot, 'default/accessfalse', 'default/nginx'));

      expect(result.code).toBe(2);
      expect(result.stderr).toContain('default/nginx is a Service: use svc/default/nginx');
    });
  });
});
