import type { Context } from 'aws-lambda';
import { EksClusters } from '#adapters/eks/eks-cluster';
import { RunCommand } from '#adapters/ssm/run-command';
import { handler as plan } from '../../../lambdas/plan/handler';
import { auditClusterStep } from '../../../lambdas/shared/service/audit-cluster-step';
import { ServiceConfig } from '../../../lambdas/shared/service/config';
import { PlanOutput, type AuditClusterOutput } from '../../../lambdas/shared/service/contract';
import { resetRuntime, runtime } from '../../../lambdas/shared/service/runtime';
import { exampleKube } from './example-kube';

export interface PlanAndReadOptions {
  readonly runId: string;
  readonly startedAt: string;
  /** The example snapshot directory the cluster's Kubernetes API answers from. */
  readonly example: string;
  readonly config: unknown;
  /** Node name -> EC2 instance id (spec.providerID). */
  readonly providerIds: Readonly<Record<string, string>>;
  readonly context: Context;
}

/**
 * The first two steps of a run on one cluster: the plan handler, then audit-cluster's step with the runtime's
 * clients and the example as the Kubernetes API (the handler's production opener needs a real endpoint).
 */
export async function planAndReadCluster(options: PlanAndReadOptions): Promise<AuditClusterOutput> {
  const { runId, startedAt } = options;
  const executionArn = `arn:aws:states:eu-west-1:111122223333:execution:audit:${runId}`;
  const planned = PlanOutput.parse(await plan({ input: {}, executionName: runId, executionArn }, options.context));
  const [cluster] = planned.clusters;
  if (cluster === undefined) throw new Error('no cluster planned');
  return auditClusterStep(
    { ...planned, startedAt, cluster },
    {
      config: ServiceConfig.parse(options.config),
      objects: runtime().objects,
      eks: new EksClusters(runtime().eks),
      runCommand: new RunCommand(runtime().ssm),
      openKubernetes: () => Promise.resolve(exampleKube(options.example, options.providerIds)),
      now: () => new Date(startedAt),
      toolVersion: 'test',
    },
  );
}

/** The Lambda environment lib/ sets, for the handlers run in-process (static test credentials, no endpoint). */
export function setServiceEnvironment(values: {
  readonly bucket: string;
  readonly topicArn: string;
  readonly config: unknown;
  readonly extra?: Readonly<Record<string, string>>;
}): void {
  Object.assign(process.env, {
    REPORTS_BUCKET: values.bucket,
    ALERTS_TOPIC_ARN: values.topicArn,
    COLLECTOR_DOCUMENT_NAME: 'NetpolAudit-Collector',
    COLLECTOR_DOCUMENT_VERSION: '4',
    SERVICE_CONFIG: JSON.stringify(values.config),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    ...values.extra,
  });
  resetRuntime();
}
