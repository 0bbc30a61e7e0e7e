import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Validations } from 'aws-cdk-lib';
import { acknowledgeWildcardResources } from '../nag';
import { Construct } from 'constructs';
import type { RetentionConfig } from '../config';

/** Key prefixes of the reports bucket (the layout the handlers write, see docs/service.md). */
export const BUCKET_PREFIXES = {
  /** Per-run working data: snapshots, batches.json, node tarballs, report.json before publish. */
  runs: 'runs/',
  /** Published reports: reports/<cluster>/<yyyy>/<mm>/<dd>/<runId>/ and reports/<cluster>/latest.json. */
  reports: 'reports/',
  /** Task tokens of waiting batches, by SSM command id. */
  tokens: 'tokens/',
} as const;

/** A task token is useless after the workflow's batch timeout; one day is the shortest S3 lifecycle. */
const TOKEN_EXPIRY_DAYS = 1;
const ABORT_INCOMPLETE_UPLOADS_DAYS = 1;

export interface ReportsBucketProps {
  readonly retention: RetentionConfig;
}

/**
 * The reports bucket (SSE-KMS with a customer-managed key and S3 Bucket Keys, versioned, TLS only, no public
 * access, lifecycle from the configured retention, server access logs) and its access-log bucket. The key also
 * encrypts the alerts topic.
 */
export class ReportsBucket extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ReportsBucketProps) {
    super(scope, id);
    const { retention } = props;
    this.key = new kms.Key(this, 'Key', {
      description: 'eks-netpol-audit: reports bucket and alerts topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(retention.accessLogsDays) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging it into itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'reports-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: lifecycleRules(retention),
    });
  }

  /** `s3:GetObject` on the keys under a prefix of the reports bucket, and `kms:Decrypt` with its key. */
  grantReadUnder(grantee: iam.IGrantable, prefix: string): void {
    this.grantUnder(grantee, prefix, 's3:GetObject', 'kms:Decrypt');
  }

  /** `s3:PutObject` on the keys under a prefix of the reports bucket, and `kms:GenerateDataKey` with its key. */
  grantWriteUnder(grantee: iam.IGrantable, prefix: string): void {
    this.grantUnder(grantee, prefix, 's3:PutObject', 'kms:GenerateDataKey');
  }

  /** `s3:ListBucket` restricted to a prefix, so that a missing key reads as 404 and not 403. */
  grantListUnder(grantee: iam.IGrantable, prefix: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
  }

  private grantUnder(grantee: iam.IGrantable, prefix: string, s3Action: string, kmsAction: string): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [s3Action], resources: [this.bucket.arnForObjects(`${prefix}*`)] }),
    );
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [kmsAction], resources: [this.key.keyArn] }));
    acknowledgeWildcardResources(
      principal instanceof Construct ? principal : this,
      [this.bucket.arnForObjects(`${prefix}*`)],
      `The keys under ${prefix} are created per run, cluster and node; the grant is limited to that prefix.`,
    );
  }
}

function lifecycleRules(retention: RetentionConfig): s3.LifecycleRule[] {
  const noncurrentVersionExpiration = Duration.days(retention.noncurrentVersionsDays);
  return [
    {
      id: 'ExpireReports',
      prefix: BUCKET_PREFIXES.reports,
      expiration: Duration.days(retention.reportsDays),
      noncurrentVersionExpiration,
    },
    {
      id: 'ExpireRunData',
      prefix: BUCKET_PREFIXES.runs,
      expiration: Duration.days(retention.runsDays),
      noncurrentVersionExpiration: Duration.days(1),
    },
    {
      id: 'ExpireTaskTokens',
      prefix: BUCKET_PREFIXES.tokens,
      expiration: Duration.days(TOKEN_EXPIRY_DAYS),
      noncurrentVersionExpiration: Duration.days(1),
    },
    {
      id: 'CleanUp',
      abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOADS_DAYS),
      expiredObjectDeleteMarker: true,
      noncurrentVersionExpiration,
    },
  ];
}
