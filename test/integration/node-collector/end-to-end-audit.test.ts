/**
 * End-to-end on a real kernel (run as root; scripts/install-node-test-deps.sh): a cluster in kubectl JSON
 * (audit-cluster.ts), a fake node whose kernel holds what network policy agent v1.4.1 programs for its
 * PolicyEndpoints (pins, maps and tc filters written by hand from agent.md §2.8), the SSM document's real
 * collector script with the real aws-eks-na-cli v1.4.1, and the engine's runAudit on the bundle. An untouched
 * node must audit clean; each tampering with the kernel state (bpftool, tc) must give exactly its finding.
 *
 * The lab node has its own network namespace, so the collector sees only this suite's veths (the other
 * node-collector suite creates and deletes veths in the root namespace meanwhile). The upload server of the
 * other suite listens on the root namespace's loopback, out of reach from there: this suite takes the bundle
 * from the script's base64 stdout fallback (UploadUrl none), the path SSM output takes without a bucket.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { runAudit } from '#engine/audit';
import { buildInventory } from '#engine/inventory/build-inventory';
import type { ClusterInventory } from '#engine/model/cluster';
import type { Finding } from '#engine/model/finding';
import type { RawNodeOutput } from '#engine/model/node-output';
import { parseNodeBundle, type ParsedNodeBundle } from '#engine/node/bundle';
import { computeExpectedNodeState, nodeInternalIPs, type ExpectedLpmEntry } from '#engine/node/expected/index';
import type { AuditReport } from '#engine/report/report';
import {
  AGENT_VERSION,
  API,
  clusterDocuments,
  IDENTIFIERS,
  labPods,
  NGINX,
  NODE_IP,
  NODE_NAME,
  POSTGRES,
  type LabPod,
} from './audit-cluster';
import type { LpmRule } from './bpf-encoding';
import { runCollector, sha256, unpack, type CollectorSummary } from './collector-run';
import { removeAuditLab, requireLabPrerequisites, startAuditLab, type AuditLab } from './audit-lab';
import { PIN_ROOT, type NodeLab } from './node-lab';
import { digest, NGINX_EXCEPT_KEY, NGINX_EXCEPT_KEY_MISSING } from './tamper-findings';

jest.setTimeout(120_000);

const FALLBACK_PREFIX = 'netpol-audit-bundle-base64:';
const NETNS_PREFIX = `npe-${String(process.pid)}-`;
const NOW = new Date('2026-11-26T12:00:00Z');

const sha1Hex = (input: string): string => createHash('sha1').update(input).digest('hex');
const PODS: readonly LabPod[] = labPods(sha1Hex);

function podOf(name: string): LabPod {
  const pod = PODS.find((p) => p.name === name);
  if (pod === undefined) throw new Error(`no lab pod ${name}`);
  return pod;
}

/** `{protocol}/{start}/{end}` sorted: slot order is the agent's business, the set is what is enforced. */
function slotSet(slots: readonly { protocol: number | null; startPort: number; endPort: number }[]): string[] {
  return slots.map((s) => `${String(s.protocol)}/${String(s.startPort)}/${String(s.endPort)}`).sort();
}

function byCidr(rules: readonly LpmRule[]): Record<string, string[]> {
  return Object.fromEntries(rules.map((rule) => [rule.cidr, slotSet(rule.slots)]));
}

interface AuditedNode {
  readonly report: AuditReport;
  readonly bundle: ParsedNodeBundle;
  readonly nodeFindings: readonly Finding[];
  readonly summary: CollectorSummary;
}

