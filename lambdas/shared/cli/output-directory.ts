import { constants } from 'node:fs';
import { access, mkdir, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '#engine';

/** Kernel pseudo-filesystems (statfs f_type): procfs and sysfs, where Node's recursive mkdir spins for ever. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
]);

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function nearestExisting(path: string): Promise<string> {
  let candidate = path;
  for (;;) {
    try {
      await stat(candidate);
      return candidate;
    } catch {
      const parent = dirname(candidate);
      if (parent === candidate) return candidate;
      candidate = parent;
    }
  }
}

async function refuseUnwritable(existing: string, outDirectory: string): Promise<void> {
  const found = await stat(existing);
  if (!found.isDirectory())
    throw new InputError(`${existing} exists and is not a directory; choose another --out`, outDirectory);
  const filesystem = PSEUDO_FILESYSTEMS.get((await statfs(existing)).type);
  if (filesystem !== undefined)
    throw new InputError(`is on ${filesystem}, a kernel pseudo-filesystem; choose another --out`, outDirectory);
  try {
    await access(existing, constants.W_OK);
  } catch {
    throw new InputError(`${existing} is not writable; choose another --out`, outDirectory);
  }
}

/**
 * Makes the output directory, or refuses it with the path and the reason before any report is written: a file, a
 * directory that cannot be written, a kernel pseudo-filesystem.
 */
export async function prepareOutputDirectory(outDirectory: string, mode?: number): Promise<void> {
  await refuseUnwritable(await nearestExisting(resolve(outDirectory)), outDirectory);
  try {
    await mkdir(outDirectory, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  } catch (error) {
    throw new InputError(`cannot create the output directory (${reasonOf(error)})`, outDirectory);
  }
}

/** Writes one output file, naming the path and the reason when it cannot. */
export async function writeOutputFile(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    throw new InputError(`cannot write (${reasonOf(error)})`, path);
  }
}
