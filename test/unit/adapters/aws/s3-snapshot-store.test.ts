import { gunzipSync } from 'node:zlib';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { S3SnapshotSource, S3SnapshotWriter } from '#adapters/s3/s3-snapshot-store';
import { READ_RESOURCES, type ListedResource } from '#adapters/kubernetes/resources';
import { audit, StoreError } from '#engine';
import { memoryS3 } from '../../support/memory-s3';

const PREFIX = 'runs/run-1/drift-cluster/snapshot/';
const NOW = new Date('2026-12-01T02:00:00Z');

function listed(kind: string): ListedResource {
  const resource = READ_RESOURCES.find((candidate) => candidate.kind === kind);
  if (resource?.mode !== 'list') throw new Error(`no listed resource ${kind}`);
  return resource;
}

describe('S3SnapshotWriter', () => {
  it('writes one gzipped List per kind from its pages, in the snapshot layout, without managedFields', async () => {
    const { objects, store } = memoryS3();
    const writer = new S3SnapshotWriter(objects, PREFIX);
    const pods = listed('Pod');
    const pod = (name: string): unknown => ({
      metadata: { name, namespace: 'default', managedFields: [{ manager: 'kubectl' }] },
    });
    await writer.page(pods, { source: 'p1', content: { items: [pod('a'), pod('b')] }, itemCount: 2 });
    await writer.page(pods, { source: 'p2', content: { items: [pod('c')] }, itemCount: 1 });
    await writer.finish({
      clusterName: 'drift-cluster',
      unavailableKinds: [{ kind: 'ClusterNetworkPolicy', reason: 'not installed', cause: 'not-installed' }],
    });
    const key = `${PREFIX}k8s/${pods.snapshotFile}.gz`;
    expect([...store.keys()].sort()).toEqual([key, `${PREFIX}snapshot.json.gz`].sort());
    expect(store.get(key)?.contentEncoding).toBe('gzip');
    const list = JSON.parse(gunzipSync(store.get(key)?.body ?? Buffer.alloc(0)).toString('utf8')) as {
      kind: string;
      items: { kind: string; metadata: Record<string, unknown> }[];
    };
    expect(list.kind).toBe('List');
    expect(list.items.map((item) => item.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(list.items.every((item) => item.kind === 'Pod' && !('managedFields' in item.metadata))).toBe(true);
  });
});

describe('S3SnapshotSource', () => {
  it('reads back the same inventory as the snapshot directory it was written from (same audit)', async () => {
    const { objects } = memoryS3();
    const directory = new SnapshotDirectory('examples/drift-cluster');
    const writer = new S3SnapshotWriter(objects, PREFIX);
    const { readFile, readdir } = await import('node:fs/promises');
    for (const file of (await readdir('examples/drift-cluster/k8s')).sort())
      await writer.putDocument(
        `k8s/${file}`,
        JSON.parse(await readFile(`examples/drift-cluster/k8s/${file}`, 'utf8')) as unknown,
      );
    for (const file of ['eks/cluster.json', 'eks/addon-vpc-cni.json'])
      await writer.putDocument(file, JSON.parse(await readFile(`examples/drift-cluster/${file}`, 'utf8')) as unknown);
    await writer.finish({ unavailableKinds: [] });
    const fromS3 = await new S3SnapshotSource(objects, PREFIX, 'drift-cluster').readInventory();
    const fromDirectory = await directory.readInventory();
    const source = { kind: 'snapshot', location: 'x' } as const;
    const options = { now: NOW, engineVersion: 'test' };
    expect(audit({ inventory: fromS3, source }, options).findings).toEqual(
      audit({ inventory: fromDirectory, source }, options).findings,
    );
    expect(fromS3.pods.length).toBe(fromDirectory.pods.length);
    expect(fromS3.eksCluster?.name).toBe('drift-cluster');
  });

  it('fails with a StoreError naming the object when a stored object is not gzip', async () => {
    const { objects, store } = memoryS3();
    store.set(`${PREFIX}k8s/pods.json.gz`, { body: Buffer.from('{"items":[]}') });
    await expect(new S3SnapshotSource(objects, PREFIX, 'c').readInventory()).rejects.toThrow(StoreError);
    await expect(new S3SnapshotSource(objects, PREFIX, 'c').readInventory()).rejects.toThrow(
      `s3://audit-reports/${PREFIX}k8s/pods.json.gz`,
    );
  });
});
