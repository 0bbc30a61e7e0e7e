/**
 * The exec collector (`--collect-nodes exec`) against the REAL kube-apiserver exec path and REAL command output. We
 * chose a stand-in kubelet over a recorded exec stream: the production port (client-node's WebSocket `Exec`) goes
 * to the real kube-apiserver v1.35.4 (scripts/test-cluster.sh), which authorises `pods/exec`, finds the pod's node
 * and proxies to that node's kubelet port, translating the WebSocket into the SPDY upgrade a kubelet answers. The
 * kubelet is `node-standins kubelet` (kubelet-standin.ts): the kubelet's own streaming code running the real
 * aws-eks-na-cli v1.4.1 over the real-kernel lab node of the node tier (pins and maps as agent v1.4.1 writes them,
 * node-collector/audit-lab.ts), in the lab's mount and network namespaces.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AGENT_CONTAINER,
  collectNodesByExec,
  type ExecCollection,
} from '#adapters/kubernetes-exec/exec-node-collector';
import { loadKubeConfig } from '#adapters/kubernetes/client-node-transport';
import {
  audit,
  buildInventory,
  LOADED_EBPFDATA_FILE,
  mapDumpPlan,
  NA_CLI_PATH,
  NODE_JSON_FILE,
  type ClusterInventory,
  type RawNodeOutput,
} from '#engine';
import { parseLoadedEbpfData } from '#engine/node/parsers/loaded-ebpfdata';
import { podExecOf } from '../../../lambdas/shared/cli/collect-nodes-exec';
import { applyRbac, applyRbacExec } from '../kubernetes/support/fixtures';
import { KubeClient, type KubeObject } from '../kubernetes/support/kube-admin';
import { loadExample } from '../kubernetes/support/load-example';
import { startCluster, stopCluster, type ClusterEnv } from '../kubernetes/support/test-cluster';
import { AGENT_VERSION, labPods, NGINX, NODE_IP, NODE_NAME } from '../node-collector/audit-cluster';
import { removeAuditLab, requireLabPrerequisites, startAuditLab, type AuditLab } from '../node-collector/audit-lab';
import { realNaCliPath } from '../node-collector/prerequisites';
import { digest, NGINX_EXCEPT_KEY, NGINX_EXCEPT_KEY_MISSING } from '../node-collector/tamper-findings';
import { requireAgentBuild } from './agent-build';
import { sha1Hex } from './agent-node';
import { awsNodePod, LAB_AWS_NODE, labDocumentsWith, startLabKubelet } from './exec-lab-cluster';
import { startKubeletStandIn, type KubeletStandIn } from './kubelet-standin';

jest.setTimeout(180_000);

const NETNS_PREFIX = `npx-${String(process.pid % 100000)}-`;
/** A second node whose aws-node pod has no aws-eks-na-cli at the path the collector runs. */
const BARE_NODE = 'ip-10-0-3-50.ec2.internal';
const BARE_AWS_NODE = 'aws-node-9tq4w';
/** A node routed to the lab's kubelet, whose aws-node pod that kubelet does not run. */
const STRAY_NODE = 'ip-10-0-4-60.ec2.internal';
const STRAY_AWS_NODE = 'aws-node-2v8hd';

/** What kube-apiserver routes the exec by: the kubelet port on the node's InternalIP (no Hostname address). */
function kubeletNode(name: string, port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  };
}

/** audit-cluster.ts's cluster, its aws-node pod replaced by `pods` (the containers the exec collector reads). */
function inventoryWith(pods: readonly KubeObject[]): ClusterInventory {
  return buildInventory({ clusterName: 'exec-lab', documents: labDocumentsWith(pods), vpcCniAddonNotInstalled: true });
}

/** The engine's parse of `loaded-ebpfdata`, programs and each program's maps in order. */
function loadedPrograms(text: string): { program: string; maps: string[] }[] {
  const parsed = parseLoadedEbpfData(text, LOADED_EBPFDATA_FILE);
  if (!parsed.ok) throw new Error(`loaded-ebpfdata does not parse: ${parsed.error.message}`);
  if (parsed.value.kind !== 'loaded-ebpfdata') throw new Error(`loaded-ebpfdata is a ${parsed.value.kind}`);
  return parsed.value.programs
    .map((program) => ({
      program: `${program.pinPath} ${program.podIdentifier.raw} ${program.direction} ${String(program.programId)}`,
      maps: [...program.maps].sort((a, b) => a.id - b.id).map((map) => `${String(map.id)} ${map.name} ${map.role}`),
    }))
    .sort((a, b) => a.program.localeCompare(b.program));
}

