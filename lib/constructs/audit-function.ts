import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The service name in Powertools logs, traces and metrics. */
export const POWERTOOLS_SERVICE_NAME = 'eks-netpol-audit';
export const METRICS_NAMESPACE = 'EksNetpolAudit';

const RETENTION_BY_DAYS = new Map<number, logs.RetentionDays>();
for (const value of Object.values(logs.RetentionDays))
  if (typeof value !== 'string') RETENTION_BY_DAYS.set(value, value);

/** The CloudWatch Logs retention for a number of days that the config schema has already checked. */
export function retentionDays(days: number): logs.RetentionDays {
  const retention = RETENTION_BY_DAYS.get(days);
  if (retention === undefined) throw new Error(`no log retention of ${days} days`);
  return retention;
}

export interface AuditFunctionProps {
  /** The folder under lambdas/ whose handler.ts exports `handler`, e.g. `audit-cluster`. */
  readonly functionDir: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** Repository root: lambdas/, package.json and package-lock.json live there. */
  readonly projectRoot: string;
  /**
   * Where failed asynchronous invocations go. @default none: the function is invoked synchronously by the
   * workflow, whose Retry and Catch handle its failures
   */
  readonly deadLetterQueue?: sqs.IQueue | undefined;
  /** Actions besides X-Ray that the function calls and that support no resource-level permission. @default none */
  readonly unscopedActions?: readonly string[];
}

/**
 * A handler of the service with the house defaults: Node.js 22 on arm64, bundled by the local esbuild (no Docker,
 * AWS SDK included, minified with source maps), X-Ray active, its own log group with retention, Powertools env.
 */
export class AuditFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AuditFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole: log writes to its own log group only.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      role: this.role,
      ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueue: props.deadLetterQueue }),
      entry: path.join(props.projectRoot, 'lambdas', props.functionDir, 'handler.ts'),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        keepNames: true,
        externalModules: [],
        metafile: true,
      },
    });
    this.acknowledgeHouseDefaults(props.deadLetterQueue !== undefined, props.unscopedActions ?? []);
  }

  private acknowledgeHouseDefaults(hasDeadLetterQueue: boolean, unscopedActions: readonly string[]): void {
    const runtimeReason =
      'nodejs22.x is the runtime the service is built and tested for (esbuild target node22, Powertools and SDK ' +
      'versions verified on it); a move to nodejs24.x is a deliberate upgrade, not a side effect of a deploy.';
    Validations.of(this).acknowledge({ id: 'AwsSolutions-L1', reason: runtimeReason });
    Validations.of(this).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: runtimeReason });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${['xray:PutTraceSegments', 'xray:PutTelemetryRecords', ...unscopedActions].join(', ')} support no resource-level permission.`,
    });
    if (!hasDeadLetterQueue) {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'Invoked synchronously by the workflow only; its Retry and Catch handle every failure.',
      });
    }
  }
}
