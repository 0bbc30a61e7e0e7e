import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, synthStack } from './support/synth';

const { template } = synthStack({
  clusters: { names: ['prod-a'] },
  alertEmail: 'platform@example.com',
  retention: { reportsDays: 365, noncurrentVersionsDays: 14, runsDays: 5, accessLogsDays: 180 },
});

function bucketWithKms(): Record<string, unknown> {
  const buckets = Object.values(
    template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
        },
      },
    }),
  ) as { Properties: Record<string, unknown> }[];
  expect(buckets).toHaveLength(1);
  return buckets[0]?.Properties ?? {};
}

describe('reports bucket, key and access logs', () => {
  it('encrypts reports with the customer-managed key and S3 Bucket Keys; the key rotates', () => {
    expect(bucketWithKms()['BucketEncryption']).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^ReportsKey/), 'Arn'] },
          },
        },
      ],
    });
    expect(onlyResource(template, 'AWS::KMS::Key').Properties['EnableKeyRotation']).toBe(true);
  });

  it('is versioned, blocks public access, logs access to the log bucket', () => {
    const bucket = bucketWithKms();
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(bucket['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket['LoggingConfiguration']).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^ReportsAccessLogs/) as string },
      LogFilePrefix: 'reports-bucket/',
    });
  });

  it('expires reports, run data, task tokens and noncurrent versions from the retention', () => {
    const rules = (bucketWithKms()['LifecycleConfiguration'] as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Id: 'ExpireReports',
          Prefix: 'reports/',
          ExpirationInDays: 365,
          NoncurrentVersionExpiration: { NoncurrentDays: 14 },
        }),
        expect.objectContaining({ Id: 'ExpireRunData', Prefix: 'runs/', ExpirationInDays: 5 }),
        expect.objectContaining({ Id: 'ExpireTaskTokens', Prefix: 'tokens/', ExpirationInDays: 1 }),
        expect.objectContaining({
          Id: 'CleanUp',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          NoncurrentVersionExpiration: { NoncurrentDays: 14 },
        }),
      ]),
    );
    expect(rules.every((rule) => rule['Status'] === 'Enabled')).toBe(true);
  });

  it('denies every request without TLS on both buckets and the topic', () => {
    const denyInsecure = Match.objectLike({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const bucketPolicies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(bucketPolicies).toHaveLength(2);
    template.allResourcesProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires access logs and encrypts them with S3-managed keys (the log delivery cannot use SSE-KMS)', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 180 })] },
    });
  });
});

describe('alerts topic', () => {
  it('is encrypted with the key, subscribes the configured e-mail, and lets CloudWatch alarms use the key', () => {
    expect(onlyResource(template, 'AWS::SNS::Topic').Properties['KmsMasterKeyId']).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ReportsKey/), 'Arn'],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform@example.com' });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          }),
        ]),
      },
    });
  });

  it('has no e-mail subscription unless one is configured', () => {
    const { template: withoutEmail } = synthStack({ clusters: { names: ['prod-a'] } });
    withoutEmail.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
