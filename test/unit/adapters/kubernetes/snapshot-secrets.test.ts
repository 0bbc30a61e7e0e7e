import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesClusterSource } from '#adapters/kubernetes/kubernetes-cluster-source';
import { KubernetesReader } from '#adapters/kubernetes/kubernetes-reader';
import { SnapshotWriter } from '#adapters/kubernetes/snapshot-writer';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { emptyCluster, pagedList, pod } from './fake-transport';

const noSleep = { sleep: () => Promise.resolve() };
const SECRETS = {
  env: 'env-secret-5a1b',
  command: 'command-secret-7c2d',
  annotation: 'annotation-secret-9e3f',
  configMapKey: 'configmap-secret-1f4a',
  malformedEnv: 'malformed-env-secret-2b5c',
  namespaceAnnotation: 'namespace-secret-3c6d',
};

function podWithSecrets(): unknown {
  const base = pod('shop', 'web-0', { app: 'web' }) as { spec: object; status: object };
  return {
    ...base,
    metadata: {
      name: 'web-0',
      namespace: 'shop',
      labels: { app: 'web' },
      annotations: { 'vpc.amazonaws.com/pod-ips': '10.0.0.1', 'example.com/token': SECRETS.annotation },
    },
    spec: {
      nodeName: 'node-1',
      containers: [
        {
          name: 'app',
          image: 'registry.example/app:1',
          command: ['/app', `--password=${SECRETS.command}`],
          env: [{ name: 'DB_PASSWORD', value: SECRETS.env }],
          envFrom: [{ secretRef: { name: 'db' } }],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        },
      ],
    },
  };
}

/** Malformed for the engine (no namespace): stored redacted, still reported as malformed offline. */
function malformedPod(): unknown {
  return {
    metadata: { name: 'broken' },
    spec: { containers: [{ name: 'x', env: [{ name: 'TOKEN', value: SECRETS.malformedEnv }] }] },
  };
}

function cluster() {
  return emptyCluster()
    .on('/api/v1/pods', pagedList('Pod', 'v1', [podWithSecrets(), malformedPod()]))
    .on(
      '/api/v1/namespaces',
      pagedList('Namespace', 'v1', [
        { metadata: { name: 'shop', labels: { team: 'a' }, annotations: { note: SECRETS.namespaceAnnotation } } },
      ]),
    )
    .on('/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni', () => ({
      status: 200,
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
        data: { 'enable-network-policy-controller': 'true', 'api-key': SECRETS.configMapKey },
      },
    }));
}

describe('SnapshotWriter keeps no secrets', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'netpol-snapshot-secrets-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function writeSnapshot(): Promise<string> {
    const k8s = join(directory, 'k8s');
    await mkdir(k8s, { recursive: true });
    const writer = new SnapshotWriter(directory);
    const summary = await new KubernetesReader(cluster(), { pageSize: 1, ...noSleep }).read(writer);
    await writer.finish(summary.unavailableKinds.map((entry) => entry.kind));
    // As `netpol-audit snapshot` does: the manifest says which kinds were read (a missing aws-node is then absent)
    await writer.manifest({ unavailableKinds: [...summary.unavailableKinds] });
    return k8s;
  }

  it('writes no env value, command, annotation or ConfigMap key the engine does not read', async () => {
    // Act
    const k8s = await writeSnapshot();
    const files = await readdir(k8s);
    const text = (await Promise.all(files.map((file) => readFile(join(k8s, file), 'utf8')))).join('\n');

    // Assess
    expect(files).toEqual(expect.arrayContaining(['pods.json', 'amazon-vpc-cni.json', 'namespaces.json']));
    expect(Object.values(SECRETS).filter((secret) => text.includes(secret))).toEqual([]);
    expect(text).not.toContain('DB_PASSWORD');
    expect(text).not.toContain('envFrom');
    expect(text).toContain('vpc.amazonaws.com/pod-ips');
    expect(text).toContain('enable-network-policy-controller');
  });

  it('writes files readable by their owner only', async () => {
    // Act
    const k8s = await writeSnapshot();
    const modes = await Promise.all(
      (await readdir(k8s)).map(async (file) => (await stat(join(k8s, file))).mode & 0o777),
    );

    // Assess
    expect(modes.length).toBeGreaterThan(5);
    expect(new Set(modes)).toEqual(new Set([0o600]));
  });

  it('the offline inventory keeps what the engine reads and the same input findings as the live one', async () => {
    // Act
    await writeSnapshot();
    const offline = await new SnapshotDirectory(directory).readInventory();
    const live = await new KubernetesClusterSource(new KubernetesReader(cluster(), noSleep), 'c').readInventory();

    // Assess
    const web = offline.pods[0];
    expect(web?.spec.containers).toEqual([
      { name: 'app', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
    ]);
    expect(web?.metadata.annotations).toEqual({ 'vpc.amazonaws.com/pod-ips': '10.0.0.1' });
    expect(offline.vpcCniConfigMap?.data).toEqual({ 'enable-network-policy-controller': 'true' });
    expect(offline.inputFindings.map((f) => [f.checkId, f.resource])).toEqual(
      live.inputFindings.map((f) => [f.checkId, f.resource]),
    );
    expect(offline.inputFindings.map((f) => f.checkId)).toEqual(['INPUT-MALFORMED-OBJECT']);
  });
});
