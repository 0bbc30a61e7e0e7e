import { EKSClient } from '@aws-sdk/client-eks';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { eksClusterTokens, type ClusterTokens } from '#adapters/eks-token/eks-token';
import { S3Objects } from '#adapters/s3/s3-objects';
import { readServiceEnvironment, type ServiceEnvironment } from './config';
import { traced } from './observability';

/** The clients one function uses, built once per cold start (adaptive retries: throttling backs off with jitter). */
export interface ServiceRuntime {
  readonly environment: ServiceEnvironment;
  readonly objects: S3Objects;
  readonly s3: S3Client;
  readonly eks: EKSClient;
  readonly ssm: SSMClient;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
  /** The bearer tokens for a cluster's Kubernetes API (EKS tokens presigned in the region). */
  readonly clusterTokens: ClusterTokens;
}

const CLIENT_DEFAULTS = { retryMode: 'adaptive', maxAttempts: 5 } as const;

export function createRuntime(environment: ServiceEnvironment = readServiceEnvironment()): ServiceRuntime {
  const region = environment.AWS_REGION;
  const s3 = traced(
    new S3Client({ ...CLIENT_DEFAULTS, region, forcePathStyle: environment.S3_FORCE_PATH_STYLE === 'true' }),
  );
  return {
    environment,
    s3,
    objects: new S3Objects(s3, environment.REPORTS_BUCKET),
    eks: traced(new EKSClient({ ...CLIENT_DEFAULTS, region })),
    ssm: traced(new SSMClient({ ...CLIENT_DEFAULTS, region })),
    sns: traced(new SNSClient({ ...CLIENT_DEFAULTS, region })),
    sfn: traced(new SFNClient({ ...CLIENT_DEFAULTS, region })),
    clusterTokens: eksClusterTokens(region),
  };
}

let cached: ServiceRuntime | undefined;

/** The runtime of this execution environment, created on first use (so importing a handler reads no environment). */
export function runtime(): ServiceRuntime {
  cached ??= createRuntime();
  return cached;
}

/** Tests only: drop the cached runtime after changing the environment, or put the given one in its place. */
export function resetRuntime(replacement?: ServiceRuntime): void {
  cached = replacement;
}