describe('exec collector through the real kube-apiserver into a stand-in kubelet running the real aws-eks-na-cli', () => {
  let work = '';
  let auditLab: AuditLab | undefined;
  let cluster: ClusterEnv | undefined;
  const kubelets: KubeletStandIn[] = [];
  const labInventory = inventoryWith([awsNodePod(LAB_AWS_NODE, NODE_NAME, NODE_IP)]);

  beforeAll(async () => {
    requireLabPrerequisites('exec collector test');
    const build = await requireAgentBuild();
    work = mkdtempSync(join(tmpdir(), 'npx-it-'));
    auditLab = await startAuditLab(work, NETNS_PREFIX, labPods(sha1Hex));
    kubelets.push(
      await startLabKubelet(build.standIns, join(work, 'kubelet-lab'), auditLab),
      await startKubeletStandIn({
        standIns: build.standIns,
        certDir: join(work, 'kubelet-bare'),
        pod: { namespace: 'kube-system', name: BARE_AWS_NODE },
        container: AGENT_CONTAINER,
        paths: {},
      }),
    );
    cluster = await startCluster();
    const admin = await KubeClient.fromKubeconfig(cluster.adminKubeconfig);
    const [labKubelet, bareKubelet] = kubelets;
    if (labKubelet === undefined || bareKubelet === undefined) throw new Error('the stand-in kubelets did not start');
    const objects = [
      kubeletNode(NODE_NAME, labKubelet.port),
      kubeletNode(BARE_NODE, bareKubelet.port),
      awsNodePod(LAB_AWS_NODE, NODE_NAME, NODE_IP),
      awsNodePod(BARE_AWS_NODE, BARE_NODE, '10.0.3.50'),
      kubeletNode(STRAY_NODE, labKubelet.port),
      awsNodePod(STRAY_AWS_NODE, STRAY_NODE, '10.0.4.60'),
    ];
    mkdirSync(join(work, 'apiserver', 'k8s'), { recursive: true });
    writeFileSync(join(work, 'apiserver', 'k8s', 'objects.json'), JSON.stringify({ kind: 'List', items: objects }));
    await loadExample(admin, join(work, 'apiserver'));
    await applyRbac(admin);
    await applyRbacExec(admin);
  });

  afterAll(async () => {
    for (const kubelet of kubelets.splice(0)) await kubelet.stop();
    if (cluster !== undefined) await stopCluster(cluster.stateDir);
    await removeAuditLab(auditLab, work);
  });

  function clusterOrFail(): ClusterEnv {
    if (cluster === undefined) throw new Error('the test cluster did not start (see beforeAll)');
    return cluster;
  }

  function labOrFail(): AuditLab {
    if (auditLab === undefined) throw new Error('the lab node did not start (see beforeAll)');
    return auditLab;
  }

  /** `--collect-nodes exec` as the CLI builds it: the production client-node exec over the user's kubeconfig. */
  async function collectAs(
    kubeconfigPath: string,
    inventory: ClusterInventory,
    nodeName: string,
  ): Promise<ExecCollection> {
    const config = await loadKubeConfig({ kubeconfigPath });
    return collectNodesByExec(
      podExecOf(() => Promise.resolve(config)),
      inventory,
      [nodeName],
      { timeoutMs: 30_000 },
    );
  }

  async function collectLabNode(): Promise<RawNodeOutput> {
    const { outputs, notCollected } = await collectAs(clusterOrFail().auditorKubeconfig, labInventory, NODE_NAME);
    expect(notCollected).toEqual([]);
    const [output] = outputs;
    if (output === undefined) throw new Error('the exec collector returned no output for the lab node');
    return output;
  }

  /** The same aws-eks-na-cli calls run directly on the lab node, as the SSM collector runs them. */
  async function directOutputs(): Promise<Record<string, string>> {
    const cli = realNaCliPath(AGENT_VERSION);
    const { stdout: listing } = await labOrFail().lab.inMountNs(cli, ['ebpf', 'loaded-ebpfdata']);
    const plan = mapDumpPlan(listing);
    if (plan.kind !== 'dumps') throw new Error(`loaded-ebpfdata of the lab node gave no map dump plan (${plan.kind})`);
    const files: Record<string, string> = { [LOADED_EBPFDATA_FILE]: listing };
    for (const dump of plan.dumps) {
      files[dump.file] = (await labOrFail().lab.inMountNs(cli, ['ebpf', dump.subcommand, String(dump.id)])).stdout;
    }
    return files;
  }

  function auditOf(output: RawNodeOutput) {
    return audit(
      {
        inventory: labInventory,
        nodeOutputs: [output],
        source: { kind: 'snapshot', location: output.sourceDirectory },
      },
      { now: new Date('2026-11-26T12:00:00Z'), engineVersion: 'integration-agent-exec' },
    );
  }

  test('the map dumps over exec equal the direct aws-eks-na-cli calls byte for byte, loaded-ebpfdata once parsed', async () => {
    // Act
    const output = await collectLabNode();
    const direct = await directOutputs();

    // Assess: loaded-ebpfdata prints the programs and their maps in Go map order, which changes from run to run
    const { [NODE_JSON_FILE]: nodeJson, [LOADED_EBPFDATA_FILE]: listing, ...dumps } = Object.fromEntries(output.files);
    const { [LOADED_EBPFDATA_FILE]: directListing, ...directDumps } = direct;
    expect(Object.keys(directDumps)).toHaveLength(3 * 6);
    expect(dumps).toEqual(directDumps);
    expect(loadedPrograms(listing ?? '')).toEqual(loadedPrograms(directListing ?? ''));
    expect(loadedPrograms(listing ?? '')).toHaveLength(3 * 2);
    expect(JSON.parse(nodeJson ?? '{}')).toMatchObject({
      collector: 'exec',
      nodeName: NODE_NAME,
      pod: `kube-system/${LAB_AWS_NODE}`,
      container: AGENT_CONTAINER,
      agentVersion: `${AGENT_VERSION}-eksbuild.1`,
      tools: { awsEksNaCli: true, awsEksNaCliPath: NA_CLI_PATH, tc: false },
      complete: true,
      errors: [],
    });
  });

  test('the untouched node audits without a node finding, its tc reported as not checked (exec collector)', async () => {
    // Act
    const report = auditOf(await collectLabNode());

    // Assess
    expect(report.findings.filter((finding) => finding.layer === 'node').map(digest)).toEqual([]);
    expect(
      report.notChecked.filter((entry) => entry.scope.startsWith(`node ${NODE_NAME}`)).map((entry) => entry.kind),
    ).toEqual(['NC-NODE-TC-EXEC-COLLECTOR']);
  });

  test('a key deleted with bpftool gives exactly the NODE-LPM-ENTRY-MISSING of the node tier', async () => {
    // Prepare
    const { lab } = labOrFail();
    await lab.deleteLpm(NGINX.identifier, 'ingress_map', NGINX_EXCEPT_KEY.cidr);
    try {
      // Act
      const report = auditOf(await collectLabNode());

      // Assess
      const nodeFindings = report.findings.filter((finding) => finding.layer === 'node');
      expect(nodeFindings.map(digest)).toEqual([NGINX_EXCEPT_KEY_MISSING.digest]);
      expect(nodeFindings[0]?.message).toContain(NGINX_EXCEPT_KEY_MISSING.message);
    } finally {
      await lab.writeLpm(NGINX.identifier, 'ingress_map', NGINX_EXCEPT_KEY);
    }
  });

  test('an identity without k8s/rbac-exec.yaml gets the node "not collected", naming HTTP 403 and the file', async () => {
    // Act
    const { outputs, notCollected } = await collectAs(clusterOrFail().outsiderKubeconfig, labInventory, NODE_NAME);

    // Assess
    expect(outputs).toEqual([]);
    expect(notCollected.map((node) => node.nodeName)).toEqual([NODE_NAME]);
    expect(notCollected[0]?.reason).toMatch(/^not collected, because .*HTTP 403.*k8s\/rbac-exec\.yaml/);
  });

  test('a pod without aws-eks-na-cli at the collector path gets "not collected" with the exit status 127', async () => {
    // Prepare
    const inventory = inventoryWith([
      awsNodePod(LAB_AWS_NODE, NODE_NAME, NODE_IP),
      awsNodePod(BARE_AWS_NODE, BARE_NODE, '10.0.3.50'),
    ]);

    // Act
    const { outputs, notCollected } = await collectAs(clusterOrFail().auditorKubeconfig, inventory, BARE_NODE);

    // Assess
    expect(outputs).toEqual([]);
    expect(notCollected).toEqual([
      {
        nodeName: BARE_NODE,
        reason: expect.stringMatching(
          new RegExp(
            `^not collected, because aws-eks-na-cli ebpf loaded-ebpfdata failed \\(exit status 127: .*${NA_CLI_PATH}.*\\(pod kube-system/${BARE_AWS_NODE}\\)$`,
          ),
        ) as unknown,
      },
    ]);
  });

  test('a pod its kubelet does not run gets "not collected" with the kubelet\'s refusal, passed on by the apiserver', async () => {
    // Prepare
    const inventory = inventoryWith([awsNodePod(STRAY_AWS_NODE, STRAY_NODE, '10.0.4.60')]);

    // Act
    const { outputs, notCollected } = await collectAs(clusterOrFail().auditorKubeconfig, inventory, STRAY_NODE);

    // Assess
    expect(outputs).toEqual([]);
    expect(notCollected).toEqual([
      {
        nodeName: STRAY_NODE,
        reason:
          'not collected, because aws-eks-na-cli ebpf loaded-ebpfdata failed (exit status unknown: Internal error ' +
          `occurred: unable to upgrade connection: pod kube-system/${STRAY_AWS_NODE} does not exist) ` +
          `(pod kube-system/${STRAY_AWS_NODE})`,
      },
    ]);
  });
});
