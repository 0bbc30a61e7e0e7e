import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createNodeUploadPolicy, encodePostFields, MAX_NODE_BUNDLE_BYTES } from '#adapters/s3/presigned-post';
import { accepts } from '../../ssm-documents/document';

const client = new S3Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 's'.repeat(40) },
});
const PREFIX = 'runs/run-1/prod-a/nodes/';

const Policy = z.object({ expiration: z.string(), conditions: z.array(z.unknown()) });

function decodedPolicy(fields: readonly (readonly [string, string])[]): z.infer<typeof Policy> {
  const policy = new Map(fields).get('Policy') ?? '';
  return Policy.parse(JSON.parse(Buffer.from(policy, 'base64').toString('utf8')));
}

describe('createNodeUploadPolicy', () => {
  it('signs one POST policy for the batch: the bucket, starts-with the node prefix, a size range and a short expiry', async () => {
    const before = Date.now();
    const policy = await createNodeUploadPolicy(client, {
      bucket: 'audit-reports',
      keyPrefix: PREFIX,
      expiresSeconds: 600,
    });
    expect(policy.url).toBe('https://audit-reports.s3.eu-west-1.amazonaws.com/');
    expect(accepts('PostUrl', policy.url)).toBe(true);
    const fields = new Map(policy.fields);
    expect(fields.get('bucket')).toBe('audit-reports');
    expect(fields.get('key')).toBe(`${PREFIX}\${filename}`);
    const decoded = decodedPolicy(policy.fields);
    expect(decoded.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'audit-reports' },
        ['starts-with', '$key', PREFIX],
        ['content-length-range', 1, MAX_NODE_BUNDLE_BYTES],
      ]),
    );
    expect(decoded.conditions).not.toContainEqual({ key: expect.anything() as unknown });
    const expiresIn = Date.parse(decoded.expiration) - before;
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(601_000);
  });

  it('refuses an expiry beyond 15 minutes', async () => {
    await expect(
      createNodeUploadPolicy(client, { bucket: 'b-1', keyPrefix: PREFIX, expiresSeconds: 901 }),
    ).rejects.toThrow(RangeError);
  });

  it('encodes the fields as base64 name=value lines in order, accepted by the document', async () => {
    const policy = await createNodeUploadPolicy(client, {
      bucket: 'audit-reports',
      keyPrefix: PREFIX,
      expiresSeconds: 60,
    });
    const encoded = encodePostFields(policy.fields);
    const lines = Buffer.from(encoded, 'base64').toString('utf8').split('\n');
    expect(lines.map((line) => line.slice(0, line.indexOf('=')))).toEqual(policy.fields.map(([name]) => name));
    expect(lines[0]).toBe('bucket=audit-reports');
    expect(accepts('PostFields', encoded)).toBe(true);
  });
});
