/**
 * `netpol-audit audit --cluster NAME` and `snapshot --cluster NAME` as a laptop runs them: the CLI's own EKS client
 * with the credential chain of the environment (moto's test keys), DescribeCluster and DescribeAddon, then the
 * cluster's Kubernetes API with EKS bearer tokens presigned with the same credentials. Kubernetes is the real
 * kube-apiserver + etcd (scripts/test-cluster.sh) loaded with examples/seed-cluster and k8s/rbac.yaml; it hands the
 * tokens to the TokenReview webhook that stands in for EKS (support/eks-authenticator.ts), whose access entry maps
 * the user's role to the group k8s/rbac.yaml binds.
 *
 * moto's EKS keeps the cluster, but it serves no Kubernetes API and has no DescribeAddon: aws-sdk-client-mock puts
 * the test API server's endpoint and CA into moto's DescribeCluster answer and answers DescribeAddon with the
 * example's add-on (every other call goes to moto).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateClusterCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  type DescribeClusterCommandOutput,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { AuditReport } from '#engine';
import { runCli } from '../../support/run-cli';
import { loadAuditableExample } from '../kubernetes/support/load-example';
import { clusterPerSuite } from '../kubernetes/support/test-cluster';
import { startMotoServer, type MotoServer } from '../node-collector/moto-server';
import { MOTO_CREDENTIALS, useMotoForCli } from './support/cli-environment';
import { startEksAuthenticator, webhookApiserverArgs, type EksAuthenticator } from './support/eks-authenticator';
import { addonOf, SEED } from './support/workflow-harness';

jest.setTimeout(180_000);

const REGION = 'eu-west-1';
const CLUSTER = 'prod-a';
const ROLE = 'arn:aws:iam::123456789012:role/platform-oncall';
const WEBHOOK_CONFIG = join(tmpdir(), `eks-authenticator-cli-${String(process.pid)}.kubeconfig`);

let moto: MotoServer;
let authenticator: EksAuthenticator;
let restoreEnvironment: () => void = () => undefined;
let work = '';
/** The SDK's own send, kept before the class-wide mock of the CLI's clients: how the test reaches moto's EKS. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked with .call(motoEks)
const unmockedSend = EKSClient.prototype.send as (this: EKSClient, command: unknown) => Promise<unknown>;
const eksMock = mockClient(EKSClient);
let motoEks: EKSClient;

beforeAll(async () => {
  moto = await startMotoServer();
  authenticator = await startEksAuthenticator({
    clusterName: CLUSTER,
    region: REGION,
    principals: [{ ...MOTO_CREDENTIALS, principalArn: ROLE }],
    accessEntries: [{ principalArn: ROLE, username: 'platform-oncall', groups: ['netpol-audit:auditors'] }],
  });
  authenticator.writeWebhookConfig(WEBHOOK_CONFIG);
  work = await mkdtemp(join(tmpdir(), 'cli-eks-'));
  motoEks = new EKSClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  await unmockedSend.call(
    motoEks,
    new CreateClusterCommand({
      name: CLUSTER,
      roleArn: 'arn:aws:iam::123456789012:role/eks-cluster',
      resourcesVpcConfig: { subnetIds: ['subnet-0123456789abcdef0'] },
      version: '1.33',
    }),
  );
});

afterAll(async () => {
  eksMock.restore();
  restoreEnvironment();
  await authenticator.close();
  await moto.stop();
  await rm(WEBHOOK_CONFIG, { force: true });
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('audit and snapshot of an EKS cluster by name', () => {
  const suiteCluster = clusterPerSuite({
    apiserverArgs: webhookApiserverArgs(WEBHOOK_CONFIG),
  });

  beforeAll(async () => {
    const cluster = suiteCluster();
    await loadAuditableExample(cluster.adminKubeconfig, SEED);
    eksMock.send.callThrough();
    eksMock.on(DescribeClusterCommand).callsFake(async (input: { name: string }) => {
      const answer = (await unmockedSend.call(
        motoEks,
        new DescribeClusterCommand(input),
      )) as DescribeClusterCommandOutput;
      if (answer.cluster === undefined) return answer;
      return {
        ...answer,
        cluster: {
          ...answer.cluster,
          endpoint: cluster.vars['NETPOL_AUDIT_APISERVER_URL'],
          certificateAuthority: { data: readFileSync(cluster.vars['NETPOL_AUDIT_CA_FILE'] ?? '').toString('base64') },
        },
      };
    });
    eksMock.on(DescribeAddonCommand).resolves({ addon: addonOf(SEED) });
    restoreEnvironment = useMotoForCli(moto.endpoint);
  }, 180_000);

  it('audit --cluster: the three layers from EKS and the API server, the inputs kept as a snapshot that re-audits the same', async () => {
    const out = join(work, 'audit');
    const reviewed = authenticator.reviews.length;
    const run = await runCli([
      'audit',
      '--cluster',
      CLUSTER,
      '--region',
      REGION,
      '--out',
      out,
      '--fail-on',
      'critical',
    ]);
    expect(run.stderr).toContain(`read eks:${REGION}/${CLUSTER}; its inputs are in ${join(out, 'snapshot')}`);
    expect(run.code).toBe(0);
    const report = AuditReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.cluster).toEqual({ name: CLUSTER, source: 'live', location: `eks:${REGION}/${CLUSTER}` });
    expect(report.inputs).toMatchObject({ pods: 7, networkPolicies: 1, policyEndpoints: 1, nodes: 1 });
    expect(report.findings.filter((finding) => finding.checkId.startsWith('INPUT-'))).toEqual([]);
    // The add-on was read from EKS: the add-on checks ran (not the self-managed path).
    expect(report.findings.map((finding) => finding.checkId)).not.toContain('CFG-CNI-SELF-MANAGED');
    const reviews = authenticator.reviews.slice(reviewed);
    expect(reviews.length).toBeGreaterThan(0);
    expect(reviews.every((review) => review.authenticated && review.reason === 'platform-oncall')).toBe(true);

    const snapshot = join(out, 'snapshot');
    expect(readdirSync(join(snapshot, 'eks')).sort()).toEqual(['addon-vpc-cni.json', 'cluster.json']);
    expect(readdirSync(join(snapshot, 'k8s'))).toContain('pods.json');
    expect(statSync(join(snapshot, 'k8s/pods.json')).mode & 0o777).toBe(0o600);
    expect(statSync(snapshot).mode & 0o777).toBe(0o700);
    const again = await runCli([
      'audit',
      '--snapshot',
      snapshot,
      '--out',
      join(work, 'again'),
      '--fail-on',
      'critical',
    ]);
    expect(again.code).toBe(0);
    const offline = AuditReport.parse(JSON.parse(readFileSync(join(work, 'again/report.json'), 'utf8')));
    expect(offline.findings.map((finding) => finding.fingerprint).sort()).toEqual(
      report.findings.map((finding) => finding.fingerprint).sort(),
    );
  });

  it('snapshot --cluster: the support bundle with the EKS add-on and cluster, the objects projected', async () => {
    const out = join(work, 'bundle');
    const run = await runCli(['snapshot', '--cluster', CLUSTER, '--region', REGION, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^snapshot of eks:${REGION}/${CLUSTER}: \\d+ objects, wrote ${out}\\n$`));
    expect(readdirSync(out).sort()).toEqual(['eks', 'k8s', 'snapshot.json']);
    const cluster = JSON.parse(readFileSync(join(out, 'eks/cluster.json'), 'utf8')) as { cluster: { name: string } };
    expect(cluster.cluster.name).toBe(CLUSTER);
    const pods = readFileSync(join(out, 'k8s/pods.json'), 'utf8');
    expect(pods).not.toContain('"env"');
  });

  it('an EKS cluster that does not exist: exit 2 naming it, nothing written', async () => {
    const out = join(work, 'missing');
    const run = await runCli(['audit', '--cluster', 'prod-z', '--region', REGION, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^netpol-audit: ClusterAccessError: cluster prod-z: not-found: DescribeCluster failed/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--region without --cluster, or two sources at once: exit 2 with the rule', async () => {
    const region = await runCli(['audit', '--snapshot', SEED, '--region', REGION]);
    expect([region.code, region.stderr]).toEqual([2, 'netpol-audit: --region and --profile need --cluster <name>\n']);
    const both = await runCli(['audit', '--snapshot', SEED, '--cluster', CLUSTER]);
    expect([both.code, both.stderr]).toEqual([
      2,
      'netpol-audit: give exactly one of --snapshot <dir>, --kubeconfig <file> or --cluster <name>\n',
    ]);
  });
});
