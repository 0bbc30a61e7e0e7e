import { z } from 'zod';

/** The `audit` key of the cdk.json context, validated at synth (bin/app.ts). Defaults are applied here, once. */

const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** EventBridge Scheduler cron: six fields (minutes hours day-of-month month day-of-week year). */
const SCHEDULER_CRON = /^cron\((\S+ ){5}\S+\)$/;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const clusterName = z.string().regex(EKS_CLUSTER_NAME, 'an EKS cluster name (letters, digits, - and _; at most 100)');

const timeZone = z.string().refine((zone) => zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone), {
  message: 'an IANA time zone such as UTC or Europe/Paris',
});

const clustersSchema = z.union([
  z.strictObject({ names: z.array(clusterName).min(1).max(100) }),
  z.strictObject({
    allInRegion: z.literal(true),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
  }),
]);

const scheduleSchema = z.strictObject({
  enabled: z.boolean().default(true),
  cron: z
    .string()
    .regex(SCHEDULER_CRON, 'an EventBridge Scheduler cron expression, e.g. cron(0 2 * * ? *)')
    .default('cron(0 2 * * ? *)'),
  timeZone: timeZone.default('UTC'),
});

const nodeSelectionSchema = z.union([
  z.literal('all'),
  z.strictObject({ perNodeGroup: z.number().int().min(1).max(1000) }),
]);

const nodeCollectionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  nodes: nodeSelectionSchema.default('all'),
  /**
   * `ssm`: the collector document on each node (SSM Run Command). `exec`: `aws-eks-na-cli` run through `pods/exec` in
   * each node's aws-node pod (nodes without SSM, e.g. Bottlerocket; needs k8s/rbac-exec.yaml; tc is not checked).
   */
  collector: z.enum(['ssm', 'exec']).default('ssm'),
  /** How long the workflow waits for one batch's command before it records the batch as timed out. */
  batchTimeoutSeconds: z.number().int().min(60).max(3600).default(900),
});

const vpcSchema = z.strictObject({
  subnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id'))
    .min(1)
    .max(16),
  securityGroupIds: z
    .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group id'))
    .min(1)
    .max(5),
});

const envSchema = z.strictObject({
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
});

const retentionSchema = z.strictObject({
  reportsDays: z.number().int().min(1).max(3650).default(400),
  noncurrentVersionsDays: z.number().int().min(1).max(365).default(30),
  runsDays: z.number().int().min(1).max(90).default(7),
  accessLogsDays: z.number().int().min(1).max(3650).default(365),
  logsDays: z
    .number()
    .int()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(90),
});

export const auditConfigSchema = z.strictObject({
  env: envSchema.optional(),
  clusters: clustersSchema,
  clusterConcurrency: z.number().int().min(1).max(40).default(4),
  schedule: scheduleSchema.prefault({}),
  desiredMode: z.enum(['standard', 'strict']).default('standard'),
  alertSeverity: z.enum(SEVERITIES).default('high'),
  alertEmail: z.email().optional(),
  nodeCollection: nodeCollectionSchema.prefault({}),
  vpc: vpcSchema.optional(),
  retention: retentionSchema.prefault({}),
});

export type AuditConfig = z.infer<typeof auditConfigSchema>;
export type NodeCollectionConfig = AuditConfig['nodeCollection'];
export type RetentionConfig = AuditConfig['retention'];

/** The cdk.json context key that holds the service configuration. */
export const CONFIG_CONTEXT_KEY = 'audit';

/** A cdk.json value that does not validate; the message names each bad key as `audit.<path>`. */
export class AuditConfigError extends Error {
  override readonly name = 'AuditConfigError';
}

export function parseAuditConfig(raw: unknown): AuditConfig {
  const parsed = auditConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = [CONFIG_CONTEXT_KEY, ...issue.path.map(String)].join('.');
    return `${key}: ${issue.message}`;
  });
  throw new AuditConfigError(`invalid cdk.json context:\n  ${problems.join('\n  ')}`);
}

/** The clusters named in the config, or undefined when the run discovers them (`allInRegion`). */
export function namedClusters(config: AuditConfig): readonly string[] | undefined {
  return 'names' in config.clusters ? config.clusters.names : undefined;
}

/**
 * What the Lambdas read from SERVICE_CONFIG (lambdas/shared/service/config.ts ServiceConfig): no deployment-only
 * keys (env, vpc, retention, schedule, e-mail), nothing the workflow itself applies (batch timeout).
 */
export function serviceConfigForRuntime(config: AuditConfig): Record<string, unknown> {
  return {
    clusters: config.clusters,
    desiredMode: config.desiredMode,
    alertSeverity: config.alertSeverity,
    nodeCollection: {
      enabled: config.nodeCollection.enabled,
      nodes: config.nodeCollection.nodes,
      collector: config.nodeCollection.collector,
    },
  };
}
