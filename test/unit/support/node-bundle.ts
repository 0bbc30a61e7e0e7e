import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packNodeBundle } from '#adapters/s3/node-bundles';

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A collector bundle as the script makes it (`tar -czf - nodes/<name>`) from an example node directory. */
export function nodeBundle(nodeDirectory: string, bundledName: string): Promise<Buffer> {
  const files = new Map(filesUnder(nodeDirectory).map((path) => [relative(nodeDirectory, path), readFileSync(path)]));
  return packNodeBundle(files, bundledName);
}
