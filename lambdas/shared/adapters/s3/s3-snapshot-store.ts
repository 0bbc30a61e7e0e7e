import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import {
  InventoryAccumulator,
  SNAPSHOT_PATHS,
  SnapshotManifest,
  StoreError,
  kubernetesDocumentPath,
  type ClusterInventory,
  type ClusterSource,
  type KubernetesDocument,
} from '#engine';
import type { ListPage, PageSink } from '../kubernetes/kubernetes-reader';
import type { ListedResource, NamedResource } from '../kubernetes/resources';
import type { S3Objects } from './s3-objects';

export const GZIP_SUFFIX = '.gz';

const PageItems = z.looseObject({ items: z.array(z.unknown()).nullable() });

interface OpenList {
  readonly resource: ListedResource;
  readonly members: Buffer[];
  count: number;
}

/**
 * Writes the raw inputs of one cluster to S3 in the snapshot layout, each object gzipped once (`<path>.gz`).
 * A kind's List arrives page by page: each page's items are compressed as they come (gzip members, which
 * concatenate into one valid gzip stream), so only compressed bytes are held until the kind's object is put.
 */
export class S3SnapshotWriter implements PageSink {
  private open: OpenList | undefined;
  private readonly written: string[] = [];

  constructor(
    private readonly objects: S3Objects,
    private readonly prefix: string,
  ) {}

  get keys(): readonly string[] {
    return this.written;
  }

  async page(resource: ListedResource, page: ListPage): Promise<void> {
    if (this.open?.resource !== resource) {
      await this.closeList();
      this.open = { resource, members: [gzipSync(`{"apiVersion":"v1","kind":"List","items":[`)], count: 0 };
    }
    const parsed = PageItems.safeParse(page.content);
    const items = parsed.success ? (parsed.data.items ?? []) : [];
    if (items.length === 0) return;
    const separator = this.open.count === 0 ? '' : ',';
    const text = items.map((item) => `\n${JSON.stringify(withKind(item, resource))}`).join(',');
    this.open.members.push(gzipSync(`${separator}${text}`));
    this.open.count += items.length;
  }

  async object(resource: NamedResource, _source: string, object: unknown): Promise<void> {
    await this.closeList();
    await this.putDocument(kubernetesDocumentPath(resource.snapshotFile), withKind(object, resource));
  }

  /** `eks/cluster.json`, `eks/addon-vpc-cni.json`: the DescribeCluster / DescribeAddon responses. */
  async putDocument(path: string, content: unknown): Promise<void> {
    const key = `${this.prefix}${path}${GZIP_SUFFIX}`;
    await this.objects.putGzipped(key, JSON.stringify(content));
    this.written.push(key);
  }

  /** Ends the last List and writes `snapshot.json`. */
  async finish(manifest: SnapshotManifest): Promise<void> {
    await this.closeList();
    await this.putDocument(SNAPSHOT_PATHS.manifest, manifest);
  }

  private async closeList(): Promise<void> {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    open.members.push(gzipSync('\n]}\n'));
    const key = `${this.prefix}${kubernetesDocumentPath(open.resource.snapshotFile)}${GZIP_SUFFIX}`;
    await this.objects.put(key, Buffer.concat(open.members), 'application/json', 'gzip');
    this.written.push(key);
  }
}

const ObjectWithMetadata = z.looseObject({ metadata: z.looseObject({}) });

function withKind(object: unknown, resource: ListedResource | NamedResource): unknown {
  const parsed = ObjectWithMetadata.safeParse(object);
  if (!parsed.success) return object;
  const metadata = { ...parsed.data.metadata };
  delete metadata.managedFields;
  return { apiVersion: resource.apiVersion, kind: resource.kind, ...parsed.data, metadata };
}

/**
 * The snapshot of a run read back from S3 (`ClusterSource`): each kind's object is decompressed, projected by the
 * engine and dropped before the next is read.
 */
export class S3SnapshotSource implements ClusterSource {
  constructor(
    private readonly objects: S3Objects,
    private readonly prefix: string,
    private readonly clusterName: string,
  ) {}

  async readInventory(): Promise<ClusterInventory> {
    const k8sPrefix = `${this.prefix}${SNAPSHOT_PATHS.kubernetesDirectory}/`;
    const accumulator = new InventoryAccumulator(this.clusterName);
    for (const key of await this.objects.listKeys(k8sPrefix)) {
      if (!key.endsWith(`.json${GZIP_SUFFIX}`)) continue;
      const document = await this.document(key);
      if (document !== undefined) accumulator.addDocument(document);
    }
    const eksCluster = await this.document(`${this.prefix}${SNAPSHOT_PATHS.eksCluster}${GZIP_SUFFIX}`);
    const vpcCniAddon = await this.document(`${this.prefix}${SNAPSHOT_PATHS.vpcCniAddon}${GZIP_SUFFIX}`);
    const manifestKey = `${this.prefix}${SNAPSHOT_PATHS.manifest}${GZIP_SUFFIX}`;
    const manifest = await this.document(manifestKey);
    const parsedManifest = manifest === undefined ? undefined : SnapshotManifest.safeParse(manifest.content);
    if (parsedManifest?.success === false)
      throw new StoreError(this.objects.location(manifestKey), 'not a snapshot manifest');
    return accumulator.finish({
      ...(eksCluster === undefined ? {} : { eksCluster }),
      ...(vpcCniAddon === undefined ? {} : { vpcCniAddon }),
      ...(parsedManifest === undefined ? {} : { unavailableKinds: parsedManifest.data.unavailableKinds }),
      ...(parsedManifest?.data.vpcCniAddonNotInstalled === true ? { vpcCniAddonNotInstalled: true } : {}),
    });
  }

  private async document(key: string): Promise<KubernetesDocument | undefined> {
    const text = await this.objects.getGunzipped(key);
    if (text === undefined) return undefined;
    try {
      return { source: this.objects.location(key), content: JSON.parse(text) as unknown };
    } catch (error) {
      throw new StoreError(this.objects.location(key), `invalid JSON (${String(error)})`);
    }
  }
}
