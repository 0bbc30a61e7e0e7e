import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

function filesUnder(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** A collector bundle as the script makes it (`tar -czf - nodes/<name>`) from an example node directory. */
export async function nodeBundle(nodeDirectory: string, bundledName: string): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  });
  const finished = new Promise<void>((resolve) => archive.on('end', resolve));
  for (const path of filesUnder(nodeDirectory)) {
    archive.entry({ name: `nodes/${bundledName}/${relative(nodeDirectory, path)}` }, readFileSync(path));
  }
  archive.finalize();
  await finished;
  return gzipSync(Buffer.concat(chunks));
}
