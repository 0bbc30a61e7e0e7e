import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { S3Client } from '@aws-sdk/client-s3';

/** A node bundle is a few KB to a few MB; 64 MiB is a generous cap that still bounds what a node can write. */
export const MAX_NODE_BUNDLE_BYTES = 64 * 1024 * 1024;
/** Longest a batch's upload policy stays valid (the contract's bound). */
export const MAX_POST_EXPIRY_SECONDS = 15 * 60;

export interface NodeUploadPolicyRequest {
  readonly bucket: string;
  /** Every node of the batch may write only under this prefix (`runs/<runId>/<cluster>/nodes/`). */
  readonly keyPrefix: string;
  readonly expiresSeconds: number;
  readonly maxBytes?: number;
}

export interface NodeUploadPolicy {
  readonly url: string;
  /** Form fields in order; the node appends its file last, named `<instance id>.tar.gz`. */
  readonly fields: readonly (readonly [string, string])[];
}

/**
 * One presigned POST policy for a whole batch: `starts-with $key <prefix>`, a content-length range and a short
 * expiry. The key field uses `${filename}`, so each node's upload lands at `<prefix><instance id>.tar.gz`.
 */
export async function createNodeUploadPolicy(
  client: S3Client,
  request: NodeUploadPolicyRequest,
): Promise<NodeUploadPolicy> {
  if (request.expiresSeconds < 1 || request.expiresSeconds > MAX_POST_EXPIRY_SECONDS)
    throw new RangeError(`upload policy expiry must be 1..${String(MAX_POST_EXPIRY_SECONDS)} s`);
  const post = await createPresignedPost(client, {
    Bucket: request.bucket,
    Key: `${request.keyPrefix}\${filename}`,
    Conditions: [
      ['starts-with', '$key', request.keyPrefix],
      ['content-length-range', 1, request.maxBytes ?? MAX_NODE_BUNDLE_BYTES],
    ],
    Expires: request.expiresSeconds,
  });
  return { url: post.url, fields: Object.entries(post.fields) };
}

/** The collector's `PostFields` parameter: base64 of newline-separated `name=value` lines, in order. */
export function encodePostFields(fields: NodeUploadPolicy['fields']): string {
  return Buffer.from(fields.map(([name, value]) => `${name}=${value}`).join('\n'), 'utf8').toString('base64');
}
