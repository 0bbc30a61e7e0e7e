/**
 * The audit-cluster Lambda's work on the bench's 150,000-pod cluster, as the function runs it: auditClusterStep
 * reads EKS and Kubernetes page by page (limit 500), projects each page and streams the raw objects gzipped into
 * the run's S3 snapshot. The Kubernetes API is a stand-in that renders each page's JSON text on demand (about
 * 5 KB per pod: labels, annotations, managedFields, env, volumes, statuses, as a real pod) and parses it, as the
 * HTTP client does; S3 counts and drops the bodies. Prints one JSON line: time, peak RSS, pages, bytes.
 * Run alone (`npx tsx bench/cost/reader.ts`): the peak RSS is the process's.
 */
import './service-environment';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { EKSClient } from '@aws-sdk/client-eks';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Command, Option } from 'commander';
import { mockClient } from 'aws-sdk-client-mock';
import type { KubeResponse, KubeTransport } from '#adapters/kubernetes/kube-transport';
import { READ_RESOURCES } from '#adapters/kubernetes/resources';
import { S3Objects } from '#adapters/s3/s3-objects';
import { EksClusters } from '#adapters/eks/eks-cluster';
import { RunCommand } from '#adapters/ssm/run-command';
import { resolve } from '#engine';
import { auditClusterStep } from '../../lambdas/shared/service/audit-cluster-step';
import { ServiceConfig } from '../../lambdas/shared/service/config';
import { AuditClusterEvent } from '../../lambdas/shared/service/contract';
import { answerExampleEks } from '../../test/unit/support/example-eks';
import { buildSyntheticCluster, DEFAULT_SIZE, policyEndpointsWithDrift, seededRandom } from '../synthetic-cluster';
import { READER_FILE, ReaderMeasure } from './reader-measure';
import { LOCAL_BUCKET, LOCAL_CONFIG } from './service-environment';

const PAGE_SIZE = 500;

function ipv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Pod `index` of the bench's cluster shape, as the API server returns it (the fields a real pod carries). */
function rawPod(index: number, namespaces: number, nodes: number): unknown {
  const perNamespace = Math.max(1, Math.floor(DEFAULT_SIZE.pods / namespaces));
  const namespace = `ns-${String(Math.min(namespaces - 1, Math.floor(index / perNamespace)))}`;
  const app = `app-${String(index % 8)}`;
  const node = `ip-node-${String((index * 7919) % nodes)}.compute.internal`;
  const name = `${app}-${String((index * 2654435761) % 1_000_000_000)}-${String(index % 100_000)}`;
  const env = Array.from({ length: 12 }, (_, n) => ({
    name: `SETTING_${String(n)}`,
    value: `value-${String(n)}-${name}`,
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: `0000${String(index).padStart(8, '0')}-aaaa-bbbb-cccc-0123456789ab`,
      resourceVersion: String(1_000_000 + index),
      creationTimestamp: '2026-11-30T10:00:00Z',
      labels: { app, tier: ['web', 'api', 'db', 'worker'][index % 4], 'pod-template-hash': String(index % 97) },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-30T10:00:00Z', 'prometheus.io/scrape': 'true' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-rs`, uid: 'rs-uid', controller: true },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:containers': {} } },
        },
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          subresource: 'status',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:podIP': {} } },
        },
      ],
    },
    spec: {
      nodeName: node,
      serviceAccountName: 'default',
      containers: [
        {
          name: 'main',
          image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${app}:1.2.3`,
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
          ],
          env,
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          volumeMounts: [
            { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
          ],
          readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 10 },
        },
      ],
      volumes: [
        {
          name: 'kube-api-access',
          projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] },
        },
      ],
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: {
      phase: 'Running',
      podIP: ipv4(0x0a000000 + index),
      podIPs: [{ ip: ipv4(0x0a000000 + index) }],
      hostIP: ipv4(0x0a640000 + ((index * 7919) % nodes)),
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: '2026-11-30T10:00:05Z',
      })),
      containerStatuses: [
        {
          name: 'main',
          ready: true,
          restartCount: 0,
          image: `${app}:1.2.3`,
          imageID: `sha256:${'ab'.repeat(32)}`,
          containerID: `containerd://${'cd'.repeat(32)}`,
          started: true,
          state: { running: { startedAt: '2026-11-30T10:00:04Z' } },
        },
      ],
    },
  };
}

/** A JSON response as the HTTP client hands it over: the text rendered, then parsed. */
function asReceived(body: unknown): { response: KubeResponse; bytes: number } {
  const text = JSON.stringify(body);
  return { response: { status: 200, body: JSON.parse(text) as unknown }, bytes: text.length };
}

