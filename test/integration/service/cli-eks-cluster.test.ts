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
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
  type SendCommandCommandInput,
  type SendCommandCommandOutput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { AuditReport } from '#engine';
import { runCli } from '../../support/run-cli';
import { loadAuditableExample } from '../kubernetes/support/load-example';
import { clusterPerSuite } from '../kubernetes/support/test-cluster';
import { startMotoServer, type MotoServer } from '../node-collector/moto-server';
import { MOTO_CREDENTIALS, useMotoForCli } from './support/cli-environment';
import { startEksAuthenticator, webhookApiserverArgs, type EksAuthenticator } from './support/eks-authenticator';
import { SsmAgentStandIn, type NodeBehaviour } from './support/ssm-agent';
import { addonOf, SEED, SEED_INSTANCE, SEED_NODE } from './support/workflow-harness';

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
// eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked with .call(motoSsm)
const unmockedSsmSend = SSMClient.prototype.send as (this: SSMClient, command: unknown) => Promise<unknown>;
const ssmMock = mockClient(SSMClient);
let motoSsm: SSMClient;
let agent: SsmAgentStandIn;
/** What each instance's SSM agent does; `online` is what DescribeInstanceInformation reports. */
const fleet = new Map<string, NodeBehaviour>();
const online = new Set<string>();
const BUCKET = 'netpol-audit-cli-uploads';
const sentCommands: SendCommandCommandInput[] = [];

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
  motoSsm = new SSMClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  agent = new SsmAgentStandIn({
    ssm: motoSsm,
    region: REGION,
    account: '123456789012',
    fleet,
    // A laptop has no EventBridge rule: the CLI polls the invocations instead of waiting for the event.
    emit: () => Promise.resolve(undefined),
  });
  const s3 = new S3Client({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: MOTO_CREDENTIALS,
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  s3.destroy();
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
  ssmMock.restore();
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
    ssmMock.send.callThrough();
    ssmMock.on(DescribeInstanceInformationCommand).callsFake((input: { Filters?: { Values?: string[] }[] }) => ({
      InstanceInformationList: (input.Filters?.[0]?.Values ?? [])
        .filter((id) => fleet.has(id))
        .map((id) => ({ InstanceId: id, PingStatus: online.has(id) ? 'Online' : 'ConnectionLost' })),
    }));
    ssmMock.on(SendCommandCommand).callsFake(async (input: SendCommandCommandInput) => {
      sentCommands.push(input);
      const sent = (await unmockedSsmSend.call(motoSsm, new SendCommandCommand(input))) as SendCommandCommandOutput;
      agent.deliver(sent.Command?.CommandId ?? '');
      return sent;
    });
    // moto's GetCommandInvocation always says Success with no output: the stand-in's record, InProgress until then.
    ssmMock.on(GetCommandInvocationCommand).callsFake((input: { CommandId: string; InstanceId: string }) => ({
      CommandId: input.CommandId,
      InstanceId: input.InstanceId,
      ...(agent.invocation(input.CommandId, input.InstanceId) ?? { Status: 'InProgress', StatusDetails: 'InProgress' }),
    }));
    restoreEnvironment = useMotoForCli(moto.endpoint);
  }, 180_000);

  it('audit --cluster: the three layers from EKS and the API server, the inputs kept as a snapshot that re-audits the same', async () => {
    const out = join(work, 'audit');
    const reviewed = authenticator.reviews.length;
    const run = await auditCluster(out, '--fail-on', 'critical');
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
  const auditCluster = (out: string, ...options: string[]) =>
    runCli(['audit', '--cluster', CLUSTER, '--region', REGION, '--out', out, ...options]);

  describe('--collect-nodes ssm', () => {
    beforeEach(() => {
      fleet.clear();
      online.clear();
      fleet.set(SEED_INSTANCE, { kind: 'recorded', example: SEED, nodeName: SEED_NODE });
      online.add(SEED_INSTANCE);
    });

    it('with --install-document and --bucket: one pinned SendCommand, the bundle POSTed to the bucket, the node layer audited and kept in the snapshot', async () => {
      const out = join(work, 'nodes-bucket');
      const run = await auditCluster(
        out,
        '--fail-on',
        'critical',
        '--collect-nodes',
        'ssm',
        '--install-document',
        '--bucket',
        BUCKET,
      );
      expect(run.stderr).toMatch(
        /netpol-audit: collecting 1 node\(s\), batch 1\/1: SSM command [0-9a-f-]+ \(eks-netpol-audit-collector v1\)/,
      );
      expect(run.code).toBe(0);
      const report = AuditReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
      expect(report.inputs.nodeOutputs).toBe(1);
      expect(report.findings.filter((finding) => finding.layer === 'node')).toEqual([]);
      expect(agent.commands.at(-1)).toMatchObject({ instanceIds: [SEED_INSTANCE], status: 'Success' });
      expect(sentCommands.at(-1)).toMatchObject({
        DocumentName: 'eks-netpol-audit-collector',
        DocumentVersion: '1',
        InstanceIds: [SEED_INSTANCE],
        Parameters: { UploadUrl: ['none'], NodeName: ['auto'], PostUrl: [`${moto.endpoint}/${BUCKET}`] },
      });
      const s3 = new S3Client({
        region: REGION,
        endpoint: moto.endpoint,
        credentials: MOTO_CREDENTIALS,
        forcePathStyle: true,
      });
      const uploads = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'runs/cli-' }));
      s3.destroy();
      expect((uploads.Contents ?? []).map((object) => object.Key?.replace(/^runs\/cli-[0-9TZ]+\//, ''))).toEqual([
        `${CLUSTER}/nodes/${SEED_INSTANCE}.tar.gz`,
      ]);
      expect(readdirSync(join(out, 'snapshot/nodes'))).toEqual([SEED_NODE]);
      const again = await runCli([
        'audit',
        '--snapshot',
        join(out, 'snapshot'),
        '--out',
        join(work, 'nodes-again'),
        '--fail-on',
        'critical',
      ]);
      const offline = AuditReport.parse(JSON.parse(readFileSync(join(work, 'nodes-again/report.json'), 'utf8')));
      expect([again.code, offline.inputs.nodeOutputs]).toEqual([0, 1]);
      expect(offline.findings.map((finding) => finding.fingerprint).sort()).toEqual(
        report.findings.map((finding) => finding.fingerprint).sort(),
      );
    });

    it('without --bucket: the bundle comes back in the command output (the stdout fallback)', async () => {
      const out = join(work, 'nodes-stdout');
      const run = await auditCluster(out, '--fail-on', 'critical', '--collect-nodes', 'ssm', '--install-document');
      expect(run.code).toBe(0);
      const report = AuditReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
      expect(report.inputs.nodeOutputs).toBe(1);
      expect(report.findings.filter((finding) => finding.layer === 'node')).toEqual([]);
    });

    it('a node whose SSM agent is offline: NODE-NOT-COLLECTED with the reason, and the unverified gate exits 1', async () => {
      online.clear();
      const out = join(work, 'nodes-offline');
      const run = await auditCluster(out, '--collect-nodes', 'ssm', '--install-document');
      expect(run.code).toBe(1);
      const report = AuditReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
      expect(
        report.findings.filter((finding) => finding.checkId === 'NODE-NOT-COLLECTED').map((f) => f.message),
      ).toEqual([
        expect.stringContaining(`SSM agent of ${SEED_INSTANCE} is not online (DescribeInstanceInformation)`) as string,
      ]);
    });

    it('a collector document that is not in the account: exit 2, naming --install-document', async () => {
      const run = await runCli([
        'audit',
        '--cluster',
        CLUSTER,
        '--region',
        REGION,
        '--out',
        join(work, 'nodes-nodoc'),
        '--collect-nodes',
        'ssm',
        '--document',
        'not-installed-collector',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'no SSM document not-installed-collector in the account: --install-document creates it',
      );
    });

    it('--collect-nodes without --cluster: exit 2', async () => {
      const run = await runCli(['audit', '--snapshot', SEED, '--collect-nodes', 'ssm']);
      expect([run.code, run.stderr]).toEqual([2, 'netpol-audit: --collect-nodes ssm needs --cluster <name>\n']);
    });
  });
});
