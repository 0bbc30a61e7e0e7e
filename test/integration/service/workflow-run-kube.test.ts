/**
 * The audit workflow of workflow-run.test.ts (the same local deployment: support/workflow-harness.ts) with
 * audit-cluster reading a real kube-apiserver + etcd (scripts/test-cluster.sh, without the controller) instead of
 * the example snapshots' stand-in. The API server is loaded with examples/seed-cluster and k8s/rbac.yaml.
 *
 * What is still not EKS, and why:
 * - DescribeCluster goes to moto, whose cluster has no Kubernetes API: aws-sdk-client-mock puts the test API
 *   server's endpoint and CA (from the cluster env the script writes) into moto's answer.
 * - The bearer token is the test cluster's static token of the bound auditor (or of the outsider, who has no
 *   RBAC) in the first two runs: the runtime's `clusterTokens` reads the token file. The third run uses the
 *   production tokens (`eksClusterTokens`: an STS GetCallerIdentity URL presigned with the function's credentials,
 *   `x-k8s-aws-id` signed). The API server hands them to a TokenReview webhook that stands in for EKS
 *   (support/eks-authenticator.ts: aws-iam-authenticator's token checks, STS's signature check with the principal's
 *   secret, then the access entry of the synthesized stack for the reader role, whose group k8s/rbac.yaml binds).
 *   The production opener, client-node and the Kubernetes reader are the real ones.
 */
import '../../unit/support/quiet-powertools';
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { eksClusterTokens, type ClusterTokens } from '#adapters/eks-token/eks-token';
import { loadAuditableExample } from '../kubernetes/support/load-example';
import { clusterPerSuite } from '../kubernetes/support/test-cluster';
import { REGION, synthStack } from '../../infra/support/synth';
import { accessEntryOf } from './support/access-entries';
import { MOTO_CREDENTIALS } from './support/cli-environment';
import {
  startEksAuthenticator,
  webhookApiserverArgs,
  type AccessEntry,
  type EksAuthenticator,
} from './support/eks-authenticator';
import { SEED, SEED_INSTANCE, utcDay, WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(300_000);

const PodList = z.looseObject({
  items: z.array(
    z.looseObject({ metadata: z.looseObject({ namespace: z.string(), name: z.string(), uid: z.string() }) }),
  ),
});

/** The token file the runtime's cluster tokens read (the auditor's or the outsider's), unless the production tokens. */
let tokenFile = '';
let productionTokens = false;
const clusterTokens: ClusterTokens = (clusterName) =>
  productionTokens
    ? eksClusterTokens(REGION)(clusterName)
    : { token: async () => (await readFile(tokenFile, 'utf8')).trim() };

const WEBHOOK_CONFIG = join(tmpdir(), `eks-authenticator-${String(process.pid)}.kubeconfig`);
let harness: WorkflowHarness;
let authenticator: EksAuthenticator;
let readerEntry: AccessEntry;

beforeAll(async () => {
  readerEntry = accessEntryOf(synthStack({ clusters: { names: ['prod-a', 'prod-b'] } }).template, 'prod-a', 'reader');
  authenticator = await startEksAuthenticator({
    clusterName: 'prod-a',
    region: REGION,
    // The function's credentials (the harness's environment) are a session of the reader role.
    principals: [{ ...MOTO_CREDENTIALS, principalArn: readerEntry.principalArn }],
    accessEntries: [readerEntry],
  });
  authenticator.writeWebhookConfig(WEBHOOK_CONFIG);
  harness = await WorkflowHarness.start({ clusterTokens });
});

afterAll(async () => {
  await harness.stop();
  await authenticator.close();
  await rm(WEBHOOK_CONFIG, { force: true });
});

describe('the synthesized audit workflow, audit-cluster reading a real kube-apiserver', () => {
  const suiteCluster = clusterPerSuite({
    apiserverArgs: webhookApiserverArgs(WEBHOOK_CONFIG),
  });

  beforeAll(async () => {
    const cluster = suiteCluster();
    await loadAuditableExample(cluster.adminKubeconfig, SEED);
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
  it('with the production EKS tokens: the stand-in for EKS verifies each, the access entry maps the role to the auditors', async () => {
    productionTokens = true;
    const reviewed = authenticator.reviews.length;
    const execution = await harness.execute('kube-3', { clusters: ['prod-a'] }, 'real kube-apiserver, EKS token');
    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    const report = await harness.readReport(`reports/prod-a/${utcDay()}/kube-3/report.json`);
    expect(report.inputs).toMatchObject({ pods: 7, networkPolicies: 1, policyEndpoints: 1, nodes: 1 });
    expect(report.findings.filter((finding) => finding.checkId.startsWith('INPUT-'))).toEqual([]);
    const reviews = authenticator.reviews.slice(reviewed);
    expect(reviews.length).toBeGreaterThan(0);
    expect(reviews.every((review) => review.authenticated && review.reason === readerEntry.username)).toBe(true);
    expect(readerEntry.groups).toEqual([suiteCluster().auditorGroup]);
  });

  it('an EKS token presigned for another cluster: STS refuses the signature, the report says the cluster could not be read', async () => {
    const other: ClusterTokens = eksClusterTokens(REGION);
    const token = await other('prod-b').token();
    const stranger = join(tmpdir(), `eks-token-prod-b-${String(process.pid)}`);
    await writeFile(stranger, token);
    tokenFile = stranger;
    productionTokens = false;
    const execution = await harness.execute('kube-4', { clusters: ['prod-a'] }, 'real kube-apiserver, foreign token');
    await rm(stranger);
    expect(execution.status).toBe('SUCCEEDED');
    const report = await harness.readReport(`reports/prod-a/${utcDay()}/kube-4/report.json`);
    expect(report.findings.map((finding) => finding.checkId)).toContain('INPUT-CLUSTER-UNREADABLE');
    expect(authenticator.reviews.at(-1)).toEqual({
      authenticated: false,
      reason: 'STS: SignatureDoesNotMatch for cluster prod-a',
    });
  });
});
