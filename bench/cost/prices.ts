/**
 * List prices (us-east-1) the cost model uses, each with its source: ../shared/spec/aws.md §A4.4 where it has the
 * price, otherwise the AWS pricing page. Free tiers are left out (the model prices the marginal run).
 */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const SPEC = 'spec aws.md §A4.4';
const KMS_PAGE = 'https://aws.amazon.com/kms/pricing/';
const CLOUDWATCH_PAGE = 'https://aws.amazon.com/cloudwatch/pricing/';
const XRAY_PAGE = 'https://aws.amazon.com/xray/pricing/';

export const PRICES = {
  stateTransition: { usd: 0.025 / 1000, unit: 'state transition (Standard)', source: SPEC },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second (Arm)', source: SPEC },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'request', source: SPEC },
  s3PutRequest: { usd: 0.005 / 1000, unit: 'PUT, COPY, POST or LIST request', source: SPEC },
  s3GetRequest: { usd: 0.0004 / 1000, unit: 'GET request', source: SPEC },
  s3StorageGbMonth: { usd: 0.023, unit: 'GB-month (S3 Standard)', source: SPEC },
  snsPublish: { usd: 0.5 / 1e6, unit: 'publish', source: SPEC },
  snsEmail: { usd: 2 / 100_000, unit: 'e-mail delivery', source: SPEC },
  ssmRunCommand: { usd: 0, unit: 'command on an EC2 node', source: SPEC },
  kmsRequest: { usd: 0.03 / 10_000, unit: 'symmetric request', source: KMS_PAGE },
  kmsKeyMonth: { usd: 1, unit: 'key-month (+$1 per rotated backing key, at most two)', source: KMS_PAGE },
  logsIngestionGb: { usd: 0.5, unit: 'GB ingested (Standard log class)', source: CLOUDWATCH_PAGE },
  logsStorageGbMonth: { usd: 0.03, unit: 'GB-month archived', source: CLOUDWATCH_PAGE },
  customMetricMonth: {
    usd: 0.3,
    unit: 'metric-month (first 10,000), prorated by the hours it is published',
    source: CLOUDWATCH_PAGE,
  },
  dashboardMonth: { usd: 3, unit: 'dashboard-month (3 free per account)', source: CLOUDWATCH_PAGE },
  alarmMetricMonth: { usd: 0.1, unit: 'standard-resolution alarm metric-month', source: CLOUDWATCH_PAGE },
  xrayTrace: { usd: 5 / 1e6, unit: 'trace recorded', source: XRAY_PAGE },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;

/** Hours in a billing month as CloudWatch prorates metrics (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = 30.4;
export const GB = 1024 ** 3;
