/**
 * The synthesized audit workflow with node collection on a real kernel (run as root; scripts/install-node-test-deps.sh).
 * The same local deployment as workflow-run.test.ts (aws-local-stepfunctions, the real handlers, moto in server
 * mode), but the node of the cluster is the node-collector tier's lab: a network namespace whose host veths carry
 * the tc filters and pinned BPF programs and maps that network policy agent v1.4.1 writes for the cluster's
 * PolicyEndpoints (test/integration/node-collector/audit-cluster.ts, written by hand from agent.md §2.8).
 *
 * When the workflow's SendCommand reaches the SSM agent stand-in, the document's collector script runs on the lab
 * node with the real aws-eks-na-cli v1.4.1 and uploads its bundle through the batch's presigned POST into moto's S3.
 * The lab node has its own loopback, so 127.0.0.1:<moto port> is bridged into it (support/netns-bridge.ts) and the
 * presigned URL is used unchanged. Kubernetes answers from the cluster's kubectl JSON (the stand-in registry).
 */
import '../../unit/support/quiet-powertools';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compareReports, type AuditReport } from '#engine';
import { exampleKube } from '../../unit/support/example-kube';
import { clusterDocuments, labPods, NGINX, NODE_NAME } from '../node-collector/audit-cluster';
import { removeAuditLab, requireLabPrerequisites, startAuditLab, type AuditLab } from '../node-collector/audit-lab';
import { summarySchema } from '../node-collector/collector-run';
import { bridgeLoopbackPort, type NetnsBridge } from './support/netns-bridge';
import { clearClusters, serveCluster } from './support/kube-stand-in';
import { utcDay, WorkflowHarness } from './support/workflow-harness';

jest.mock('#adapters/eks/eks-live-source', () => {
  const actual = jest.requireActual<Record<string, unknown>>('#adapters/eks/eks-live-source');
  const standIn = jest.requireActual<typeof import('./support/kube-stand-in')>('./support/kube-stand-in');
  return { ...actual, eksBearerTokenOpener: () => standIn.openStandInKubernetes };
});

jest.setTimeout(300_000);

const CLUSTER = 'prod-a';
const LAB_INSTANCE = 'i-0c0ffee0000000125';
const REMOTE_NODE = 'ip-10-0-2-40.ec2.internal';
const NETNS_PREFIX = `nwk-${String(process.pid)}-`;
const sha1Hex = (input: string): string => createHash('sha1').update(input).digest('hex');

let work = '';
let auditLab: AuditLab | undefined;
let harness: WorkflowHarness | undefined;
let bridge: NetnsBridge | undefined;

function started(): { harness: WorkflowHarness; auditLab: AuditLab } {
  if (harness === undefined || auditLab === undefined) throw new Error('the lab or the harness did not start');
  return { harness, auditLab };
}

/** The cluster's kubectl JSON as a snapshot directory (k8s/*.json), for the Kubernetes stand-in. */
function writeClusterSnapshot(): string {
  const directory = join(work, 'cluster');
  mkdirSync(join(directory, 'k8s'), { recursive: true });
  for (const document of clusterDocuments())
    writeFileSync(join(directory, 'k8s', basename(document.source)), JSON.stringify(document.content));
  return directory;
}

beforeAll(async () => {
  requireLabPrerequisites('workflow-run-kernel');
  work = mkdtempSync(join(tmpdir(), 'svc-kernel-'));
  auditLab = await startAuditLab(work, NETNS_PREFIX, labPods(sha1Hex));
  harness = await WorkflowHarness.start();
  bridge = await bridgeLoopbackPort(auditLab.lab.holderPid, Number(new URL(harness.moto.endpoint).port));
});

afterAll(async () => {
  await bridge?.close();
  await harness?.stop();
  await removeAuditLab(auditLab, work);
});

beforeEach(() => {
  const { harness: local, auditLab: lab } = started();
  clearClusters();
  local.reset();
  const directory = writeClusterSnapshot();
  serveCluster(CLUSTER, () => exampleKube(directory, { [NODE_NAME]: LAB_INSTANCE }));
  local.fleet.set(LAB_INSTANCE, {
    kind: 'collector',
    node: { wrap: (command, args, env) => lab.lab.inMountNs(command, args, env, 60_000), env: lab.collectorEnv },
  });
  local.online.add(LAB_INSTANCE);
});

