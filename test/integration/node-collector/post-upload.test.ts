/**
 * The collector's batch upload by presigned S3 POST, for real: the POST is made by @aws-sdk/s3-presigned-post
 * against moto in server mode (127.0.0.1), the document's script runs as SSM would start it, and the object is
 * read back from moto. No root needed: the node state is absent (no aws-eks-na-cli), only the upload matters.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import {
  nodeJsonSchema,
  runCollector,
  runCollectorFailure,
  sha256,
  unpack,
  type CollectorParameters,
  type Interpolation,
} from './collector-run';
import { startMotoServer, type MotoServer } from './moto-server';
import { run } from './process';

jest.setTimeout(120_000);

const BUCKET = 'netpol-audit-test';
const INSTANCE_ID = 'i-0123456789abcdef0';
const RUN_ID = '2026-12-03T13-20-00Z-0f3e9a1c';
const CLUSTER = 'prod-1';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjE${'Ab9+/z'.repeat(210)}`;

const wrap = (command: string, args: readonly string[], env: NodeJS.ProcessEnv) => run(command, args, { env });
const wrapAllowingFailure = (command: string, args: readonly string[], env: NodeJS.ProcessEnv) =>
  run(command, args, { env, allowFailure: true });

function encodeFields(fields: Readonly<Record<string, string>>): string {
  const lines = Object.entries(fields).map(([name, value]) => `${name}=${value}`);
  return Buffer.from(lines.join('\n')).toString('base64');
}

describe('collect-node-policy-state upload by presigned POST to moto', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let work: string;

  beforeAll(async () => {
    moto = await startMotoServer();
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
        secretAccessKey: 's'.repeat(40),
        sessionToken: SESSION_TOKEN,
      },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    work = mkdtempSync(join(tmpdir(), 'npc-post-'));
  });

  afterAll(async () => {
    s3.destroy();
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  });

  async function postParameters(bucket: string, prefix = `runs/${RUN_ID}/${CLUSTER}/nodes/`) {
    const post = await createPresignedPost(s3, {
      Bucket: bucket,
      Key: `${prefix}\${filename}`,
      Conditions: [['content-length-range', 1, 10 * 1024 * 1024]],
      Expires: 900,
    });
    const parameters: CollectorParameters = {
      UploadUrl: 'none',
      PostUrl: `${post.url}/`,
      PostFields: encodeFields(post.fields),
      NodeName: 'auto',
      TimeoutSeconds: '60',
      IncludeAgentLog: 'false',
    };
    return { parameters, fields: post.fields };
  }

  function collectorEnv(name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      NPC_NA_CLI: join(work, 'absent/aws-eks-na-cli'),
      NPC_BPF_ROOT: join(work, 'absent-bpf'),
      NPC_OUT_DIR: join(work, `${name}-out`),
      NPC_ALLOW_LOOPBACK_HTTP: '1',
      NPC_CMD_TIMEOUT: '5',
      AWS_SSM_INSTANCE_ID: INSTANCE_ID,
      ...extra,
    };
  }

  async function readObject(key: string): Promise<Buffer> {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    if (object.Body === undefined) throw new Error(`no body for ${key}`);
    return Buffer.from(await object.Body.transformToByteArray());
  }

  test.each<[Interpolation]>([['env-var'], ['text']])(
    'uploads the bundle as runs/<run>/<cluster>/nodes/<instance id>.tar.gz (%s interpolation)',
    async (interpolation) => {
      // Prepare
      const { parameters } = await postParameters(BUCKET);
      const env = collectorEnv(`ok-${interpolation}`);

      // Act
      const result = await runCollector(join(work, `ok-${interpolation}.sh`), parameters, env, wrap, interpolation);
      const body = await readObject(`runs/${RUN_ID}/${CLUSTER}/nodes/${INSTANCE_ID}.tar.gz`);
      const files = await unpack(body, join(work, `ok-${interpolation}.tar.gz`), join(work, `ok-${interpolation}-x`));

      // Assess
      expect(result.summary).toMatchObject({ upload: 'ok', uploadMode: 'post', httpStatus: 204, node: INSTANCE_ID });
      expect(result.summary.instanceId).toBe(INSTANCE_ID);
      expect(result.stdoutLines).toHaveLength(1);
      expect(sha256(body)).toBe(result.summary.sha256);
      expect(files).toContain(`nodes/${INSTANCE_ID}/node.json`);
      const nodeJson = nodeJsonSchema.parse(
        JSON.parse(readFileSync(join(work, `ok-${interpolation}-x/nodes/${INSTANCE_ID}/node.json`), 'utf8')),
      );
      expect(nodeJson.nodeName).toBe(INSTANCE_ID);
      expect(readdirSync(String(env.NPC_OUT_DIR)).filter((f) => /curl|post-fields/.test(f))).toEqual([]);
    },
  );

  test('a POST refused by S3 (no such bucket) says so in the summary and returns the bundle on stdout', async () => {
    // Prepare
    const { parameters } = await postParameters('netpol-audit-absent');

    // Act
    const result = await runCollector(join(work, 'refused.sh'), parameters, collectorEnv('refused'), wrap);

    // Assess
    expect(result.summary).toMatchObject({ upload: 'failed', uploadMode: 'post', httpStatus: 404, fallback: 'base64' });
    expect(result.summary.uploadError).toMatch(/curl exit 22: .*404/);
    expect(result.stdoutLines[1]).toMatch(/^netpol-audit-bundle-base64:[A-Za-z0-9+/]+=*$/);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'runs/' }));
    expect((listed.Contents ?? []).every((object) => object.Key?.endsWith(`/nodes/${INSTANCE_ID}.tar.gz`))).toBe(true);
  });

  test.each([
    [
      'a key outside runs/<run>/<cluster>/nodes/',
      { key: 'other/place/${filename}' },
      /field key is unknown or malformed/,
    ],
    ['a key without ${filename}', { key: `runs/${RUN_ID}/${CLUSTER}/nodes/fixed.tar.gz` }, /field key/],
    ['an unknown field', { 'x-amz-meta-note': 'hello' }, /field x-amz-meta-note is unknown/],
    ['a value with a quote', { 'X-Amz-Date': `20261203T132000Z"` }, /field X-Amz-Date is unknown or malformed/],
    ['a value with a newline inside', { Policy: 'eyJ9\nurl=https://evil.example/' }, /field url is unknown/],
  ])('refuses PostFields with %s before collecting anything', async (_label, override, message) => {
    // Prepare
    const { parameters, fields } = await postParameters(BUCKET);
    const tampered = { ...parameters, PostFields: encodeFields({ ...fields, ...override }) };

    // Act
    const result = await runCollectorFailure(
      join(work, 'tampered.sh'),
      tampered,
      collectorEnv('tampered'),
      wrapAllowingFailure,
    );

    // Assess
    expect(result.error).toMatch(message);
    expect(result.stdoutLines).toHaveLength(1);
  });

  const withoutPolicy = (fields: Record<string, string>): string =>
    encodeFields(Object.fromEntries(Object.entries(fields).filter(([name]) => name !== 'Policy')));

  test.each([
    ['no Policy', withoutPolicy, /lacks the field Policy/],
    [
      'a repeated key',
      (fields: Record<string, string>) =>
        Buffer.from(`${Buffer.from(encodeFields(fields), 'base64').toString()}\nkey=${fields.key ?? ''}`).toString(
          'base64',
        ),
      /repeats field key/,
    ],
  ])('refuses PostFields with %s', async (_label, encode, message) => {
    // Prepare
    const { parameters, fields } = await postParameters(BUCKET);

    // Act
    const result = await runCollectorFailure(
      join(work, 'incomplete.sh'),
      { ...parameters, PostFields: encode(fields) },
      collectorEnv('incomplete'),
      wrapAllowingFailure,
    );

    // Assess
    expect(result.error).toMatch(message);
  });

  test('PostUrl without an instance id (no AWS_SSM_INSTANCE_ID, no IMDS) is refused', async () => {
    // Prepare
    const { parameters } = await postParameters(BUCKET);
    const env = collectorEnv('no-id', { AWS_SSM_INSTANCE_ID: '', NPC_IMDS_ENDPOINT: 'http://127.0.0.1:9' });

    // Act
    const result = await runCollectorFailure(join(work, 'no-id.sh'), parameters, env, wrapAllowingFailure);

    // Assess
    expect(result.error).toMatch(/no EC2 instance id/);
  });
});
