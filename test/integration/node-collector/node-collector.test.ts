/**
 * Real-kernel test of ssm-documents/collect-node-policy-state.yaml (run as root; see README of this folder in
 * the report / scripts/install-node-test-deps.sh for the packages). It builds a fake EKS node (network
 * namespaces, VPC-CNI-named host veths, the agent's pins and tc filters from our own BPF object), runs the
 * document's script with the REAL aws-eks-na-cli v1.4.1 built from its Go module, and checks the uploaded bundle.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostVethName } from '#engine/facts/veth-name';
import { podIdentifier } from '#engine/facts/pod-identifier';
import { parseCpMapDump } from '#engine/node/parsers/cp-map';
import { parseLpmMapDump } from '#engine/node/parsers/lpm-map';
import { parsePodStateMapDump } from '#engine/node/parsers/pod-state-map';
import type { CpRule, LpmRule } from './bpf-encoding';
import {
  nodeJsonSchema,
  runCollector,
  sha256,
  startUploadServer,
  unpack,
  type CollectorParameters,
  type UploadServer,
} from './collector-run';
import { NodeLab, type IdentifierSpec, type LoadedIdentifier } from './node-lab';
import { BPF_SOURCE, missingPrerequisites, realNaCliPath, REPO } from './prerequisites';
import { run } from './process';
import { readLoadedEbpfData, readTcFilters } from './text-outputs';

jest.setTimeout(180_000);

const AGENT_LOG = join(REPO, 'test/fixtures/node-collector/network-policy-agent.log');
const NA_CLI_VERSION = 'v1.4.1';
const REAL_NA_CLI = realNaCliPath(NA_CLI_VERSION);
const NODE_NAME = 'ip-10-0-1-25.ec2.internal';
const NODE_IP = '10.0.1.25';
const TCP = 6;
const UDP = 17;
const ANY = 254;
const RESERVED = 255;

const sha1Hex = (input: string): string => createHash('sha1').update(input).digest('hex');

interface PodFixture {
  readonly namespace: string;
  readonly name: string;
  readonly prefix: 'eni' | 'vlan';
  readonly ip: string;
  /** Whether the pod's identifier has probes attached. */
  readonly attached: boolean;
  readonly veth: string;
  readonly identifier: string;
}

function pod(namespace: string, name: string, prefix: 'eni' | 'vlan', ip: string, attached: boolean): PodFixture {
  return {
    namespace,
    name,
    prefix,
    ip,
    attached,
    veth: hostVethName(namespace, name, sha1Hex, prefix),
    identifier: podIdentifier(name, namespace, NA_CLI_VERSION),
  };
}

const suffix = randomBytes(3).toString('hex').slice(0, 5);
const PODS: readonly PodFixture[] = [
  pod('shop', `nginx-5d8b9f7c6d-x${suffix}`, 'eni', '10.0.23.14', true),
  pod('shop', `nginx-5d8b9f7c6d-k${suffix}`, 'eni', '10.0.31.206', true),
  pod('db', `web-${suffix}`, 'eni', '10.0.17.99', false),
  pod('payments', `api-7f9c-${suffix}`, 'vlan', '10.0.44.7', true),
];

const slot = (protocol: number, startPort = 0, endPort = 0) => ({ protocol, startPort, endPort });

const NGINX: IdentifierSpec = {
  identifier: 'nginx-5d8b9f7c6d@shop',
  ingress: [
    { cidr: `${NODE_IP}/32`, slots: [slot(ANY)] },
    { cidr: '10.0.5.0/24', slots: [slot(RESERVED)] },
    { cidr: '10.0.40.12/32', slots: [slot(TCP, 80), slot(TCP, 8080), slot(TCP, 9000, 9100)] },
    { cidr: '10.0.0.0/16', slots: [slot(TCP, 8080), slot(TCP, 9000, 9100)] },
  ],
  egress: [
    { cidr: `${NODE_IP}/32`, slots: [slot(ANY)] },
    { cidr: '172.20.0.10/32', slots: [slot(UDP, 53), slot(TCP, 53)] },
    { cidr: '10.0.2.33/32', slots: [slot(UDP, 53), slot(TCP, 53)] },
    { cidr: '169.254.169.254/32', slots: [slot(RESERVED)] },
    { cidr: '0.0.0.0/0', slots: [slot(TCP, 443)] },
  ],
  cpIngress: [],
  cpEgress: [
    {
      cidr: '10.0.0.0/8',
      slots: [
        { ...slot(TCP, 22), priority: 100 },
        { ...slot(ANY), priority: 20501 },
      ],
    },
    { cidr: '0.0.0.0/0', slots: [{ ...slot(ANY), priority: 20501 }] },
  ],
  podState: [0, 0],
};