async function nightly(name: string): Promise<AuditReport> {
  const { harness: local } = started();
  const execution = await local.execute(name, { clusters: [CLUSTER] }, `real kernel: ${name}`);
  expect(execution.error).toBeUndefined();
  expect(execution.status).toBe('SUCCEEDED');
  return local.readReport(`reports/${CLUSTER}/${utcDay()}/${name}/report.json`);
}

const nodeFindings = (report: AuditReport): string[] =>
  report.findings
    .filter((finding) => finding.layer === 'node')
    .map(
      (finding) =>
        `${finding.checkId} ${finding.resource.kind} ${finding.resource.namespace ?? ''}/${finding.resource.name}`,
    );

describe('the audit workflow collecting a node of the real kernel', () => {
  it('an untouched node: the collector posts its bundle into S3 and the report has no node finding', async () => {
    const { harness: local } = started();
    const report = await nightly('kernel-1');

    const command = local.agent.commands.at(-1);
    expect(command).toMatchObject({ instanceIds: [LAB_INSTANCE], status: 'Success' });
    const invocation = local.agent.invocation(command?.commandId ?? '', LAB_INSTANCE);
    const summary = summarySchema.parse(JSON.parse(invocation?.StandardOutputContent.split('\n')[0] ?? ''));
    expect(summary).toMatchObject({ upload: 'ok', uploadMode: 'post', cli: true, tc: true, errors: 0, maps: 18 });
    const prefix = `reports/${CLUSTER}/${utcDay()}/kernel-1/`;
    expect(await local.keysUnder(`${prefix}snapshot/nodes/`)).toEqual([
      `${prefix}snapshot/nodes/${LAB_INSTANCE}.tar.gz`,
    ]);

    expect(report.inputs.nodeOutputs).toBe(1);
    expect(nodeFindings(report)).toEqual([]);
    expect(report.notChecked.filter((entry) => entry.scope.includes(NODE_NAME))).toEqual([]);
    // The remote node has no EC2 instance id in the stand-in cluster: listed as not checked, never clean.
    expect(report.notChecked.filter((entry) => entry.scope.startsWith('node '))).toEqual([
      {
        scope: `node ${REMOTE_NODE}`,
        reason: "spec.providerID '' names no EC2 instance, not checked",
        kind: 'NC-NODE-NOT-COLLECTABLE',
      },
    ]);
    expect(report.findings.map((finding) => finding.checkId)).toEqual(['CFG-CNI-SELF-MANAGED']);
    expect(await local.alerts()).toEqual([]);
  });

  it('a key deleted from the kernel: exactly NODE-LPM-ENTRY-MISSING and one alert; restored: resolved, no alert', async () => {
    const { harness: local, auditLab: lab } = started();
    await lab.lab.deleteLpm(NGINX.identifier, 'ingress_map', '10.0.5.0/24');
    let drifted: AuditReport;
    try {
      drifted = await nightly('kernel-2');
    } finally {
      await lab.lab.writeLpm(NGINX.identifier, 'ingress_map', {
        cidr: '10.0.5.0/24',
        slots: [{ protocol: 255, startPort: 0, endPort: 0 }],
      });
    }
    expect(nodeFindings(drifted)).toEqual([`NODE-LPM-ENTRY-MISSING PodIdentifier shop/${NGINX.identifier}`]);
    const sent = await local.alerts();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe(`eks-netpol-audit: 1 new finding(s) in ${CLUSTER}`);
    expect(sent[0]?.message).toContain(`NODE-LPM-ENTRY-MISSING PodIdentifier shop/${NGINX.identifier}`);

    const restored = await nightly('kernel-3');
    expect(nodeFindings(restored)).toEqual([]);
    expect(compareReports(drifted, restored).resolvedFindings.map((finding) => finding.checkId)).toEqual([
      'NODE-LPM-ENTRY-MISSING',
    ]);
    expect(await local.alerts()).toHaveLength(1);
  });
});
