/**
 * The parameter set one SendCommand gives every instance of a batch (../shared/spec/aws.md §A3): a presigned
 * POST made by @aws-sdk/s3-presigned-post with an STS session token must fit the document's maxChars and
 * patterns, and the document plus all parameter values must stay within the 64 KB document limit.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { accepts, document, PARAMETER_NAMES, YAML_TEXT } from './document';

const DOCUMENT_LIMIT_BYTES = 64 * 1024;
const MAX_INSTANCES_PER_COMMAND = 50;
/**
 * Session tokens of Lambda and assumed-role sessions are ~1,000-1,400 characters; STS gives no maximum. The
 * document is sized for tokens up to this length (about three times the usual).
 */
const SESSION_TOKEN_CHARS = 4096;
const LONGEST_BUCKET = 'b'.repeat(63);
const LONGEST_CLUSTER = 'c'.repeat(100);
const RUN_ID = '2026-12-03T13-20-00Z-0f3e9a1c';

function sessionToken(length: number): string {
  const body = 'IQoJb3JpZ2luX2VjE';
  return (body + 'Ab9+/z'.repeat(Math.ceil(length / 6))).slice(0, length);
}

function s3Client(region: string, dualstack: boolean, tokenChars: number): S3Client {
  return new S3Client({
    region,
    useDualstackEndpoint: dualstack,
    credentials: {
      accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
      secretAccessKey: 's'.repeat(40),
      sessionToken: sessionToken(tokenChars),
    },
  });
}

async function presignedPost(region: string, dualstack: boolean, tokenChars: number) {
  const post = await createPresignedPost(s3Client(region, dualstack, tokenChars), {
    Bucket: LONGEST_BUCKET,
    Key: `runs/${RUN_ID}/${LONGEST_CLUSTER}/nodes/\${filename}`,
    Conditions: [['content-length-range', 1, 10 * 1024 * 1024]],
    Expires: 900,
  });
  const fieldLines = Object.entries(post.fields).map(([name, value]) => `${name}=${value}`);
  return { url: post.url, fields: post.fields, postFields: Buffer.from(fieldLines.join('\n')).toString('base64') };
}

describe('SendCommand parameters of a batch upload by presigned POST', () => {
  test.each([
    ['us-east-1', false],
    ['ap-southeast-5', true],
    ['us-gov-west-1', true],
  ] as const)('a presigned POST for %s (dual-stack %s) passes PostUrl and PostFields', async (region, dualstack) => {
    // Act
    const post = await presignedPost(region, dualstack, SESSION_TOKEN_CHARS);

    // Assess
    expect(Object.keys(post.fields)).toEqual(expect.arrayContaining(['key', 'Policy', 'X-Amz-Security-Token']));
    expect(post.postFields.length).toBeLessThanOrEqual(document.parameters.PostFields.maxChars ?? 0);
    expect([post.url, accepts('PostUrl', post.url)]).toEqual([post.url, true]);
    expect(accepts('PostFields', post.postFields)).toBe(true);
  });

  test('maxChars of PostFields holds a token of the assumed size and no more than twice that', async () => {
    // Act
    const sized = await presignedPost('ap-southeast-5', true, SESSION_TOKEN_CHARS);
    const doubled = await presignedPost('ap-southeast-5', true, 2 * SESSION_TOKEN_CHARS);

    // Assess
    const maxChars = document.parameters.PostFields.maxChars ?? 0;
    expect(sized.postFields.length).toBeLessThanOrEqual(maxChars);
    expect(doubled.postFields.length).toBeGreaterThan(maxChars);
  });

  test('a presigned PUT URL with a session token of the assumed size passes UploadUrl', async () => {
    // Act
    const url = await getSignedUrl(
      s3Client('ap-southeast-5', true, SESSION_TOKEN_CHARS),
      new PutObjectCommand({ Bucket: LONGEST_BUCKET, Key: `runs/${RUN_ID}/${LONGEST_CLUSTER}/nodes/node-1.tar.gz` }),
      { expiresIn: 900 },
    );

    // Assess
    expect(url.length).toBeLessThanOrEqual(document.parameters.UploadUrl.maxChars ?? 0);
    expect(accepts('UploadUrl', url)).toBe(true);
  });

  test('the document with every parameter at its maxChars stays within the 64 KB content limit', () => {
    // Act
    const maxValues = PARAMETER_NAMES.map((name) => document.parameters[name].maxChars ?? 3);
    const total = Buffer.byteLength(YAML_TEXT) + maxValues.reduce((sum, chars) => sum + chars, 0);

    // Assess
    expect(total).toBeLessThanOrEqual(DOCUMENT_LIMIT_BYTES);
  });

  test('one parameter set serves a whole batch of 50 instances within the SendCommand limits', async () => {
    // Prepare
    const post = await presignedPost('eu-west-1', false, SESSION_TOKEN_CHARS);
    const instanceIds = Array.from(
      { length: MAX_INSTANCES_PER_COMMAND },
      (_, i) => `i-${i.toString(16).padStart(17, '0')}`,
    );
    const parameters = {
      UploadUrl: 'none',
      PostUrl: post.url,
      PostFields: post.postFields,
      NodeName: 'auto',
      TimeoutSeconds: '120',
      IncludeAgentLog: 'false',
    };

    // Act
    const rejected = PARAMETER_NAMES.filter((name) => !accepts(name, parameters[name]));
    const contentBytes =
      Buffer.byteLength(YAML_TEXT) +
      Object.values(parameters).reduce((sum, value) => sum + Buffer.byteLength(value), 0);

    // Assess
    expect(rejected).toEqual([]);
    expect(instanceIds).toHaveLength(MAX_INSTANCES_PER_COMMAND);
    expect(contentBytes).toBeLessThanOrEqual(DOCUMENT_LIMIT_BYTES);
  });
});
