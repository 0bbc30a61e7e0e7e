import { isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { InputError, type ArrayStream, type InventoryAccumulator, type ObjectStream } from '#engine';
import { JsonSplitter, JsonStructureError, type SplitHandler } from './json-splitter';
import { assertRegularFile, isUtf16, NOT_UTF8, readSnapshotText, reasonOf, startsWith, UTF8_BOM } from './read-text';

/** Bytes per read: large enough that few items straddle two chunks, small beside the projected inventory. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

/** A byte that can never start a UTF-8 character (a continuation byte, an overlong or out-of-range lead). */
function cannotStartUtf8(byte: number): boolean {
  return (byte >= 0x80 && byte < 0xc2) || byte > 0xf4;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parses each piece the splitter finds with the native `JSON.parse` and hands it to the inventory. */
class InventoryHandler implements SplitHandler {
  array: ArrayStream | undefined;
  object: ObjectStream | undefined;

  constructor(
    private readonly path: string,
    private readonly source: string,
    private readonly accumulator: InventoryAccumulator,
  ) {}

  arrayStart(): void {
    this.array = this.accumulator.streamArray(this.source);
  }

  objectStart(): void {
    this.object = this.accumulator.streamObject(this.source);
  }

  element(bytes: Uint8Array, offset: number): void {
    this.array?.element(this.parse(bytes, offset));
  }

  member(key: Uint8Array, value: Uint8Array, offset: number): void {
    this.object?.member(String(this.parse(key, offset)), this.parse(value, offset));
  }

  itemsStart(): void {
    this.object?.beginItems();
  }

  item(bytes: Uint8Array, offset: number): void {
    this.object?.item(this.parse(bytes, offset));
  }

  scalar(bytes: Uint8Array, offset: number): void {
    this.accumulator.addDocument({ source: this.source, content: this.parse(bytes, offset) });
  }

  private parse(bytes: Uint8Array, offset: number): unknown {
    if (!isUtf8(bytes)) throw new InputError(NOT_UTF8, this.path);
    try {
      return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
    } catch (error) {
      throw new InputError(`invalid JSON (${messageOf(error)}, in the value that starts at byte ${offset})`, this.path);
    }
  }
}

async function readChunk(handle: FileHandle, size: number, path: string): Promise<Uint8Array> {
  try {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(buffer, 0, size, null);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw new InputError(`cannot read file (${reasonOf(error)})`, path);
  }
}

function structureError(error: JsonStructureError, path: string): InputError {
  if (error.found !== undefined && cannotStartUtf8(error.found)) return new InputError(NOT_UTF8, path);
  return new InputError(`invalid JSON (${error.message})`, path);
}

/** Feeds the file to the splitter chunk by chunk; `false` when the file is UTF-16 (read whole instead). */
async function splitFile(
  handle: FileHandle,
  splitter: JsonSplitter,
  path: string,
  chunkSize: number,
): Promise<boolean> {
  let chunk = await readChunk(handle, Math.max(chunkSize, 4), path);
  if (isUtf16(chunk)) return false;
  try {
    splitter.push(startsWith(chunk, UTF8_BOM) ? chunk.subarray(UTF8_BOM.length) : chunk);
    while (chunk.length > 0) {
      chunk = await readChunk(handle, chunkSize, path);
      splitter.push(chunk);
    }
    splitter.end();
  } catch (error) {
    throw error instanceof JsonStructureError ? structureError(error, path) : error;
  }
  return true;
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw new InputError(`cannot read file (${reasonOf(error)})`, path);
  }
}

async function addWhole(path: string, source: string, accumulator: InventoryAccumulator): Promise<void> {
  const text = await readSnapshotText(path);
  let content: unknown;
  try {
    content = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`invalid JSON (${messageOf(error)})`, path);
  }
  accumulator.addDocument({ source, content });
}

/**
 * Reads one `k8s/*.json` file into the inventory as a stream: each item of a List (or element of a bare array) is
 * parsed and projected as it arrives, so a file of any size is read in memory that grows with the projected objects,
 * not with the file. The guarantees of `readSnapshotText` hold: a FIFO or device is refused before it is opened, a
 * UTF-8 byte order mark is dropped, UTF-16 with a byte order mark is read (whole), invalid UTF-8 and invalid JSON
 * are refused with an `InputError` naming the file.
 */
export async function readKubernetesJson(
  path: string,
  source: string,
  accumulator: InventoryAccumulator,
  chunkSize: number = DEFAULT_CHUNK_SIZE,
): Promise<void> {
  await assertRegularFile(path);
  const handler = new InventoryHandler(path, source, accumulator);
  const handle = await openFile(path);
  let streamed: boolean;
  try {
    streamed = await splitFile(handle, new JsonSplitter(handler), path, chunkSize);
  } finally {
    await handle.close();
  }
  if (!streamed || handler.object?.end() === false) await addWhole(path, source, accumulator);
}