class SyntheticApiServer implements KubeTransport {
  readonly location = 'synthetic 150,000-pod cluster';
  pages = 0;
  bytes = 0;
  private readonly lists = new Map<string, readonly unknown[]>();

  constructor(
    private readonly pods: number,
    private readonly namespaces: number,
    private readonly nodes: number,
  ) {
    // Everything but the pods from the bench's generator (one pod there: the pods are rendered here, per page).
    const size = { ...DEFAULT_SIZE, pods: 1 };
    const base = buildSyntheticCluster(size);
    const { endpoints } = policyEndpointsWithDrift(resolve({ inventory: base }), size, seededRandom(size.seed + 1));
    const byKind: Record<string, readonly unknown[]> = {
      Namespace: base.namespaces,
      Node: base.nodes,
      Service: base.services,
      NetworkPolicy: base.networkPolicies,
      PolicyEndpoint: endpoints,
    };
    for (const resource of READ_RESOURCES)
      if (resource.mode === 'list' && resource.kind !== 'Pod')
        this.lists.set(resource.path, byKind[resource.kind] ?? []);
  }

  get(path: string): Promise<KubeResponse> {
    const [base = '', query = ''] = path.split('?');
    if (base === '/version') return Promise.resolve({ status: 200, body: { gitVersion: 'v1.33.0' } });
    const params = new URLSearchParams(query);
    const start = Number(params.get('continue') ?? '0');
    const total = base === '/api/v1/pods' ? this.pods : this.lists.get(base)?.length;
    if (total === undefined) return Promise.resolve({ status: 404, body: { message: `${path} not found` } });
    const end = Math.min(total, start + Number(params.get('limit') ?? String(PAGE_SIZE)));
    const items = [];
    for (let index = start; index < end; index += 1)
      items.push(base === '/api/v1/pods' ? rawPod(index, this.namespaces, this.nodes) : this.lists.get(base)?.[index]);
    const metadata = end < total ? { resourceVersion: '1', continue: String(end) } : { resourceVersion: '1' };
    const { response, bytes } = asReceived({ kind: 'List', apiVersion: 'v1', metadata, items });
    this.pages += 1;
    this.bytes += bytes;
    return Promise.resolve(response);
  }
}

async function main(): Promise<void> {
  const options = new Command('reader')
    .addOption(new Option('--pods <n>').default(String(DEFAULT_SIZE.pods)))
    .parse()
    .opts<{ pods: string }>();
  const pods = Number(options.pods);
  let putBytes = 0;
  const s3 = mockClient(S3Client);
  s3.on(PutObjectCommand).callsFake((input: { Body: string | Uint8Array }) => {
    putBytes += typeof input.Body === 'string' ? Buffer.byteLength(input.Body) : input.Body.length;
    return {};
  });
  const eks = mockClient(EKSClient);
  answerExampleEks(eks, 'examples/seed-cluster');
  mockClient(SSMClient).on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
  const api = new SyntheticApiServer(pods, DEFAULT_SIZE.namespaces, DEFAULT_SIZE.nodes);
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const output = await auditClusterStep(
    AuditClusterEvent.parse({
      runId: 'reader',
      startedAt: new Date().toISOString(),
      cluster: { name: 'prod-a' },
      focus: {},
    }),
    {
      config: ServiceConfig.parse(LOCAL_CONFIG),
      objects: new S3Objects(new S3Client({ region: 'eu-west-1' }), LOCAL_BUCKET),
      eks: new EksClusters(new EKSClient({ region: 'eu-west-1' })),
      runCommand: new RunCommand(new SSMClient({ region: 'eu-west-1' })),
      openKubernetes: () => Promise.resolve(api),
      now: () => new Date(),
      toolVersion: 'reader',
    },
  );
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const result = ReaderMeasure.parse({
    pods,
    pages: api.pages,
    apiJsonMb: Math.round(api.bytes / 2 ** 20),
    snapshotGzMb: Math.round(putBytes / 2 ** 20),
    ms: Math.round(ms),
    cpuMs: Math.round(cpuMs),
    // CPU time, not wall time: the 2-core machine is shared, and at 1,769 MB the function has one full vCPU.
    msPerPod: cpuMs / pods,
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    baselineRssMb: Math.round(baselineRssMb),
    nodesSkipped: output.nodesSkipped,
    measuredAt: new Date().toISOString(),
  });
  mkdirSync('out', { recursive: true });
  writeFileSync(READER_FILE, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) void main();
