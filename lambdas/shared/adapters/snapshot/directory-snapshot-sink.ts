import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SNAPSHOT_PATHS, type SnapshotManifest } from '#engine';
import type { LiveSnapshotSink } from '../eks/eks-live-source';
import type { ListPage } from '../kubernetes/kubernetes-reader';
import type { ListedResource, NamedResource } from '../kubernetes/resources';
import { SNAPSHOT_DIRECTORY_MODE, SNAPSHOT_FILE_MODE, SnapshotWriter } from '../kubernetes/snapshot-writer';

/**
 * A live EKS read written as a snapshot directory (docs/snapshot.md), the layout `audit --snapshot` reads: the
 * Kubernetes objects projected as they arrive (no secrets kept), the EKS responses under `eks/`, `snapshot.json`.
 * Directories 0700, files 0600.
 */
export class DirectorySnapshotSink implements LiveSnapshotSink {
  private readonly writer: SnapshotWriter;
  private created = false;

  /** `root` and its `k8s/` are created (0700) with the first write: a read that fails first leaves nothing. */
  constructor(private readonly root: string) {
    this.writer = new SnapshotWriter(root);
  }

  private async ready(): Promise<void> {
    if (this.created) return;
    await mkdir(join(this.root, SNAPSHOT_PATHS.kubernetesDirectory), {
      recursive: true,
      mode: SNAPSHOT_DIRECTORY_MODE,
    });
    this.created = true;
  }

  async page(resource: ListedResource, page: ListPage): Promise<void> {
    await this.ready();
    await this.writer.page(resource, page);
  }

  async object(resource: NamedResource, source: string, object: unknown): Promise<void> {
    await this.ready();
    await this.writer.object(resource, source, object);
  }

  async putDocument(path: string, content: unknown): Promise<void> {
    await this.ready();
    const file = join(this.root, path);
    await mkdir(dirname(file), { recursive: true, mode: SNAPSHOT_DIRECTORY_MODE });
    await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: SNAPSHOT_FILE_MODE });
  }

  async finish(manifest: SnapshotManifest): Promise<void> {
    await this.ready();
    await this.writer.finish(manifest.unavailableKinds.map((entry) => entry.kind));
    await this.writer.manifest(manifest);
  }
}
