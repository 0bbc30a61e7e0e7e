import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError, nodeOutputPath, SNAPSHOT_PATHS, type RawNodeOutput, type SnapshotManifest } from '#engine';
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
    await this.putFile(path, `${JSON.stringify(content, null, 2)}\n`);
  }

  private async putFile(path: string, content: string): Promise<void> {
    await this.ready();
    const file = join(this.root, path);
    await mkdir(dirname(file), { recursive: true, mode: SNAPSHOT_DIRECTORY_MODE });
    await writeFile(file, content, { mode: SNAPSHOT_FILE_MODE });
  }

  /** `nodes/<node>/<file>` of one collected node; a path that would leave the node's directory is refused. */
  async putNodeOutput(output: RawNodeOutput): Promise<void> {
    for (const [file, content] of output.files) {
      const parts = [output.nodeName, ...file.split('/')];
      if (parts.some((part) => part === '' || part === '.' || part === '..'))
        throw new InputError(`node bundle path ${file} leaves nodes/${output.nodeName}/`, output.sourceDirectory);
      await this.putFile(nodeOutputPath(output.nodeName, file), content);
    }
  }

  async finish(manifest: SnapshotManifest): Promise<void> {
    await this.ready();
    await this.writer.finish(manifest.unavailableKinds.map((entry) => entry.kind));
    await this.writer.manifest(manifest);
  }
}