describe('audit of a real kernel programmed as agent v1.4.1 would for the PolicyEndpoints', () => {
  let work = '';
  let auditLab: AuditLab | undefined;
  let lab: NodeLab | undefined;
  let inventory: ClusterInventory | undefined;
  let collections = 0;

  beforeAll(async () => {
    requireLabPrerequisites('end-to-end audit test');
    work = mkdtempSync(join(tmpdir(), 'npe-it-'));
    inventory = buildInventory({
      clusterName: 'e2e-lab',
      documents: clusterDocuments(),
      vpcCniAddonNotInstalled: true,
    });
    auditLab = await startAuditLab(work, NETNS_PREFIX, PODS);
    lab = auditLab.lab;
  });

  afterAll(async () => {
    await removeAuditLab(auditLab, work);
  });

  function labOrFail(): NodeLab {
    if (lab === undefined) throw new Error('lab not started');
    return lab;
  }

  function inventoryOrFail(): ClusterInventory {
    if (inventory === undefined) throw new Error('inventory not built');
    return inventory;
  }

  /** Runs the SSM document's script on the lab node, unpacks its bundle and audits it with the cluster. */
  async function collectAndAudit(): Promise<AuditedNode> {
    collections += 1;
    const name = `run-${String(collections)}`;
    const result = await runCollector(
      join(work, `${name}.sh`),
      { UploadUrl: 'none', NodeName: NODE_NAME, TimeoutSeconds: '60', IncludeAgentLog: 'true' },
      auditLab?.collectorEnv ?? {},
      (command, args, env) => labOrFail().inMountNs(command, args, env, 60_000),
    );
    const { summary } = result;
    expect(summary).toMatchObject({ upload: 'skipped', fallback: 'base64', cli: true, tc: true, errors: 0 });
    const fallback = result.stdoutLines[1] ?? '';
    if (!fallback.startsWith(FALLBACK_PREFIX)) throw new Error(`no base64 bundle on stdout: ${fallback.slice(0, 200)}`);
    const archive = Buffer.from(fallback.slice(FALLBACK_PREFIX.length), 'base64');
    expect(sha256(archive)).toBe(summary.sha256);

    const root = join(work, name);
    await unpack(archive, join(work, `${name}.tar.gz`), root);
    const nodeOutputs: RawNodeOutput[] = await new SnapshotDirectory(root).readNodeOutputs();
    expect(nodeOutputs.map((output) => output.nodeName)).toEqual([NODE_NAME]);
    const [raw] = nodeOutputs;
    if (raw === undefined) throw new Error('bundle has no nodes/<node>/ directory');

    const report = runAudit({
      inventory: inventoryOrFail(),
      nodeOutputs,
      options: { now: NOW },
      source: { kind: 'snapshot', location: root },
      engineVersion: 'e2e',
      sha1Hex,
    });
    return {
      report,
      bundle: parseNodeBundle(raw),
      nodeFindings: report.findings.filter((finding) => finding.layer === 'node'),
      summary,
    };
  }

  async function expectCleanNode(): Promise<void> {
    const { nodeFindings } = await collectAndAudit();
    expect(nodeFindings.map(digest)).toEqual([]);
  }

  test('the lab pods carry the VPC CNI veth names and agent v1.4.1 identifiers of the cluster', () => {
    // Assess
    expect(PODS.map((p) => [p.veth.slice(0, p.veth.length - 11), p.identifier])).toEqual([
      ['eni', NGINX.identifier],
      ['eni', NGINX.identifier],
      ['eni', POSTGRES.identifier],
      ['vlan', API.identifier],
    ]);
    expect(PODS.every((p) => /^(eni|vlan)[0-9a-f]{11}$/.test(p.veth))).toBe(true);
    const node = inventoryOrFail().nodes.find((n) => n.metadata.name === NODE_NAME);
    if (node === undefined) throw new Error('lab node missing from the inventory');
    expect(nodeInternalIPs(node)).toEqual([NODE_IP]);
  });

  test("the engine's expected node state equals the map contents written by hand from agent.md §2.8", () => {
    // Prepare
    const cluster = inventoryOrFail();
    const node = cluster.nodes.find((n) => n.metadata.name === NODE_NAME);
    if (node === undefined) throw new Error('lab node missing from the inventory');

    // Act
    const expected = computeExpectedNodeState({
      nodeName: NODE_NAME,
      nodeIPs: nodeInternalIPs(node),
      pods: cluster.pods,
      policyEndpoints: cluster.policyEndpoints,
      clusterPolicyEndpoints: cluster.clusterPolicyEndpoints,
      agentVersion: AGENT_VERSION,
      enforcementMode: 'standard',
      sha1Hex,
    });

    // Assess
    if (!expected.ok) throw new Error(expected.error.message);
    const state = expected.value;
    expect(state.nodeIP).toBe(NODE_IP);
    expect(state.identifiers.map((i) => i.podIdentifier)).toEqual(IDENTIFIERS.map((s) => s.identifier).sort());
    for (const spec of IDENTIFIERS) {
      const identifier = state.identifiers.find((i) => i.podIdentifier === spec.identifier);
      const maps = identifier?.maps;
      if (identifier === undefined || maps === undefined) throw new Error(`${spec.identifier}: no expected maps`);
      const entries = (list: readonly ExpectedLpmEntry[]): Record<string, string[]> =>
        Object.fromEntries(list.map((e) => [e.cidr, slotSet(e.ports)]));
      expect({
        id: spec.identifier,
        ingress: entries(maps.ingress.entries),
        egress: entries(maps.egress.entries),
      }).toEqual({
        id: spec.identifier,
        ingress: byCidr(spec.ingress),
        egress: byCidr(spec.egress),
      });
      const stateValue = { POLICIES_APPLIED: 0, DEFAULT_ALLOW: 1, DEFAULT_DENY: 2 } as const;
      expect([
        stateValue[maps.podState?.networkPolicy ?? 'DEFAULT_DENY'],
        maps.podState?.clusterPolicy === undefined ? null : stateValue[maps.podState.clusterPolicy],
      ]).toEqual([...spec.podState]);
      expect([maps.cpIngress, maps.cpEgress]).toEqual([[], []]);
      expect(identifier.pods.every((p) => p.needsFilters)).toBe(true);
    }
  });

  test('an untouched node audits clean: no node-layer finding, no parse or collection error', async () => {
    // Act
    const { report, bundle, nodeFindings, summary } = await collectAndAudit();

    // Assess: the comparison really ran on what the kernel holds
    expect(bundle.parseErrors.map((e) => e.message)).toEqual([]);
    expect(bundle.collectionErrors).toEqual([]);
    expect(bundle.ignoredFiles).toEqual([]);
    expect(bundle.nodeInfo?.agentVersion).toBe(AGENT_VERSION);
    expect(
      [...(bundle.loadedEbpfData?.programs ?? [])].map((p) => `${p.podIdentifier.raw}/${p.direction}`).sort(),
    ).toEqual(IDENTIFIERS.flatMap((s) => [`${s.identifier}/egress`, `${s.identifier}/ingress`]).sort());
    expect([...bundle.tc.keys()].sort()).toEqual(PODS.map((p) => p.veth).sort());
    expect(summary.maps).toBe(IDENTIFIERS.length * 6);
    expect([...bundle.maps.values()].map((m) => m.outcome.kind).sort()).toEqual(
      [
        ...Array<string>(IDENTIFIERS.length * 2).fill('pod-state-map'),
        ...Array<string>(IDENTIFIERS.length * 2).fill('empty-map'), // cp maps: no ClusterPolicyEndpoint
        'empty-map', // api@payments ingress_map
        'empty-map', // api@payments egress_map
        ...Array<string>(4).fill('lpm-map'),
      ].sort(),
    );

    // Assess: the verdict
    expect(nodeFindings.map(digest)).toEqual([]);
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(report.notChecked.filter((n) => n.scope.startsWith(`node ${NODE_NAME}`))).toEqual([]);
    // …and the other layers agree: the PolicyEndpoints are what the controller writes for the NetworkPolicies,
    // the configuration is clean (only the two informational facts of a self-managed CNI in standard mode)
    expect(report.findings.map((f) => `${f.layer} ${f.checkId} ${f.severity}`)).toEqual([
      'config CFG-CNI-SELF-MANAGED info',
      'config CFG-MODE info',
    ]);
  });

  test('a deleted LPM key is reported as exactly NODE-LPM-ENTRY-MISSING naming that CIDR', async () => {
    // Prepare: the except key of the nginx ingress map goes (both nginx pods share the map)
    const node = labOrFail();
    await node.deleteLpm(NGINX.identifier, 'ingress_map', NGINX_EXCEPT_KEY.cidr);
    try {
      // Act
      const { nodeFindings } = await collectAndAudit();

      // Assess
      expect(nodeFindings.map(digest)).toEqual([NGINX_EXCEPT_KEY_MISSING.digest]);
      expect(nodeFindings[0]?.message).toContain(NGINX_EXCEPT_KEY_MISSING.message);
    } finally {
      await node.writeLpm(NGINX.identifier, 'ingress_map', NGINX_EXCEPT_KEY);
    }
    await expectCleanNode();
  });

  test('a key whose port was changed is reported as exactly NODE-LPM-PORTS-MISMATCH on that key', async () => {
    // Prepare: postgres admits nginx-x on 5433 instead of 5432
    const node = labOrFail();
    const nginxX = podOf('nginx-5d8b9f7c6d-x2x7q');
    await node.writeLpm(POSTGRES.identifier, 'ingress_map', {
      cidr: `${nginxX.ip}/32`,
      slots: [{ protocol: 6, startPort: 5433, endPort: 0 }],
    });
    try {
      // Act
      const { nodeFindings } = await collectAndAudit();

      // Assess
      expect(nodeFindings.map(digest)).toEqual([
        {
          checkId: 'NODE-LPM-PORTS-MISMATCH',
          resource: `PodIdentifier db/${POSTGRES.identifier}`,
          expected: {
            cidr: `${nginxX.ip}/32`,
            ports: [{ protocol: 6, startPort: 5432, endPort: 0 }],
            truncated: false,
            orderDependent: false,
          },
          actual: {
            cidr: `${nginxX.ip}/32`,
            ports: [{ protocol: 6, startPort: 5433, endPort: 0 }],
            line: expect.any(Number) as unknown,
          },
        },
      ]);
      expect(nodeFindings[0]?.message).toContain(`allows TCP 5433, expected TCP 5432`);
    } finally {
      await node.writeLpm(POSTGRES.identifier, 'ingress_map', {
        cidr: `${nginxX.ip}/32`,
        slots: [{ protocol: 6, startPort: 5432, endPort: 0 }],
      });
    }
    await expectCleanNode();
  });

  test('a tc filter running another instance of the program is reported as exactly NODE-FILTER-PROGRAM-MISMATCH (agent#514)', async () => {
    // Prepare: the object loaded again (same code, same name handle_ingress, another program id) and attached
    // in place of the pinned program on nginx-x's tc egress hook, as after an aws-node restart that re-pinned
    const node = labOrFail();
    const nginxX = podOf('nginx-5d8b9f7c6d-x2x7q');
    const pinned = await node.programId(`${PIN_ROOT}/programs/${NGINX.identifier}_handle_ingress`);
    const stray = await node.loadStrayPrograms();
    expect(stray.ids.handle_ingress).not.toBe(pinned);
    await node.replaceFilter(nginxX.veth, 'egress', stray.pins.handle_ingress);
    try {
      // Act
      const { nodeFindings } = await collectAndAudit();

      // Assess
      expect(nodeFindings.map(digest)).toEqual([
        {
          checkId: 'NODE-FILTER-PROGRAM-MISMATCH',
          resource: `Pod shop/${nginxX.name}`,
          expected: {
            hook: 'egress',
            programId: pinned,
            pin: `${PIN_ROOT}/programs/${NGINX.identifier}_handle_ingress`,
          },
          actual: { programId: stray.ids.handle_ingress, tag: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown },
        },
      ]);
      expect(nodeFindings[0]?.message).toContain(`tc egress of ${nginxX.veth}`);
      expect(nodeFindings[0]?.upstreamIssue).toBe('aws/aws-network-policy-agent#514');
    } finally {
      await node.replaceFilter(nginxX.veth, 'egress', `${PIN_ROOT}/programs/${NGINX.identifier}_handle_ingress`);
      await node.removeStrayPrograms(stray);
    }
    await expectCleanNode();
  });

  test('a wrong pod-state value is reported as exactly NODE-POD-STATE-MISMATCH on that map and key', async () => {
    // Prepare: postgres' ingress program believes no policy applies (DEFAULT_ALLOW)
    const node = labOrFail();
    await node.writePodState(POSTGRES.identifier, 'ingress_pod_state_map', 0, 1);
    try {
      // Act
      const { nodeFindings } = await collectAndAudit();

      // Assess
      expect(nodeFindings.map(digest)).toEqual([
        {
          checkId: 'NODE-POD-STATE-MISMATCH',
          resource: `PodIdentifier db/${POSTGRES.identifier}`,
          expected: { key: 0, state: 0, name: 'POLICIES_APPLIED' },
          actual: { key: 0, state: 1, name: 'DEFAULT_ALLOW' },
        },
      ]);
      expect(nodeFindings[0]?.message).toMatch(/^ingress_pod_state_map \(map \d+, maps\/\d+\.txt\)/);
    } finally {
      await node.writePodState(POSTGRES.identifier, 'ingress_pod_state_map', 0, 0);
    }
    await expectCleanNode();
  });

  test('a stale key is reported as exactly NODE-LPM-ENTRY-EXTRA naming that CIDR', async () => {
    // Prepare: a peer that no PolicyEndpoint lists any more is still admitted by postgres
    const node = labOrFail();
    const stale: LpmRule = { cidr: '10.0.99.7/32', slots: [{ protocol: 6, startPort: 5432, endPort: 0 }] };
    await node.writeLpm(POSTGRES.identifier, 'ingress_map', stale);
    try {
      // Act
      const { nodeFindings } = await collectAndAudit();

      // Assess
      expect(nodeFindings.map(digest)).toEqual([
        {
          checkId: 'NODE-LPM-ENTRY-EXTRA',
          resource: `PodIdentifier db/${POSTGRES.identifier}`,
          expected: null,
          actual: {
            cidr: '10.0.99.7/32',
            ports: [{ protocol: 6, startPort: 5432, endPort: 0 }],
            line: expect.any(Number) as unknown,
          },
        },
      ]);
      expect(nodeFindings[0]?.message).toContain('holds 10.0.99.7/32 → TCP 5432');
    } finally {
      await node.deleteLpm(POSTGRES.identifier, 'ingress_map', stale.cidr);
    }
    await expectCleanNode();
  });
});
