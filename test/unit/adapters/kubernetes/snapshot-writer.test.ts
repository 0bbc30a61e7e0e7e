import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesClusterSource } from '#adapters/kubernetes/kubernetes-cluster-source';
import { KubernetesReader } from '#adapters/kubernetes/kubernetes-reader';
import { SnapshotWriter } from '#adapters/kubernetes/snapshot-writer';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { SnapshotManifest } from '#engine';
import { emptyCluster, forbidden, pagedList, pod } from './fake-transport';

const noSleep = { sleep: () => Promise.resolve() };

describe('SnapshotWriter', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'netpol-snapshot-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function cluster() {
    const pods = Array.from({ length: 5 }, (_, index) => ({
      ...(pod('shop', `web-${index}`, { app: 'web' }, `10.0.0.${index + 1}`) as object),
      metadata: {
        name: `web-${index}`,
        namespace: 'shop',
        labels: { app: 'web' },
        managedFields: [{ manager: 'kubelet' }],
      },
    }));
    return emptyCluster()
      .on('/api/v1/pods', pagedList('Pod', 'v1', pods))
      .on('/apis/apps/v1/namespaces/kube-system/daemonsets/aws-node', () => ({
        status: 200,
        body: {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'aws-node', namespace: 'kube-system' },
          spec: { template: { spec: { containers: [] } } },
        },
      }));
  }

  it('writes Lists page by page that SnapshotDirectory reads back into the same inventory', async () => {
    // Prepare
    const k8s = join(directory, 'snap', 'k8s');
    await mkdir(k8s, { recursive: true });
    const writer = new SnapshotWriter(join(directory, 'snap'));
    // Act
    const summary = await new KubernetesReader(cluster(), { pageSize: 2, ...noSleep }).read(writer);
    await writer.finish(summary.unavailableKinds.map((entry) => entry.kind));
    await writer.manifest({ clusterName: 'c', objects: summary.objects, unavailableKinds: [] });
    // Assess
    expect((await readdir(k8s)).sort()).toEqual(
      [
        'applicationnetworkpolicies',
        'aws-node',
        'clusternetworkpolicies',
        'clusterpolicyendpoints',
        'namespaces',
        'networkpolicies',
        'nodes',
        'pods',
        'policyendpoints',
        'services',
      ].map((name) => `${name}.json`),
    );
    const pods = JSON.parse(await readFile(join(k8s, 'pods.json'), 'utf8')) as {
      kind: string;
      items: { apiVersion: string; kind: string; metadata: object }[];
    };
    expect(pods.kind).toBe('List');
    expect(pods.items).toHaveLength(5);
    expect(pods.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(pods.items[0]?.metadata).not.toHaveProperty('managedFields');
    const live = await new KubernetesClusterSource(new KubernetesReader(cluster(), noSleep), 'c').readInventory();
    const offline = await new SnapshotDirectory(join(directory, 'snap')).readInventory();
    const withoutContainerDetails = live.pods.map((p) => ({
      ...p,
      spec: { ...p.spec, containers: p.spec.containers.map((c) => ({ name: c.name })) },
    }));
    expect(offline.pods).toEqual(withoutContainerDetails);
    expect(offline.awsNodeDaemonSet).toEqual(live.awsNodeDaemonSet);
    expect(offline.inputFindings).toEqual([]);
    const manifest: unknown = JSON.parse(await readFile(join(directory, 'snap', 'snapshot.json'), 'utf8'));
    expect(SnapshotManifest.parse(manifest)).toEqual({
      clusterName: 'c',
      objects: summary.objects,
      unavailableKinds: [],
    });
  });

  it('refuses a manifest that does not match the snapshot.json schema and writes nothing', async () => {
    const writer = new SnapshotWriter(directory);
    const invalid = { objects: -1, unavailableKinds: [] } as unknown as SnapshotManifest;
    await expect(writer.manifest(invalid)).rejects.toThrow(/objects/);
    expect(await readdir(directory)).not.toContain('snapshot.json');
  });

  it('leaves out the kinds that could not be read completely', async () => {
    const k8s = join(directory, 'k8s');
    await mkdir(k8s, { recursive: true });
    const writer = new SnapshotWriter(directory);
    const paged = pagedList('Pod', 'v1', [pod('a', 'p0'), pod('a', 'p1'), pod('a', 'p2')]);
    const transport = cluster().on('/api/v1/pods', (path, query) =>
      query.get('continue') === null ? paged(path, query) : forbidden('pods is forbidden'),
    );
    const summary = await new KubernetesReader(transport, { pageSize: 2, ...noSleep }).read(writer);
    await writer.finish(summary.unavailableKinds.map((entry) => entry.kind));
    expect(summary.unavailableKinds.map((entry) => entry.kind)).toEqual(['Pod']);
    expect(await readdir(k8s)).not.toContain('pods.json');
    expect(await readdir(k8s)).toContain('nodes.json');
  });
});
