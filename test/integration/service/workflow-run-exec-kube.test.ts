/**
 * The audit workflow synthesized with `nodeCollection.collector: exec` (workflow-run-exec.test.ts) with nothing of
 * the exec path replaced (run as root; scripts/build-agent.sh, scripts/build-test-components.sh etcd
 * kube-apiserver). audit-cluster reads the node tier's lab cluster (node-collector/audit-cluster.ts) from a real
 * kube-apiserver + etcd, loaded with k8s/rbac.yaml and k8s/rbac-exec.yaml; collect-nodes-exec's production
 * pods/exec (adapters/kubernetes-exec/eks-pod-exec) goes to that kube-apiserver's exec proxy, which dials the lab
 * node's kubelet: `node-standins kubelet` (agent/kubelet-standin.ts) running the real aws-eks-na-cli v1.4.1 over
 * the real-kernel lab node's maps.
 *
 * What is still not EKS, and why:
 * - DescribeCluster goes to moto, which serves no Kubernetes API: its answer carries the test API server's endpoint
 *   and CA (the harness's endpoints).
 * - The bearer tokens are the production ones (`eksClusterTokens`), checked by a TokenReview webhook standing in for
 *   EKS (support/eks-authenticator.ts). Every function of the local deployment signs with the harness's moto
 *   credentials, which the stand-in STS knows as a session of collect-nodes-exec's role, so the synthesized
 *   `ExecEntry-<cluster>` access entry maps them (audit-cluster's reads included) to the group of k8s/rbac.yaml.
 * - The kube-apiserver reaches the kubelet on the Node's ExternalIP 127.0.0.1 (--kubelet-preferred-address-types),
 *   so the Node keeps the InternalIP the engine expects the agent to have written (10.0.1.25).
 */
