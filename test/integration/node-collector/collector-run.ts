import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { run } from './process';

export const DOCUMENT_PATH = join(__dirname, '../../../ssm-documents/collect-node-policy-state.yaml');

const documentSchema = z.object({
  parameters: z.record(z.string(), z.object({ allowedPattern: z.string() })),
  mainSteps: z.tuple([
    z.object({ action: z.literal('aws:runShellScript'), inputs: z.object({ runCommand: z.tuple([z.string()]) }) }),
  ]),
});

export interface CollectorParameters {
  readonly UploadUrl: string;
  readonly PostUrl?: string;
  readonly PostFields?: string;
  readonly NodeName: string;
  readonly TimeoutSeconds: string;
  readonly IncludeAgentLog: 'true' | 'false';
}

/**
 * How the SSM agent hands the parameters to the script: `env-var` (agent >= 3.3.2746.0 with the document's
 * interpolationType ENV_VAR: `SSM_<name>` variables) or `text` (older agents: `{{ Name }}` replaced in the text).
 */
export type Interpolation = 'env-var' | 'text';

export interface RenderedCollector {
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
}

const LOOPBACK_PARAMETERS = new Set(['UploadUrl', 'PostUrl']);

/**
 * The document's script and environment as SSM would start them. Every value except a loopback UploadUrl or
 * PostUrl must satisfy the document's allowedPattern.
 */
export function renderCollector(parameters: CollectorParameters, interpolation: Interpolation): RenderedCollector {
  const document = documentSchema.parse(parse(readFileSync(DOCUMENT_PATH, 'utf8')));
  let script = document.mainSteps[0].inputs.runCommand[0];
  const env: Record<string, string> = {};
  const values = { PostUrl: 'none', PostFields: 'none', ...parameters };
  for (const [name, value] of Object.entries(values)) {
    const pattern = document.parameters[name]?.allowedPattern;
    if (pattern === undefined) throw new Error(`document has no parameter ${name}`);
    const loopback = LOOPBACK_PARAMETERS.has(name) && value.startsWith('http://127.0.0.1:');
    if (!loopback && !new RegExp(pattern).test(value)) throw new Error(`${name}=${value} violates ${pattern}`);
    if (interpolation === 'text') script = script.replaceAll(`{{ ${name} }}`, value);
    else env[`SSM_${name}`] = value;
  }
  if (interpolation === 'text' && script.includes('{{')) throw new Error('unsubstituted parameter left in the script');
  return { script, env };
}

export const summarySchema = z.object({
  collector: z.literal('eks-netpol-audit-node'),
  version: z.literal(1),
  ok: z.literal(true),
  node: z.string(),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  veths: z.number().int(),
  tcFiles: z.number().int(),
  maps: z.number().int(),
  pins: z.object({ programs: z.number().int(), maps: z.number().int() }),
  errors: z.number().int(),
  cli: z.boolean(),
  tc: z.boolean(),
  agentVersion: z.string(),
  complete: z.boolean(),
  upload: z.enum(['ok', 'failed', 'skipped']),
  uploadMode: z.enum(['put', 'post', 'none']),
  instanceId: z.string(),
  httpStatus: z.number().int(),
  uploadError: z.string(),
  fallback: z.enum(['none', 'base64', 'truncated']),
  firstError: z.string(),
});
export type CollectorSummary = z.infer<typeof summarySchema>;

export const nodeJsonSchema = z.object({
  schemaVersion: z.literal(1),
  nodeName: z.string(),
  kernel: z.string().min(1),
  os: z.string(),
  collectedAt: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
  durationSeconds: z.number().int().nonnegative(),
  tools: z.object({
    awsEksNaCli: z.boolean(),
    awsEksNaCliPath: z.string(),
    tc: z.boolean(),
    ip: z.boolean(),
    curl: z.boolean(),
    crictl: z.boolean(),
    apiclient: z.boolean(),
  }),
  agentVersion: z.string(),
  agentVersionSource: z.enum(['container-image', 'agent-log', 'none']),
  ipFamily: z.enum(['ipv4', 'ipv6', 'unknown']),
  bpffs: z.array(z.string()),
  pinRoot: z.string(),
  pinCounts: z.object({ programs: z.number().int(), maps: z.number().int() }),
  veths: z.array(z.string()),
  maps: z.array(z.object({ id: z.number().int(), name: z.string() })),
  unnamedMapIds: z.array(z.number().int()),
  agentLogIncluded: z.boolean(),
  complete: z.boolean(),
  errors: z.array(z.string()),
});
export type NodeJson = z.infer<typeof nodeJsonSchema>;

