import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { InputError, SNAPSHOT_PATHS, type RawNodeOutput } from '#engine';
import type { S3Objects } from './s3-objects';

/** Bounds what one node bundle may expand to (the collector's outputs are a few MB). */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

/**
 * The files of one collector bundle (`tar -czf ... nodes/<NodeName>`), as paths relative to the node directory.
 * The node directory inside the bundle is named after the instance id (NodeName=auto) or the node.
 */
export async function unpackNodeBundle(bundle: Uint8Array, location: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const nodeFiles of (await unpackNodeBundleByDirectory(bundle, location)).values())
    for (const [file, content] of nodeFiles) files.set(file, content);
  return files;
}

/** The files of a bundle per `nodes/<directory>/` it holds, paths relative to that directory. */
export async function unpackNodeBundleByDirectory(
  bundle: Uint8Array,
  location: string,
): Promise<Map<string, Map<string, string>>> {
  let tar: Buffer;
  try {
    tar = gunzipSync(bundle, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw new InputError(`not a gzip node bundle (${String(error)})`, location);
  }
  const directories = new Map<string, Map<string, string>>();
  const extractor = extract();
  const done = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      });
      stream.on('end', () => {
        const parts = header.name.replace(/^\.\//, '').split('/');
        const directory = parts[1];
        if (
          header.type === 'file' &&
          parts[0] === SNAPSHOT_PATHS.nodesDirectory &&
          directory !== undefined &&
          parts.length > 2
        ) {
          const files = directories.get(directory) ?? new Map<string, string>();
          files.set(parts.slice(2).join('/'), Buffer.concat(chunks).toString('utf8'));
          directories.set(directory, files);
        }
        next();
      });
      stream.resume();
    });
    extractor.on('finish', resolve);
    extractor.on('error', (error: Error) => {
      reject(new InputError(`not a tar node bundle (${error.message})`, location));
    });
  });
  Readable.from([tar]).pipe(extractor);
  await done;
  return directories;
}

/** A bundle as the collector script makes it (`tar -czf - nodes/<directory>`), from a node's files by path. */
export async function packNodeBundle(
  files: ReadonlyMap<string, string | Uint8Array>,
  directory: string,
): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  });
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b)))
    archive.entry({ name: `${SNAPSHOT_PATHS.nodesDirectory}/${directory}/${path}` }, Buffer.from(content));
  archive.finalize();
  await finished;
  return gzipSync(Buffer.concat(chunks));
}

/** Reads the uploaded bundle of each instance and names its outputs after the Kubernetes node. */
export class S3NodeBundles {
  constructor(private readonly objects: S3Objects) {}

  /** `undefined` when the node uploaded nothing. */
  async read(key: string, nodeName: string): Promise<RawNodeOutput | undefined> {
    const bytes = await this.objects.getBytes(key);
    if (bytes === undefined) return undefined;
    const location = this.objects.location(key);
    return { nodeName, sourceDirectory: location, files: await unpackNodeBundle(bytes, location) };
  }
}
