import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { InputError } from '#engine';

export const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const UTF16LE_BOM = [0xff, 0xfe] as const;
const UTF16BE_BOM = [0xfe, 0xff] as const;

export const NOT_UTF8 =
  'not valid UTF-8 text (binary content, or an encoding other than UTF-8 or UTF-16 with a byte order mark)';

export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** Decodes a file's bytes: UTF-8 (a BOM is dropped) or UTF-16 with its BOM (Windows PowerShell `>`). */
export function isUtf16(bytes: Uint8Array): boolean {
  return startsWith(bytes, UTF16LE_BOM) || startsWith(bytes, UTF16BE_BOM);
}

export function decodeText(bytes: Uint8Array, path: string): string {
  if (startsWith(bytes, UTF16LE_BOM)) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, UTF16BE_BOM)) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new InputError(NOT_UTF8, path);
  }
}

export function reasonOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'EACCES' || code === 'EPERM')
    return 'permission denied (the collector writes 0600 files: extract the tarball as the user who audits, or chown it)';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Refuses anything but a regular file (a FIFO, a device, a socket, a directory) by name before it is opened, so a
 * FIFO never blocks the read. Symbolic links are followed to what they name.
 */
export async function assertRegularFile(path: string): Promise<void> {
  let kind: Stats;
  try {
    kind = await stat(path);
  } catch (error) {
    throw new InputError(`cannot read file (${reasonOf(error)})`, path);
  }
  if (!kind.isFile()) throw new InputError('not a regular file (a FIFO, device, socket or directory); refused', path);
}

/** Reads one snapshot file as text (a regular file only, see `assertRegularFile`). */
export async function readSnapshotText(path: string): Promise<string> {
  await assertRegularFile(path);
  let bytes: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new InputError(`cannot read file (${reasonOf(error)})`, path);
  }
  try {
    return decodeText(bytes, path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read file as one text (${reasonOf(error)}; read whole, it is too large)`, path);
  }
}