export interface CollectorOutput {
  readonly stdoutLines: readonly string[];
  readonly summary: CollectorSummary;
  readonly stderr: string;
  readonly durationMs: number;
}

export type Wrap = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
) => Promise<{ stdout: string; stderr: string }>;

/**
 * Runs the rendered script with `sh` (as SSM's runShellScript may; the script re-executes itself with bash),
 * through `wrap` (e.g. nsenter into the lab's mount namespace).
 */
export async function runCollector(
  scriptFile: string,
  parameters: CollectorParameters,
  env: NodeJS.ProcessEnv,
  wrap: Wrap,
  interpolation: Interpolation = 'env-var',
): Promise<CollectorOutput> {
  const { stdoutLines, first, stderr, durationMs } = await execute(scriptFile, parameters, env, wrap, interpolation);
  return { stdoutLines, summary: summarySchema.parse(first), stderr, durationMs };
}

export const failureSchema = z.object({
  collector: z.literal('eks-netpol-audit-node'),
  ok: z.literal(false),
  error: z.string().min(1),
});

/** Runs the script expecting it to refuse its input: exit 2 and one `ok:false` line naming the problem. */
export async function runCollectorFailure(
  scriptFile: string,
  parameters: CollectorParameters,
  env: NodeJS.ProcessEnv,
  wrap: Wrap,
): Promise<z.infer<typeof failureSchema> & { readonly stdoutLines: readonly string[] }> {
  const { stdoutLines, first } = await execute(scriptFile, parameters, env, wrap, 'env-var');
  return { ...failureSchema.parse(first), stdoutLines };
}

async function execute(
  scriptFile: string,
  parameters: CollectorParameters,
  env: NodeJS.ProcessEnv,
  wrap: Wrap,
  interpolation: Interpolation,
) {
  const rendered = renderCollector(parameters, interpolation);
  writeFileSync(scriptFile, rendered.script, { mode: 0o700 });
  const started = Date.now();
  const { stdout, stderr } = await wrap('sh', [scriptFile], { ...process.env, ...env, ...rendered.env });
  const stdoutLines = stdout.split('\n').filter((line) => line !== '');
  const line = stdoutLines[0];
  if (line === undefined) throw new Error(`collector printed nothing; stderr: ${stderr}`);
  return { stdoutLines, first: JSON.parse(line) as unknown, stderr, durationMs: Date.now() - started };
}

export interface UploadServer {
  readonly url: (path: string) => string;
  readonly received: Map<string, Buffer>;
  /** Paths answered with this status instead of 200. */
  readonly refuse: Map<string, number>;
  close(): Promise<void>;
}

/** A stand-in for the presigned S3 PUT endpoint, on 127.0.0.1 only. */
export async function startUploadServer(): Promise<UploadServer> {
  const received = new Map<string, Buffer>();
  const refuse = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const status = refuse.get(path);
      if (request.method !== 'PUT') {
        response.writeHead(405).end();
      } else if (status !== undefined) {
        response.writeHead(status).end('<Error><Code>AccessDenied</Code></Error>');
      } else {
        received.set(path, Buffer.concat(chunks));
        response.writeHead(200).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${String(port)}${path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0f1e`,
    received,
    refuse,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

export function sha256(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}

/** Unpacks a tar.gz into `dir` and lists the regular files in it (relative paths, sorted). */
export async function unpack(bundle: Buffer, archiveFile: string, dir: string): Promise<string[]> {
  writeFileSync(archiveFile, bundle);
  await run('mkdir', ['-p', dir]);
  await run('tar', ['-xzf', archiveFile, '-C', dir]);
  const { stdout } = await run('find', [dir, '-type', 'f', '-printf', '%P\\n']);
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}
