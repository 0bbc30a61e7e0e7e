import { z } from 'zod';
import { NodeOutputParseError } from '../../errors';
import type { CollectionErrorCategory } from '../bundle';
import type { BundleErrors } from './errors';

export const NODE_JSON_FILE = 'node.json';

/** node.json `collector` of `--collect-nodes exec`: it runs in the aws-eks-nodeagent container, without tc. */
export const EXEC_COLLECTOR = 'exec';

export const EXEC_COLLECTOR_TC_REASON =
  "the exec collector runs in the aws-eks-nodeagent container, which cannot list the host's tc filters";

/** `node.json` as written by the SSM collector; every field optional (hand-made snapshots write fewer). */
export const NodeCollectionInfo = z.looseObject({
  schemaVersion: z.number().optional(),
  collector: z.string().optional(),
  nodeName: z.string().optional(),
  kernel: z.string().optional(),
  os: z.string().optional(),
  collectedAt: z.string().optional(),
  tools: z
    .looseObject({
      awsEksNaCli: z.boolean().optional(),
      awsEksNaCliPath: z.string().optional(),
      tc: z.boolean().optional(),
      ip: z.boolean().optional(),
      apiclient: z.boolean().optional(),
    })
    .optional(),
  agentVersion: z.string().optional(),
  agentVersionSource: z.string().optional(),
  ipFamily: z.string().optional(),
  bpffs: z.array(z.string()).optional(),
  pinRoot: z.string().optional(),
  pinCounts: z.looseObject({ programs: z.number().optional(), maps: z.number().optional() }).optional(),
  veths: z.array(z.string()).optional(),
  maps: z.array(z.looseObject({ id: z.number(), name: z.string() })).optional(),
  unnamedMapIds: z.array(z.number()).optional(),
  complete: z.boolean().optional(),
  errors: z.array(z.string()).optional(),
});
export type NodeCollectionInfo = z.infer<typeof NodeCollectionInfo>;

const ERROR_PATTERNS: readonly [RegExp, CollectionErrorCategory][] = [
  [/aws-eks-na-cli not found/i, 'cli-missing'],
  [/no bpffs mounted|bpf fs|bpffs/i, 'bpffs-not-mounted'],
  [/pin directory .* not found/i, 'pin-directory-missing'],
  [/bottlerocket/i, 'bottlerocket'],
  [/^tc not found/i, 'tc-missing'],
  [/time budget|timed out/i, 'timeout'],
  [/Failed to execute the cmd/, 'cli-error'],
];

export function categoriseCollectorError(message: string): CollectionErrorCategory {
  for (const [pattern, category] of ERROR_PATTERNS) if (pattern.test(message)) return category;
  return 'collector-error';
}

function lineOfJsonError(text: string, error: unknown): number {
  const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
  if (position === undefined) return 1;
  return text.slice(0, Number(position)).split('\n').length;
}

function parseNodeJson(text: string, errors: BundleErrors): NodeCollectionInfo | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    errors.parse.push(new NodeOutputParseError(NODE_JSON_FILE, lineOfJsonError(text, error), 'not valid JSON'));
    return null;
  }
  const parsed = NodeCollectionInfo.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue === undefined ? '' : issue.path.join('.');
  errors.parse.push(
    new NodeOutputParseError(
      NODE_JSON_FILE,
      1,
      `unexpected shape${path === '' ? '' : ` at ${path}`}: ${issue?.message ?? 'invalid'}`,
    ),
  );
  return null;
}

/** `node.json`, if any, and what the collector says it could not gather (its `errors[]`, `complete: false`). */
export function readNodeJson(text: string | undefined, errors: BundleErrors): NodeCollectionInfo | null {
  const nodeInfo = text === undefined ? null : parseNodeJson(text, errors);
  const collection = errors.collection;
  for (const message of nodeInfo?.errors ?? []) {
    collection.push({ source: NODE_JSON_FILE, category: categoriseCollectorError(message), message });
  }
  if (nodeInfo?.complete === false && !collection.some((e) => e.category === 'timeout')) {
    collection.push({
      source: NODE_JSON_FILE,
      category: 'incomplete',
      message: 'the collector marked the bundle incomplete',
    });
  }
  return nodeInfo;
}
