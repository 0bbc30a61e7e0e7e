import {
  CopyObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { z } from 'zod';
import { StoreError } from '#engine';

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The small set of S3 operations the service needs, on one bucket; every failure is a `StoreError` naming the key. */
export class S3Objects {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  location(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, `${JSON.stringify(value, null, 2)}\n`, 'application/json');
  }

  async put(key: string, body: string | Uint8Array, contentType: string, contentEncoding?: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ...(contentEncoding === undefined ? {} : { ContentEncoding: contentEncoding }),
        }),
      );
    } catch (error) {
      throw new StoreError(this.location(key), `cannot write (${messageOf(error)})`);
    }
  }

  /** Stored gzipped, once: the object is `<key>` with `.gz` already in its name. */
  async putGzipped(key: string, text: string, contentType = 'application/json'): Promise<void> {
    await this.put(key, gzipSync(text), contentType, 'gzip');
  }

  /** The object's bytes, or `undefined` when there is no such key. */
  async getBytes(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (response.Body === undefined) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw new StoreError(this.location(key), `cannot read (${messageOf(error)})`);
    }
  }

  async getGunzipped(key: string): Promise<string | undefined> {
    const bytes = await this.getBytes(key);
    if (bytes === undefined) return undefined;
    try {
      return gunzipSync(bytes).toString('utf8');
    } catch (error) {
      throw new StoreError(this.location(key), `not gzip data (${messageOf(error)})`);
    }
  }

  /** The JSON object at `key` parsed with `schema`; `undefined` when absent; a `StoreError` when it does not parse. */
  async getJson<Schema extends z.ZodType>(key: string, schema: Schema): Promise<z.output<Schema> | undefined> {
    const bytes = await this.getBytes(key);
    if (bytes === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    } catch (error) {
      throw new StoreError(this.location(key), `invalid JSON (${messageOf(error)})`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StoreError(
        this.location(key),
        `unexpected content at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
      );
    }
    return parsed.data;
  }

  async requireJson<Schema extends z.ZodType>(key: string, schema: Schema): Promise<z.output<Schema>> {
    const value = await this.getJson(key, schema);
    if (value === undefined) throw new StoreError(this.location(key), 'no such object');
    return value;
  }

  /** Every key under `prefix` (all pages). */
  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw new StoreError(this.location(prefix), `cannot list (${messageOf(error)})`);
    }
    return keys.sort();
  }

  /** Server-side copy inside the bucket (objects keep their gzip encoding: stored once, never re-compressed). */
  async copy(fromKey: string, toKey: string): Promise<void> {
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    } catch (error) {
      throw new StoreError(this.location(toKey), `cannot copy from ${fromKey} (${messageOf(error)})`);
    }
  }
}
