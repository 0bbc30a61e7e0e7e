/**
 * The presigned URL, the POST form fields and the IMDSv2 token must never be visible in a process's argv on the
 * node (`ps`). A slow HTTP endpoint on 127.0.0.1 (standing in for S3 and for the instance metadata service, which
 * do not exist here) holds each request open while the test samples /proc/<pid>/cmdline of every process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { runCollector, type CollectorParameters } from './collector-run';
import { run } from './process';

jest.setTimeout(60_000);

const HOLD_MS = 1200;
const SAMPLE_MS = 15;
const INSTANCE_ID = 'i-0fedcba9876543210';
const IMDS_TOKEN = 'AQAEAImdsTokenSecretMarker0123456789abcdef==';
const SESSION_TOKEN = `IQoJb3JpZ2luSessionSecretMarker${'Zq7'.repeat(200)}`;
const SIGNATURE = 'f'.repeat(24) + '0123456789abcdef'.repeat(2) + 'e'.repeat(8);

interface Received {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

interface SlowEndpoint {
  readonly base: string;
  readonly received: Received[];
  close(): Promise<void>;
}

function imdsAnswer(request: IncomingMessage): [number, string] | undefined {
  if (request.url === '/latest/api/token' && request.method === 'PUT')
    return request.headers['x-aws-ec2-metadata-token-ttl-seconds'] === undefined ? [400, ''] : [200, IMDS_TOKEN];
  if (request.url === '/latest/meta-data/instance-id')
    return request.headers['x-aws-ec2-metadata-token'] === IMDS_TOKEN ? [200, INSTANCE_ID] : [401, ''];
  return undefined;
}

async function startSlowEndpoint(): Promise<SlowEndpoint> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        body: Buffer.concat(chunks).toString('latin1'),
      });
      const [status, body] = imdsAnswer(request) ?? [request.method === 'POST' ? 204 : 200, ''];
      setTimeout(() => response.writeHead(status).end(body), HOLD_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${String(port)}`,
    received,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

/** Every distinct argv seen while `work` runs, and the modes of `watchedFile` whenever it existed. */
async function sampleProcesses<T>(watchedFile: string, work: () => Promise<T>) {
  const argvs = new Set<string>();
  const modes = new Set<number>();
  const sample = (): void => {
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        argvs.add(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim());
      } catch {
        // the process ended meanwhile
      }
    }
    try {
      modes.add(statSync(watchedFile).mode & 0o777);
    } catch {
      // not there at this moment
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  try {
    const result = await work();
    return { result, argvs: [...argvs].filter((argv) => argv !== ''), modes: [...modes] };
  } finally {
    clearInterval(timer);
  }
}

describe('collector secrets stay out of argv', () => {
  let endpoint: SlowEndpoint;
  let work: string;

  beforeAll(async () => {
    endpoint = await startSlowEndpoint();
    work = mkdtempSync(join(tmpdir(), 'npc-argv-'));
  });

  afterAll(async () => {
    await endpoint.close();
    rmSync(work, { recursive: true, force: true });
  });

  function collect(name: string, parameters: CollectorParameters, env: NodeJS.ProcessEnv) {
    const outDir = join(work, `${name}-out`);
    return sampleProcesses(join(outDir, 'curl.config'), () =>
      runCollector(
        join(work, `${name}.sh`),
        parameters,
        {
          NPC_NA_CLI: join(work, 'absent/aws-eks-na-cli'),
          NPC_BPF_ROOT: join(work, 'absent-bpf'),
          NPC_OUT_DIR: outDir,
          NPC_ALLOW_LOOPBACK_HTTP: '1',
          NPC_CMD_TIMEOUT: '5',
          ...env,
        },
        (command, args, e) => run(command, args, { env: e }),
      ),
    );
  }

  test('a presigned PUT URL reaches curl through a 0600 config file only', async () => {
    // Prepare
    const path = '/runs/r1/prod-1/nodes/node-1.tar.gz';
    const uploadUrl =
      `${endpoint.base}${path}?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
      `&X-Amz-Security-Token=${encodeURIComponent(SESSION_TOKEN)}&X-Amz-Signature=${SIGNATURE}`;
    const parameters: CollectorParameters = {
      UploadUrl: uploadUrl,
      NodeName: 'node-1',
      TimeoutSeconds: '60',
      IncludeAgentLog: 'false',
    };

    // Act
    const { result, argvs, modes } = await collect('put', parameters, {});

    // Assess
    expect(result.summary).toMatchObject({ upload: 'ok', uploadMode: 'put', httpStatus: 200 });
    expect(endpoint.received.some((r) => r.method === 'PUT' && r.url.startsWith(`${path}?`))).toBe(true);
    expect(argvs.filter((argv) => /\bcurl\b.* -K /.test(argv)).length).toBeGreaterThan(0);
    expect(argvs.filter((argv) => argv.includes(SIGNATURE) || argv.includes('SessionSecretMarker'))).toEqual([]);
    expect(modes).toEqual([0o600]);
  });

  test('POST form fields and the IMDSv2 token (NodeName auto) reach curl through a 0600 config file only', async () => {
    // Prepare
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: endpoint.base,
      forcePathStyle: true,
      credentials: {
        accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
        secretAccessKey: 's'.repeat(40),
        sessionToken: SESSION_TOKEN,
      },
    });
    const post = await createPresignedPost(s3, {
      Bucket: 'audit-bucket',
      Key: 'runs/r1/prod-1/nodes/${filename}',
      Expires: 900,
    });
    s3.destroy();
    const lines = Object.entries(post.fields).map(([name, value]) => `${name}=${value}`);
    const parameters: CollectorParameters = {
      UploadUrl: 'none',
      PostUrl: `${post.url}/`,
      PostFields: Buffer.from(lines.join('\n')).toString('base64'),
      NodeName: 'auto',
      TimeoutSeconds: '60',
      IncludeAgentLog: 'false',
    };
    const secrets = [IMDS_TOKEN, 'SessionSecretMarker', post.fields['X-Amz-Signature'] ?? '', post.fields.Policy ?? ''];

    // Act
    const { result, argvs, modes } = await collect('post', parameters, {
      AWS_SSM_INSTANCE_ID: '',
      NPC_IMDS_ENDPOINT: endpoint.base,
    });

    // Assess
    expect(result.summary).toMatchObject({
      upload: 'ok',
      uploadMode: 'post',
      node: INSTANCE_ID,
      instanceId: INSTANCE_ID,
    });
    const upload = endpoint.received.find((r) => r.method === 'POST');
    expect(upload?.body).toContain(`runs/r1/prod-1/nodes/${INSTANCE_ID}.tar.gz`);
    expect(upload?.body).toContain(`filename="${INSTANCE_ID}.tar.gz"`);
    expect(upload?.body.lastIndexOf('name="file"')).toBeGreaterThan(
      upload?.body.lastIndexOf('name="X-Amz-Signature"') ?? 0,
    );
    expect(secrets.every((secret) => secret.length > 16)).toBe(true);
    expect(argvs.filter((argv) => /\bcurl\b.* -K /.test(argv)).length).toBeGreaterThan(1);
    expect(argvs.filter((argv) => secrets.some((secret) => argv.includes(secret)))).toEqual([]);
    expect(modes).toEqual([0o600]);
  });
});
