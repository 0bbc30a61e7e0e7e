import { open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { projectForSnapshot } from './snapshot-projection';
import { kubernetesDocumentPath, SNAPSHOT_PATHS, SnapshotManifest } from '#engine';
import type { ListPage, PageSink } from './kubernetes-reader';
import type { ListedResource, NamedResource } from './resources';

const PageItems = z.object({ items: z.array(z.unknown()).nullable() }).loose();
/** Snapshot files may describe a whole cluster: readable by their owner only (the directory is 0700). */
export const SNAPSHOT_FILE_MODE = 0o600;
export const SNAPSHOT_DIRECTORY_MODE = 0o700;

/**
 * Writes what the reader fetches into a snapshot directory (docs/snapshot.md, paths from the engine's snapshot
 * layout) as it arrives: one `List` file per listed kind under `k8s/`, items appended page by page, one file per
 * named object, and `snapshot.json`. Only the current page is in memory. Each object is reduced to what the engine
 * reads (snapshot-projection.ts): no secrets kept. Files are 0600.
 */
export class SnapshotWriter implements PageSink {
  private current: { resource: ListedResource; handle: FileHandle; first: boolean } | undefined;
  readonly written = new Map<string, string>();

  /** `snapshotRoot` is the snapshot directory; its `k8s/` directory must exist. */
  constructor(private readonly snapshotRoot: string) {}

  private documentPath(resource: ListedResource | NamedResource): string {
    return join(this.snapshotRoot, kubernetesDocumentPath(resource.snapshotFile));
  }

  /** Validates and writes `snapshot.json`. */
  async manifest(manifest: SnapshotManifest): Promise<void> {
    const valid = SnapshotManifest.parse(manifest);
    await writeFile(join(this.snapshotRoot, SNAPSHOT_PATHS.manifest), `${JSON.stringify(valid, null, 2)}\n`, {
      mode: SNAPSHOT_FILE_MODE,
    });
  }

  async page(resource: ListedResource, page: ListPage): Promise<void> {
    if (this.current?.resource !== resource) {
      await this.closeCurrent();
      const path = this.documentPath(resource);
      const handle = await open(path, 'w', SNAPSHOT_FILE_MODE);
      await handle.write('{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[');
      this.current = { resource, handle, first: true };
      this.written.set(resource.kind, path);
    }
    const parsed = PageItems.safeParse(page.content);
    const items = parsed.success ? (parsed.data.items ?? []) : [];
    if (items.length === 0) return;
    const chunk = items
      .map((item) => `\n${JSON.stringify(projectForSnapshot(item, resource.apiVersion, resource.kind))}`)
      .join(',');
    await this.current.handle.write(this.current.first ? chunk : `,${chunk}`);
    this.current.first = false;
  }

  async object(resource: NamedResource, _source: string, object: unknown): Promise<void> {
    await this.closeCurrent();
    const path = this.documentPath(resource);
    const handle = await open(path, 'w', SNAPSHOT_FILE_MODE);
    try {
      await handle.write(
        `${JSON.stringify(projectForSnapshot(object, resource.apiVersion, resource.kind), null, 2)}\n`,
      );
    } finally {
      await handle.close();
    }
    this.written.set(resource.kind, path);
  }

  /** Closes the last file; removes the files of kinds that could not be read completely. */
  async finish(incompleteKinds: readonly string[]): Promise<void> {
    await this.closeCurrent();
    for (const kind of incompleteKinds) {
      const path = this.written.get(kind);
      if (path === undefined) continue;
      await rm(path, { force: true });
      this.written.delete(kind);
    }
  }

  private async closeCurrent(): Promise<void> {
    if (this.current === undefined) return;
    const { handle } = this.current;
    this.current = undefined;
    try {
      await handle.write('\n]}\n');
    } finally {
      await handle.close();
    }
  }
}
