/**
 * The audit workflow of workflow-run.test.ts (the same local deployment: support/workflow-harness.ts) with
 * audit-cluster reading a real kube-apiserver + etcd (scripts/test-cluster.sh, without the controller) instead of
 * the example snapshots' stand-in. The API server is loaded with examples/seed-cluster and k8s/rbac.yaml.
 *
 * What is still not EKS, and why:
 * - DescribeCluster goes to moto, whose cluster has no Kubernetes API: aws-sdk-client-mock puts the test API
 *   server's endpoint and CA (from the cluster env the script writes) into moto's answer.
 * - The bearer token is the test cluster's static token of the bound auditor (or of the outsider, who has no
 *   RBAC), not an EKS presigned token: the runtime's `clusterTokens` (where production gets its EKS tokens) reads
 *   the token file. The production opener, client-node and the Kubernetes reader are the real ones.
 */
import '../../unit/support/quiet-powertools';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { ClusterTokens } from '#adapters/eks-token/eks-token';
import { applyRbac, installStandInCrds } from '../kubernetes/support/fixtures';
import { KubeClient } from '../kubernetes/support/kube-admin';
import { loadExample } from '../kubernetes/support/load-example';
import { clusterPerSuite } from '../kubernetes/support/test-cluster';
import { SEED, SEED_INSTANCE, utcDay, WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(300_000);

const PodList = z.looseObject({
  items: z.array(
    z.looseObject({ metadata: z.looseObject({ namespace: z.string(), name: z.string(), uid: z.string() }) }),
  ),
});

/** The token file the runtime's cluster tokens read (the auditor's or the outsider's). */
let tokenFile = '';
const clusterTokens: ClusterTokens = () => ({
  token: async () => (await readFile(tokenFile, 'utf8')).trim(),
});

let harness: WorkflowHarness;

beforeAll(async () => {
  harness = await WorkflowHarness.start({ clusterTokens });
});

afterAll(async () => {
  await harness.stop();
});

describe('the synthesized audit workflow, audit-cluster reading a real kube-apiserver', () => {
  const suiteCluster = clusterPerSuite();

  beforeAll(async () => {
    const cluster = suiteCluster();
    const admin = await KubeClient.fromKubeconfig(cluster.adminKubeconfig);
    await applyRbac(admin);
    await installStandInCrds(admin);
    await loadExample(admin, SEED);
  }, 180_000);

  beforeEach(() => {
    harness.reset();
    const { vars } = suiteCluster();
    harness.endpoints.set('prod-a', {
      endpoint: vars['NETPOL_AUDIT_APISERVER_URL'] ?? '',
      certificateAuthorityData: readFileSync(vars['NETPOL_AUDIT_CA_FILE'] ?? '').toString('base64'),
    });
    harness.seedNodes('prod-a');
  });

  it('as the bound auditor: the seed cluster read from the API server, its report clean', async () => {
    tokenFile = suiteCluster().vars['NETPOL_AUDIT_AUDITOR_TOKEN_FILE'] ?? '';
    const execution = await harness.execute('kube-1', { clusters: ['prod-a'] }, 'real kube-apiserver, auditor');
    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    const prefix = `reports/prod-a/${utcDay()}/kube-1/`;
    const report = await harness.readReport(`${prefix}report.json`);
    expect(report.inputs).toMatchObject({ pods: 7, networkPolicies: 1, policyEndpoints: 1, nodes: 1 });
    expect(report.findings.filter((finding) => finding.layer === 'control-plane')).toEqual([]);
    expect(report.findings.filter((finding) => finding.checkId === 'INPUT-KIND-UNAVAILABLE')).toEqual([]);
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(harness.agent.commands.at(-1)).toMatchObject({ instanceIds: [SEED_INSTANCE], status: 'Success' });
    // The snapshot holds the pods as the API server listed them: the example's pods, with the server's uids.
    const example = PodList.parse(JSON.parse(readFileSync(join(SEED, 'k8s/pods.json'), 'utf8')));
    const read = PodList.parse(
      JSON.parse(gunzipSync(await harness.readBytes(`${prefix}snapshot/k8s/pods.json.gz`)).toString('utf8')),
    );
    const names = (list: z.infer<typeof PodList>): string[] =>
      list.items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`).sort();
    expect(names(read)).toEqual(names(example));
    expect(read.items).toHaveLength(7);
    const exampleUids = new Set(example.items.map((pod) => pod.metadata.uid));
    expect(read.items.filter((pod) => exampleUids.has(pod.metadata.uid))).toEqual([]);
  });

  it('as the outsider (no RBAC): the run succeeds, the report says what could not be read', async () => {
    tokenFile = join(suiteCluster().stateDir, 'auth/outsider.token');
    const execution = await harness.execute('kube-2', { clusters: ['prod-a'] }, 'real kube-apiserver, outsider');
    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    const report = await harness.readReport(`reports/prod-a/${utcDay()}/kube-2/report.json`);
    const unavailable = report.findings.filter((finding) => finding.checkId === 'INPUT-KIND-UNAVAILABLE');
    expect(unavailable).toHaveLength(11);
    expect(unavailable.map((finding) => finding.message).join('\n')).toContain('permission denied (HTTP 403)');
    expect(report.findings.filter((finding) => finding.layer === 'control-plane')).toEqual([]);
  });
});
