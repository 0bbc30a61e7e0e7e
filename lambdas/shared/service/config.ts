import { z } from 'zod';
import { ServiceConfigError, Severity } from '#engine';

/** An EKS cluster name (CreateCluster: 1-100 characters, alphanumerics, hyphens and underscores, letter first). */
export const ClusterName = z.string().regex(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, 'not an EKS cluster name');

/** Which nodes to collect: every eligible node, or the first N (by name) of each managed node group. */
export const NodeSelection = z.union([
  z.literal('all'),
  z.object({ perNodeGroup: z.number().int().positive() }).strict(),
]);
export type NodeSelection = z.infer<typeof NodeSelection>;

export const NodeCollector = z.enum(['ssm', 'exec']);
export type NodeCollector = z.infer<typeof NodeCollector>;

export const NodeCollectionConfig = z
  .object({
    enabled: z.boolean().default(true),
    nodes: NodeSelection.default('all'),
    /** `ssm`: the collector document by Run Command; `exec`: aws-eks-na-cli through `pods/exec` (no tc). */
    collector: NodeCollector.default('ssm'),
  })
  .strict();

/**
 * The validated service configuration that lib/ passes to every function as `SERVICE_CONFIG` (JSON). Keys the
 * runtime does not read (schedule, subnets, retention, e-mail) are validated at synth and may be present here.
 */
export const ServiceConfig = z.looseObject({
  clusters: z.union([
    z.object({ names: z.array(ClusterName).min(1) }).strict(),
    z.object({ allInRegion: z.literal(true), tags: z.record(z.string(), z.string()).default({}) }).strict(),
  ]),
  desiredMode: z.enum(['standard', 'strict']).default('standard'),
  alertSeverity: Severity.default('high'),
  nodeCollection: NodeCollectionConfig.default({ enabled: true, nodes: 'all', collector: 'ssm' }),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

const JsonText = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});

/** The Lambda environment lib/ sets; every handler reads it through this schema. */
export const ServiceEnvironment = z.object({
  REPORTS_BUCKET: z.string().min(3),
  ALERTS_TOPIC_ARN: z.string().startsWith('arn:'),
  COLLECTOR_DOCUMENT_NAME: z.string().min(3),
  COLLECTOR_DOCUMENT_VERSION: z.string().regex(/^(\d+|\$DEFAULT|\$LATEST)$/, 'a document version number'),
  SERVICE_CONFIG: JsonText.pipe(ServiceConfig),
  STATE_MACHINE_CONSOLE_BASE: z.url().optional(),
  AWS_REGION: z.string().min(1),
  /** Path-style S3 addressing, for S3-compatible endpoints set with AWS_ENDPOINT_URL_S3 (tests, emulators). */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
});
export type ServiceEnvironment = z.infer<typeof ServiceEnvironment>;

/** Parses the environment once per cold start; a wrong deployment fails with the variable named. */
export function readServiceEnvironment(environment: NodeJS.ProcessEnv = process.env): ServiceEnvironment {
  const parsed = ServiceEnvironment.safeParse(environment);
  if (parsed.success) return parsed.data;
  const [first] = parsed.error.issues;
  throw new ServiceConfigError(first?.path.join('.') || 'environment', first?.message ?? 'invalid');
}