/** A strict-SGPP pod (vlan veth), default-allow, whose cp_ingress_map pin was lost (§1.3.3 drift signal). */
const API: IdentifierSpec = {
  identifier: 'api-7f9c@payments',
  ingress: [{ cidr: `${NODE_IP}/32`, slots: [slot(ANY)] }],
  egress: [],
  cpIngress: [],
  cpEgress: [],
  podState: [1, 1],
  unpin: ['cp_ingress_map'],
};

function slotKey(s: { protocol: number | null; startPort: number; endPort: number; priority?: number }): string {
  return `${String(s.protocol)}/${String(s.startPort)}/${String(s.endPort)}/${String(s.priority ?? '')}`;
}

function expectedEntries(rules: readonly (LpmRule | CpRule)[]): Record<string, string[]> {
  return Object.fromEntries(rules.map((rule) => [rule.cidr, rule.slots.map(slotKey).sort()]));
}

describe('collect-node-policy-state on a real kernel with the real aws-eks-na-cli', () => {
  let work = '';
  let lab: NodeLab | undefined;
  let server: UploadServer | undefined;
  const loaded = new Map<string, LoadedIdentifier>();

  beforeAll(async () => {
    const missing = missingPrerequisites(NA_CLI_VERSION);
    if (missing.length > 0) {
      throw new Error(
        `node-collector integration test cannot run; missing: ${missing.join('; ')}. ` +
          'Install with scripts/install-node-test-deps.sh (as root).',
      );
    }
    work = mkdtempSync(join(tmpdir(), 'npc-it-'));
    const object = join(work, 'tc-policy.bpf.o');
    const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
    await run('clang', ['-O2', '-g', '-target', 'bpf', `-I/usr/include/${multiarch}`, '-c', BPF_SOURCE, '-o', object]);

    lab = await NodeLab.start(object);
    for (const [i, p] of PODS.entries()) await lab.addPod(`npc-${String(process.pid)}-${String(i)}`, p.veth, p.ip);
    for (const spec of [NGINX, API]) loaded.set(spec.identifier, await lab.loadIdentifier(spec));
    for (const p of PODS) if (p.attached) await lab.attach(p.veth, p.identifier);
    server = await startUploadServer();
  });

  afterAll(async () => {
    const problems = lab === undefined ? [] : await lab.cleanup();
    await server?.close();
    if (work !== '') rmSync(work, { recursive: true, force: true });
    const leftovers = (await run('ip', ['netns', 'list'])).stdout
      .split('\n')
      .filter((line) => line.startsWith(`npc-${String(process.pid)}-`));
    problems.push(...leftovers.map((ns) => `network namespace left behind: ${ns}`));
    if (problems.length > 0) throw new Error(`cleanup incomplete: ${problems.join('; ')}`);
  });

  function labOrFail(): NodeLab {
    if (lab === undefined) throw new Error('lab not started');
    return lab;
  }

  function serverOrFail(): UploadServer {
    if (server === undefined) throw new Error('upload server not started');
    return server;
  }

  function identifierOrFail(identifier: string): LoadedIdentifier {
    const value = loaded.get(identifier);
    if (value === undefined) throw new Error(`identifier ${identifier} not loaded`);
    return value;
  }

  function collectInLab(parameters: CollectorParameters, env: NodeJS.ProcessEnv, name: string) {
    const cniBin = join(work, 'cni-bin');
    mkdirSync(cniBin, { recursive: true });
    writeFileSync(join(cniBin, 'tc.v4ingress.bpf.o'), '');
    return runCollector(join(work, `${name}.sh`), parameters, { NPC_CNI_BIN: cniBin, ...env }, (command, args, e) =>
      labOrFail().inMountNs(command, args, e, 120_000),
    );
  }

  test('the pod fixtures follow the VPC CNI and agent naming', () => {
    // Assess
    expect(PODS.map((p) => p.veth)).toEqual(
      PODS.map((p) => expect.stringMatching(new RegExp(`^${p.prefix}[0-9a-f]{11}$`)) as unknown),
    );
    expect(PODS.map((p) => p.identifier)).toEqual([NGINX.identifier, NGINX.identifier, 'web@db', API.identifier]);
  });

  test('uploads a bundle with the documented layout, tc program ids and map contents', async () => {
    // Prepare
    const upload = serverOrFail();
    const outDir = join(work, 'out-main');
    const nginx = identifierOrFail(NGINX.identifier);
    const api = identifierOrFail(API.identifier);

    // Act
    const result = await collectInLab(
      {
        UploadUrl: upload.url('/bundles/main.tar.gz'),
        NodeName: NODE_NAME,
        TimeoutSeconds: '120',
        IncludeAgentLog: 'true',
      },
      { NPC_NA_CLI: REAL_NA_CLI, NPC_AGENT_LOG: AGENT_LOG, NPC_OUT_DIR: outDir, NPC_ALLOW_LOOPBACK_HTTP: '1' },
      'main',
    );

    // Assess: stdout is one summary line and the upload happened
    expect(result.stdoutLines).toHaveLength(1);
    expect(result.stdoutLines[0]?.length).toBeLessThan(24_000);
    const { summary } = result;
    expect(summary).toMatchObject({ upload: 'ok', httpStatus: 200, fallback: 'none', cli: true, tc: true, errors: 0 });
    const bundle = upload.received.get('/bundles/main.tar.gz');
    if (bundle === undefined) throw new Error('nothing was uploaded');
    expect(bundle.length).toBe(summary.bytes);
    expect(sha256(bundle)).toBe(summary.sha256);

    // Assess: layout
    const root = join(work, 'unpacked-main');
    const files = await unpack(bundle, join(work, 'main.tar.gz'), root);
    const nodeDir = `nodes/${NODE_NAME}/`;
    const layout = new RegExp(
      `^nodes/${NODE_NAME.replaceAll('.', '\\.')}/(loaded-ebpfdata\\.txt|node\\.json|pins\\.txt|agent-log-errors\\.txt|maps/\\d+\\.txt|tc/(eni|vlan)[0-9a-f]{11}\\.(ingress|egress)\\.txt)$`,
    );
    expect(files.filter((f) => !layout.test(f))).toEqual([]);
    const dumpedMaps = [
      ...Object.values(nginx.mapIds),
      api.mapIds.ingress_map,
      api.mapIds.egress_map,
      api.mapIds.cp_egress_map,
      api.mapIds.ingress_pod_state_map,
      api.mapIds.egress_pod_state_map,
    ];
    const expectedFiles = [
      'loaded-ebpfdata.txt',
      'node.json',
      'pins.txt',
      'agent-log-errors.txt',
      ...dumpedMaps.map((id) => `maps/${String(id)}.txt`),
      ...PODS.flatMap((p) => [`tc/${p.veth}.ingress.txt`, `tc/${p.veth}.egress.txt`]),
    ].map((f) => nodeDir + f);
    expect(files).toEqual(expect.arrayContaining(expectedFiles));
    const mapFiles = files.filter((f) => f.startsWith(`${nodeDir}maps/`));
    expect(mapFiles.sort()).toEqual(dumpedMaps.map((id) => `${nodeDir}maps/${String(id)}.txt`).sort());
    expect(summary.maps).toBe(dumpedMaps.length);
    const read = (file: string): string => readFileSync(join(root, nodeDir, file), 'utf8');

    // Assess: tc files carry the program ids bpftool reports for the pins (handle_ingress on tc egress, §3.1)
    for (const p of PODS) {
      const egress = readTcFilters(read(`tc/${p.veth}.egress.txt`)).map((f) => f.programId);
      const ingress = readTcFilters(read(`tc/${p.veth}.ingress.txt`)).map((f) => f.programId);
      if (p.attached) {
        const ids = identifierOrFail(p.identifier).programIds;
        expect({ veth: p.veth, egress, ingress }).toEqual({
          veth: p.veth,
          egress: [ids.handle_ingress],
          ingress: [ids.handle_egress],
        });
      } else {
        expect({
          veth: p.veth,
          egress: read(`tc/${p.veth}.egress.txt`),
          ingress: read(`tc/${p.veth}.ingress.txt`),
        }).toEqual({
          veth: p.veth,
          egress: '',
          ingress: '',
        });
      }
    }

    // Assess: loaded-ebpfdata names every program pin with its id and maps; the unpinned map has an empty name
    const blocks = readLoadedEbpfData(read('loaded-ebpfdata.txt'));
    const byPin = new Map(blocks.map((b) => [b.pinPath, b]));
    expect(blocks).toHaveLength(4);
    for (const [spec, ids] of [
      [NGINX, nginx],
      [API, api],
    ] as const) {
      for (const direction of ['ingress', 'egress'] as const) {
        const block = byPin.get(`/sys/fs/bpf/globals/aws/programs/${spec.identifier}_handle_${direction}`);
        const name = (map: string): string => ((spec.unpin ?? []).some((u) => u === map) ? '' : map);
        const expectedMaps = [
          { name: name(`${direction}_map`), id: ids.mapIds[`${direction}_map`] },
          { name: name(`${direction}_pod_state_map`), id: ids.mapIds[`${direction}_pod_state_map`] },
          { name: name(`cp_${direction}_map`), id: ids.mapIds[`cp_${direction}_map`] },
          { name: 'aws_conntrack_map', id: ids.globalMapIds.aws_conntrack_map },
          { name: 'policy_events', id: ids.globalMapIds.policy_events },
        ];
        expect(block).toMatchObject({
          podIdentifier: spec.identifier,
          direction,
          programId: ids.programIds[`handle_${direction}`],
        });
        expect([...(block?.maps ?? [])].sort((a, b) => a.id - b.id)).toEqual(expectedMaps.sort((a, b) => a.id - b.id));
      }
    }

    // Assess: map dumps contain exactly what was inserted (parsed with the domain parsers)
    const lpm = (id: number): Record<string, string[]> => {
      const parsed = parseLpmMapDump(read(`maps/${String(id)}.txt`), `maps/${String(id)}.txt`);
      if (!parsed.ok) throw parsed.error;
      if (parsed.value.kind !== 'lpm-map') throw new Error(`map ${String(id)}: ${parsed.value.kind}`);
      expect(parsed.value.generation === null || parsed.value.generation === 'G3').toBe(true);
      return Object.fromEntries(parsed.value.entries.map((e) => [e.cidr, e.values.map(slotKey).sort()]));
    };
    expect(lpm(nginx.mapIds.ingress_map)).toEqual(expectedEntries(NGINX.ingress));
    expect(lpm(nginx.mapIds.egress_map)).toEqual(expectedEntries(NGINX.egress));
    expect(lpm(api.mapIds.ingress_map)).toEqual(expectedEntries(API.ingress));
    expect(read(`maps/${String(api.mapIds.egress_map)}.txt`)).toBe('No Entries found, Empty map\n');

    const cp = parseCpMapDump(read(`maps/${String(nginx.mapIds.cp_egress_map)}.txt`), 'cp');
    if (!cp.ok) throw cp.error;
    if (cp.value.kind !== 'cp-map') throw new Error(`cp map: ${cp.value.kind}`);
    expect(Object.fromEntries(cp.value.entries.map((e) => [e.cidr, e.values.map(slotKey).sort()]))).toEqual(
      expectedEntries(NGINX.cpEgress),
    );
    expect(parseCpMapDump(read(`maps/${String(nginx.mapIds.cp_ingress_map)}.txt`), 'cp-in')).toMatchObject({
      ok: true,
      value: { kind: 'empty-map' },
    });

    for (const [spec, ids] of [
      [NGINX, nginx],
      [API, api],
    ] as const) {
      for (const map of ['ingress_pod_state_map', 'egress_pod_state_map'] as const) {
        const parsed = parsePodStateMapDump(read(`maps/${String(ids.mapIds[map])}.txt`), map);
        if (!parsed.ok) throw parsed.error;
        if (parsed.value.kind !== 'pod-state-map') throw new Error(`${map}: ${parsed.value.kind}`);
        expect(parsed.value.entries.map((e) => [e.key, e.state]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))).toEqual([
          [0, spec.podState[0]],
          [1, spec.podState[1]],
        ]);
      }
    }

    // Assess: node.json
    const nodeJson = nodeJsonSchema.parse(JSON.parse(read('node.json')));
    expect(nodeJson).toMatchObject({
      nodeName: NODE_NAME,
      agentVersion: NA_CLI_VERSION,
      agentVersionSource: 'agent-log',
      ipFamily: 'ipv4',
      complete: true,
      errors: [],
      agentLogIncluded: true,
      tools: { awsEksNaCli: true, tc: true, ip: true, curl: true },
      pinCounts: { programs: 4, maps: 13 },
      unnamedMapIds: [api.mapIds.cp_ingress_map],
    });
    expect(nodeJson.kernel).toBe((await run('uname', ['-r'])).stdout.trim());
    expect(nodeJson.bpffs).toEqual([expect.stringMatching(/^bpf \/sys\/fs\/bpf bpf /) as unknown]);
    expect(nodeJson.veths).toEqual(expect.arrayContaining(PODS.map((p) => p.veth)));
    expect(read('pins.txt')).toContain(`${NGINX.identifier}_handle_ingress`);
    const logLines = read('agent-log-errors.txt').trim().split('\n');
    expect(logLines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['error', 'warn']);
    expect(summary).toMatchObject({
      veths: nodeJson.veths.length,
      tcFiles: nodeJson.veths.length * 2,
      agentVersion: NA_CLI_VERSION,
    });
    expect(existsSync(outDir)).toBe(true);
  });

  test('returns the bundle as base64 on stdout when the upload is refused', async () => {
    // Prepare
    const upload = serverOrFail();
    upload.refuse.set('/bundles/refused.tar.gz', 403);

    // Act
    const result = await collectInLab(
      {
        UploadUrl: upload.url('/bundles/refused.tar.gz'),
        NodeName: NODE_NAME,
        TimeoutSeconds: '60',
        IncludeAgentLog: 'false',
      },
      { NPC_NA_CLI: REAL_NA_CLI, NPC_AGENT_LOG: AGENT_LOG, NPC_ALLOW_LOOPBACK_HTTP: '1' },
      'refused',
    );

    // Assess
    expect(result.summary).toMatchObject({ upload: 'failed', httpStatus: 403, fallback: 'base64' });
    expect(result.summary.uploadError).toMatch(/^curl exit 22/);
    expect(result.stdoutLines).toHaveLength(2);
    const fallback = result.stdoutLines[1] ?? '';
    expect(fallback).toMatch(/^netpol-audit-bundle-base64:[A-Za-z0-9+/=]+$/);
    expect(fallback.length).toBeLessThanOrEqual(20_000 + 'netpol-audit-bundle-base64:'.length);
    const bundle = Buffer.from(fallback.slice('netpol-audit-bundle-base64:'.length), 'base64');
    expect(sha256(bundle)).toBe(result.summary.sha256);
    const files = await unpack(bundle, join(work, 'refused.tar.gz'), join(work, 'unpacked-refused'));
    expect(files).toEqual(
      expect.arrayContaining([`nodes/${NODE_NAME}/loaded-ebpfdata.txt`, `nodes/${NODE_NAME}/node.json`]),
    );
    expect(files).not.toContain(`nodes/${NODE_NAME}/agent-log-errors.txt`);
  });

  test('bounds a hanging CLI by the per-command timeout', async () => {
    // Prepare
    const hanging = join(work, 'hanging-cli');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });

    // Act
    const result = await collectInLab(
      { UploadUrl: 'none', NodeName: NODE_NAME, TimeoutSeconds: '30', IncludeAgentLog: 'false' },
      { NPC_NA_CLI: hanging, NPC_CMD_TIMEOUT: '2' },
      'hanging',
    );

    // Assess
    expect(result.durationMs).toBeLessThan(15_000);
    expect(result.summary).toMatchObject({ cli: true, maps: 0, errors: 1, upload: 'skipped', fallback: 'base64' });
    expect(result.summary.firstError).toBe('aws-eks-na-cli ebpf loaded-ebpfdata: timed out after 2s');
  });

  test('prints a truncation marker instead of a bundle too large for the SSM stdout limit', async () => {
    // Prepare: a CLI whose output does not compress
    const noisy = join(work, 'noisy-cli');
    writeFileSync(noisy, '#!/bin/sh\nhead -c 60000 /dev/urandom | base64\n', { mode: 0o755 });

    // Act
    const result = await collectInLab(
      { UploadUrl: 'none', NodeName: NODE_NAME, TimeoutSeconds: '30', IncludeAgentLog: 'false' },
      { NPC_NA_CLI: noisy },
      'noisy',
    );

    // Assess
    expect(result.summary).toMatchObject({ upload: 'skipped', fallback: 'truncated' });
    expect(result.summary.bytes).toBeGreaterThan(15_000);
    expect(result.stdoutLines).toEqual([
      expect.any(String),
      `netpol-audit-bundle-truncated:${String(result.summary.bytes)}`,
    ]);
    expect(result.stdoutLines.join('\n').length).toBeLessThan(24_000);
  });

  test('says clearly when the CLI, tc and bpffs are missing (node without network policy, Bottlerocket control container)', async () => {
    // Prepare: the host mount namespace has no bpffs; CLI and tc point nowhere
    const script = join(work, 'bare.sh');

    // Act
    const result = await runCollector(
      script,
      { UploadUrl: 'none', NodeName: 'bare-node', TimeoutSeconds: '30', IncludeAgentLog: 'true' },
      {
        NPC_NA_CLI: join(work, 'absent/aws-eks-na-cli'),
        NPC_TC: join(work, 'absent/tc'),
        NPC_AGENT_LOG: join(work, 'absent.log'),
      },
      (command, args, env) => run(command, args, { env, timeoutMs: 60_000 }),
    );

    // Assess
    expect(result.summary).toMatchObject({
      cli: false,
      tc: false,
      upload: 'skipped',
      fallback: 'base64',
      maps: 0,
      tcFiles: 0,
    });
    expect(result.summary.firstError).not.toBe('');
    const bundle = Buffer.from((result.stdoutLines[1] ?? '').replace(/^netpol-audit-bundle-base64:/, ''), 'base64');
    const root = join(work, 'unpacked-bare');
    const files = await unpack(bundle, join(work, 'bare.tar.gz'), root);
    expect(files).toEqual(['nodes/bare-node/node.json']);
    const nodeJson = nodeJsonSchema.parse(JSON.parse(readFileSync(join(root, 'nodes/bare-node/node.json'), 'utf8')));
    expect(nodeJson.tools).toMatchObject({ awsEksNaCli: false, tc: false });
    expect(nodeJson.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no bpffs mounted/) as unknown,
        expect.stringMatching(/^aws-eks-na-cli not found at .*Bottlerocket control container/) as unknown,
        expect.stringMatching(/^tc not found/) as unknown,
        expect.stringMatching(/^agent log .* not readable/) as unknown,
      ]),
    );
    expect(result.summary.errors).toBe(nodeJson.errors.length);
  });
});
