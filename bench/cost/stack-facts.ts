/**
 * The synthesized stack (offline, as the infra tests synthesize it: bundling skipped), reduced to what the bill
 * depends on. Nothing here is typed in by hand: change the stack and the model follows.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { z } from 'zod';
import type { AuditFunction } from '../../lib/constructs/audit-function';
import { definitionFromTemplate } from '../../test/infra/support/definition';
import { PROJECT_ROOT, synthStack } from '../../test/infra/support/synth';
import type { FunctionName } from './local-runs';
import { AslGraph, invocationsPerScope, transitionsFormula, type TransitionsFormula } from './workflow-structure';

export interface FunctionFacts {
  readonly memoryMb: number;
  /** Invocations per run, per cluster and per batch (command-status: one terminal status event per batch). */
  readonly perRun: number;
  readonly perCluster: number;
  readonly perBatch: number;
}

export interface StackFacts {
  readonly transitions: TransitionsFormula;
  readonly functions: Readonly<Record<FunctionName, FunctionFacts>>;
  /** Metrics the alarms evaluate (each billed as one alarm metric). */
  readonly alarmMetrics: number;
  readonly alarms: number;
  readonly dashboards: number;
  readonly kmsKeys: number;
  readonly kmsKeyRotation: boolean;
  readonly bucketKeys: boolean;
  readonly logRetentionDays: number;
  /** Days a report stays (current version, then noncurrent until deleted), run data likewise, access logs. */
  readonly reportDays: number;
  readonly runDataDays: number;
  readonly accessLogDays: number;
}

const Resource = z.looseObject({ Type: z.string(), Properties: z.looseObject({}).optional() });
const AlarmProperties = z.looseObject({
  Metrics: z.array(z.looseObject({ MetricStat: z.unknown().optional() })).optional(),
});
const LifecycleRule = z.looseObject({
  Prefix: z.string().optional(),
  ExpirationInDays: z.number().optional(),
  NoncurrentVersionExpiration: z.looseObject({ NoncurrentDays: z.number() }).optional(),
});
const BucketProperties = z.looseObject({
  LifecycleConfiguration: z.looseObject({ Rules: z.array(LifecycleRule) }).optional(),
  BucketEncryption: z
    .looseObject({
      ServerSideEncryptionConfiguration: z.array(z.looseObject({ BucketKeyEnabled: z.boolean().optional() })),
    })
    .optional(),
});

const Resources = z.looseObject({ Resources: z.record(z.string(), Resource) });

function resourcesById(template: Template): Record<string, z.infer<typeof Resource>> {
  return Resources.parse(template.toJSON()).Resources;
}

function resourcesOf(template: Template, type: string): z.infer<typeof Resource>[] {
  return Object.values(resourcesById(template)).filter((resource) => resource.Type === type);
}

/** Metrics per alarm: the MetricStat entries of a math alarm, one for a single-metric alarm. */
function alarmMetrics(template: Template): number {
  return resourcesOf(template, 'AWS::CloudWatch::Alarm')
    .map((alarm) => AlarmProperties.parse(alarm.Properties ?? {}).Metrics)
    .reduce((sum, metrics) => sum + (metrics === undefined ? 1 : metrics.filter((m) => m.MetricStat).length), 0);
}

function only<T>(values: readonly T[], what: string): T {
  const [first, ...rest] = values;
  if (first === undefined || rest.length > 0) throw new Error(`expected one ${what}, found ${String(values.length)}`);
  return first;
}

function lifecycleDays(rules: readonly z.infer<typeof LifecycleRule>[], prefix: string): number {
  const rule = rules.find((candidate) => candidate.Prefix === prefix);
  if (rule?.ExpirationInDays === undefined) throw new Error(`no expiring lifecycle rule for ${prefix}`);
  return rule.ExpirationInDays + (rule.NoncurrentVersionExpiration?.NoncurrentDays ?? 0);
}