import '../../unit/support/quiet-powertools';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { AuditReport } from '#engine';
import { requireAgentBuild } from '../agent/agent-build';
import { sha1Hex } from '../agent/agent-node';
import { awsNodePod, LAB_AWS_NODE, labDocumentsWith, startLabKubelet } from '../agent/exec-lab-cluster';
import type { KubeletStandIn } from '../agent/kubelet-standin';
import { applyRbacExec, deleteRbacExecBinding } from '../kubernetes/support/fixtures';
import { KubeClient } from '../kubernetes/support/kube-admin';
import { loadAuditableExample } from '../kubernetes/support/load-example';
import { startCluster, stopCluster, type ClusterEnv } from '../kubernetes/support/test-cluster';
import { labPods, NGINX, NODE_IP, NODE_NAME } from '../node-collector/audit-cluster';
import { removeAuditLab, requireLabPrerequisites, startAuditLab, type AuditLab } from '../node-collector/audit-lab';
import { digest, NGINX_EXCEPT_KEY, NGINX_EXCEPT_KEY_MISSING } from '../node-collector/tamper-findings';
import { REGION } from '../../infra/support/synth';
import { accessEntryOf, type AccessEntry } from './support/access-entries';
import { MOTO_CREDENTIALS } from './support/cli-environment';
import { startEksAuthenticator, webhookApiserverArgs, type EksAuthenticator } from './support/eks-authenticator';
import { utcDay, WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(300_000);

const CLUSTER = 'prod-a';
const LAB_INSTANCE = 'i-0c0ffee0000000125';
const NETNS_PREFIX = `nxk-${String(process.pid % 100000)}-`;

let work = '';
let auditLab: AuditLab | undefined;
let kubelet: KubeletStandIn | undefined;
let harness: WorkflowHarness | undefined;
let authenticator: EksAuthenticator | undefined;
let cluster: ClusterEnv | undefined;
let admin: KubeClient | undefined;
let execEntry: AccessEntry;

interface Started {
  readonly harness: WorkflowHarness;
  readonly auditLab: AuditLab;
  readonly authenticator: EksAuthenticator;
  readonly cluster: ClusterEnv;
  readonly admin: KubeClient;
}

function started(): Started {
  if (
    harness === undefined ||
    auditLab === undefined ||
    authenticator === undefined ||
    cluster === undefined ||
    admin === undefined
  )
    throw new Error('the lab, the harness, the authenticator or the test cluster did not start (see beforeAll)');
  return { harness, auditLab, authenticator, cluster, admin };
}

/** The lab cluster's documents for the API server, with the aws-node pod of the DaemonSet and the lab Node routed. */
function writeApiserverObjects(kubeletPort: number): string {
  const directory = join(work, 'apiserver');
  mkdirSync(join(directory, 'k8s'), { recursive: true });
  for (const document of labDocumentsWith([awsNodePod(LAB_AWS_NODE, NODE_NAME, NODE_IP)])) {
    const content = withLabNodeRouted(document.content, kubeletPort);
    writeFileSync(join(directory, 'k8s', basename(document.source)), JSON.stringify(content));
  }
  return directory;
}

const ObjectList = z.looseObject({
  items: z.array(
    z.looseObject({
      kind: z.string().optional(),
      metadata: z.looseObject({ name: z.string() }),
      spec: z.record(z.string(), z.unknown()).optional(),
      status: z.looseObject({ addresses: z.array(z.unknown()).optional() }).optional(),
    }),
  ),
});

/** The lab Node with the instance id the batch plan needs and the address + port the exec proxy dials. */
function withLabNodeRouted(content: unknown, kubeletPort: number): unknown {
  const list = ObjectList.safeParse(content);
  if (!list.success) return content;
  return {
    ...list.data,
    items: list.data.items.map((item) =>
      item.kind !== 'Node' || item.metadata.name !== NODE_NAME
        ? item
        : {
            ...item,
            spec: { ...item.spec, providerID: `aws:///us-east-1a/${LAB_INSTANCE}` },
            status: {
              ...item.status,
              addresses: [...(item.status?.addresses ?? []), { type: 'ExternalIP', address: '127.0.0.1' }],
              daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
            },
          },
    ),
  };
}

beforeAll(async () => {
  requireLabPrerequisites('workflow-run-exec-kube');
  const build = await requireAgentBuild();
  work = mkdtempSync(join(tmpdir(), 'svc-exec-kube-'));
  auditLab = await startAuditLab(work, NETNS_PREFIX, labPods(sha1Hex));
  kubelet = await startLabKubelet(build.standIns, join(work, 'kubelet'), auditLab);
  harness = await WorkflowHarness.start({ collector: 'exec' });
  execEntry = accessEntryOf(harness.template, CLUSTER, 'exec');
  authenticator = await startEksAuthenticator({
    clusterName: CLUSTER,
    region: REGION,
    principals: [{ ...MOTO_CREDENTIALS, principalArn: execEntry.principalArn }],
    accessEntries: [accessEntryOf(harness.template, CLUSTER, 'reader'), execEntry],
  });
  const webhookConfig = join(work, 'eks-authenticator.kubeconfig');
  authenticator.writeWebhookConfig(webhookConfig);
  cluster = await startCluster({
    // The lab's kube-dns ClusterIP (172.20.0.10), which the agent's maps hold.
    serviceCidr: '172.20.0.0/16',
    apiserverArgs: `${webhookApiserverArgs(webhookConfig)} --kubelet-preferred-address-types=ExternalIP`,
  });
  await loadAuditableExample(cluster.adminKubeconfig, writeApiserverObjects(kubelet.port));
  admin = await KubeClient.fromKubeconfig(cluster.adminKubeconfig);
  await applyRbacExec(admin);
}, 300_000);

afterAll(async () => {
  await kubelet?.stop();
  if (cluster !== undefined) await stopCluster(cluster.stateDir);
  await authenticator?.close();
  await harness?.stop();
  await removeAuditLab(auditLab, work);
});

beforeEach(() => {
  const { harness: local, cluster: apiserver } = started();
  local.reset();
  local.endpoints.set(CLUSTER, {
    endpoint: apiserver.vars['NETPOL_AUDIT_APISERVER_URL'] ?? '',
    certificateAuthorityData: readFileSync(apiserver.vars['NETPOL_AUDIT_CA_FILE'] ?? '').toString('base64'),
  });
});

async function nightly(name: string): Promise<AuditReport> {
  const { harness: local } = started();
  const execution = await local.execute(name, { clusters: [CLUSTER] }, `exec collector, real kube-apiserver: ${name}`);
  expect(execution.error).toBeUndefined();
  expect(execution.status).toBe('SUCCEEDED');
  expect(local.agent.commands).toEqual([]);
  return local.readReport(`reports/${CLUSTER}/${utcDay()}/${name}/report.json`);
}

const nodeFindings = (report: AuditReport) => report.findings.filter((finding) => finding.layer === 'node');

describe('the synthesized exec workflow through the real kube-apiserver into the lab node', () => {
  it('an untouched node: collected by exec with the EKS token of its access entry, no node finding, tc not checked', async () => {
    const { authenticator: eks, cluster: apiserver, harness: local } = started();
    const reviewed = eks.reviews.length;

    const report = await nightly('exec-kube-1');

    expect(report.inputs).toMatchObject({ pods: 7, networkPolicies: 2, policyEndpoints: 2, nodes: 2 });
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(nodeFindings(report).map(digest)).toEqual([]);
    expect(report.findings.filter((finding) => finding.checkId.startsWith('INPUT-'))).toEqual([]);
    expect(
      report.notChecked.filter((entry) => entry.scope.startsWith(`node ${NODE_NAME}`)).map((entry) => entry.kind),
    ).toEqual(['NC-NODE-TC-EXEC-COLLECTOR']);
    const prefix = `reports/${CLUSTER}/${utcDay()}/exec-kube-1/`;
    expect(await local.keysUnder(`${prefix}snapshot/nodes/`)).toEqual([
      `${prefix}snapshot/nodes/${LAB_INSTANCE}.tar.gz`,
    ]);
    const reviews = eks.reviews.slice(reviewed);
    expect(reviews.length).toBeGreaterThan(0);
    expect(reviews.filter((review) => !review.authenticated || review.reason !== execEntry.username)).toEqual([]);
    expect(execEntry.groups).toEqual([apiserver.auditorGroup]);
  });

  it('a key deleted with bpftool: exactly NODE-LPM-ENTRY-MISSING in the next run, none once restored', async () => {
    const { auditLab: lab } = started();
    await lab.lab.deleteLpm(NGINX.identifier, 'ingress_map', NGINX_EXCEPT_KEY.cidr);
    let drifted: AuditReport;
    try {
      drifted = await nightly('exec-kube-2');
    } finally {
      await lab.lab.writeLpm(NGINX.identifier, 'ingress_map', NGINX_EXCEPT_KEY);
    }
    expect(nodeFindings(drifted).map(digest)).toEqual([NGINX_EXCEPT_KEY_MISSING.digest]);
    expect(nodeFindings(drifted)[0]?.message).toContain(NGINX_EXCEPT_KEY_MISSING.message);
    expect(drifted.inputs.nodeOutputs).toBe(1);

    const restored = await nightly('exec-kube-3');
    expect(nodeFindings(restored).map(digest)).toEqual([]);
  });

  it('without the RoleBinding of k8s/rbac-exec.yaml: the node is NODE-NOT-COLLECTED, naming HTTP 403 and the file', async () => {
    const { admin: kube } = started();
    await deleteRbacExecBinding(kube);
    let refused: AuditReport;
    try {
      refused = await nightly('exec-kube-4');
    } finally {
      await applyRbacExec(kube);
    }
    expect(refused.inputs.nodeOutputs).toBe(0);
    const notCollected = nodeFindings(refused);
    expect(notCollected.map((finding) => `${finding.checkId} ${finding.resource.name}`)).toEqual([
      `NODE-NOT-COLLECTED ${NODE_NAME}`,
    ]);
    expect(notCollected[0]?.message).toContain('(HTTP 403)');
    expect(notCollected[0]?.message).toContain('k8s/rbac-exec.yaml');
  });
});
