import {
  CopyObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3Objects } from '#adapters/s3/s3-objects';

export interface StoredObject {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly contentEncoding?: string;
}

/**
 * A one-bucket in-memory S3 behind the real SDK client (aws-sdk-client-mock): Put, Get, ListObjectsV2, Copy.
 * The scenario tier runs the same code against moto in server mode.
 */
export function memoryS3(bucket = 'audit-reports'): {
  objects: S3Objects;
  store: Map<string, StoredObject>;
  client: S3Client;
} {
  const store = new Map<string, StoredObject>();
  const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const mock = mockClient(client);
  mock
    .on(PutObjectCommand)
    .callsFake((input: { Key: string; Body: string | Uint8Array; ContentType?: string; ContentEncoding?: string }) => {
      store.set(input.Key, {
        body: Buffer.from(input.Body),
        ...(input.ContentType === undefined ? {} : { contentType: input.ContentType }),
        ...(input.ContentEncoding === undefined ? {} : { contentEncoding: input.ContentEncoding }),
      });
      return {};
    });
  mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const object = store.get(input.Key);
    if (object === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: { transformToByteArray: () => Promise.resolve(new Uint8Array(object.body)) } };
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
    Contents: [...store.keys()].filter((key) => key.startsWith(input.Prefix)).map((Key) => ({ Key })),
    IsTruncated: false,
  }));
  mock.on(CopyObjectCommand).callsFake((input: { Key: string; CopySource: string }) => {
    const from = decodeURIComponent(input.CopySource.slice(bucket.length + 1));
    const object = store.get(from);
    if (object === undefined) throw new NoSuchKey({ message: from, $metadata: {} });
    store.set(input.Key, object);
    return {};
  });
  return { objects: new S3Objects(client, bucket), store, client };
}