function bucketFacts(
  template: Template,
): Pick<StackFacts, 'reportDays' | 'runDataDays' | 'accessLogDays' | 'bucketKeys'> {
  const buckets = resourcesOf(template, 'AWS::S3::Bucket').map((bucket) => BucketProperties.parse(bucket.Properties));
  const reports = only(
    buckets.filter((bucket) => bucket.LifecycleConfiguration?.Rules.some((rule) => rule.Prefix === 'reports/')),
    'reports bucket',
  );
  const rules = reports.LifecycleConfiguration?.Rules ?? [];
  const accessLogs = only(
    buckets.filter((bucket) => bucket !== reports && bucket.LifecycleConfiguration !== undefined),
    'access-log bucket',
  );
  return {
    reportDays: lifecycleDays(rules, 'reports/'),
    runDataDays: lifecycleDays(rules, 'runs/'),
    accessLogDays: only(accessLogs.LifecycleConfiguration?.Rules ?? [], 'access-log rule').ExpirationInDays ?? 0,
    bucketKeys:
      reports.BucketEncryption?.ServerSideEncryptionConfiguration.every((entry) => entry.BucketKeyEnabled === true) ??
      false,
  };
}

function logRetentionDays(template: Template): number {
  const days = new Set(
    resourcesOf(template, 'AWS::Logs::LogGroup').map(
      (group) => z.looseObject({ RetentionInDays: z.number() }).parse(group.Properties).RetentionInDays,
    ),
  );
  // The longest retention any group has (the service's own groups share one; helpers may keep less).
  return Math.max(...days);
}

/** The cdk.json `audit` context: the configuration a user deploys. */
function deployedConfig(): unknown {
  const cdkJson = z
    .looseObject({ context: z.looseObject({ audit: z.unknown() }) })
    .parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')));
  return cdkJson.context.audit;
}

function commandStatusOf(fn: AuditFunction | undefined): AuditFunction {
  if (fn === undefined) throw new Error('the cost model covers the SSM collector (nodeCollection.collector: ssm)');
  return fn;
}

export function stackFacts(audit: unknown = deployedConfig()): StackFacts {
  const { stack, template } = synthStack(audit);
  const definition = AslGraph.parse(definitionFromTemplate(template));
  const invocations = invocationsPerScope(definition);
  const byName: Readonly<Record<FunctionName, AuditFunction>> = {
    plan: stack.functions.plan,
    'audit-cluster': stack.functions.auditCluster,
    'collect-nodes': stack.functions.collectNodes,
    'command-status': commandStatusOf(stack.functions.commandStatus),
    'analyze-nodes': stack.functions.analyzeNodes,
    publish: stack.functions.publish,
  };
  const logicalId = (fn: AuditFunction): string =>
    Stack.of(fn).getLogicalId(fn.function.node.defaultChild as CfnFunction);
  const collectNodesPerBatch = invocations.perBatch.get(logicalId(byName['collect-nodes'])) ?? 0;
  const functions = Object.fromEntries(
    Object.entries(byName).map(([name, fn]) => {
      const id = logicalId(fn);
      const memory = z.looseObject({ MemorySize: z.number() }).parse(resourcesById(template)[id]?.Properties);
      const eventDriven = name === 'command-status';
      return [
        name,
        {
          memoryMb: memory.MemorySize,
          perRun: invocations.perRun.get(id) ?? 0,
          perCluster: invocations.perCluster.get(id) ?? 0,
          perBatch: eventDriven ? collectNodesPerBatch : (invocations.perBatch.get(id) ?? 0),
        },
      ];
    }),
  ) as Record<FunctionName, FunctionFacts>;
  const keys = resourcesOf(template, 'AWS::KMS::Key');
  return {
    transitions: transitionsFormula(definition),
    functions,
    alarmMetrics: alarmMetrics(template),
    alarms: resourcesOf(template, 'AWS::CloudWatch::Alarm').length,
    dashboards: resourcesOf(template, 'AWS::CloudWatch::Dashboard').length,
    kmsKeys: keys.length,
    kmsKeyRotation: keys.every(
      (key) => z.looseObject({ EnableKeyRotation: z.literal(true) }).safeParse(key.Properties).success,
    ),
    logRetentionDays: logRetentionDays(template),
    ...bucketFacts(template),
  };
}
