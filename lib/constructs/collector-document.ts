import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Arn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { z } from 'zod';

/** The node collector document as the project ships it (built by ssm-documents/build-document.sh). */
export const COLLECTOR_DOCUMENT_FILE = 'ssm-documents/collect-node-policy-state.yaml';

/** AwsCustomResource.PROVIDER_FUNCTION_UUID: names the provider's singleton function in the stack. */
const AWS_CUSTOM_RESOURCE_PROVIDER_UUID = cr.AwsCustomResource.PROVIDER_FUNCTION_UUID;

const commandDocumentSchema = z.looseObject({
  schemaVersion: z.literal('2.2'),
  parameters: z.record(z.string(), z.looseObject({ type: z.string() })),
  mainSteps: z.array(z.looseObject({ action: z.literal('aws:runShellScript') })).min(1),
});

export interface CollectorDocumentProps {
  /** Path of the document's YAML. @default COLLECTOR_DOCUMENT_FILE (relative to the working directory) */
  readonly file?: string;
}

/**
 * The SSM Command document of the node collector. `UpdateMethod: NewVersion` keeps the name (and running
 * commands) across content changes; the version CloudFormation just created is read back at deploy time so that
 * SendCommand pins it (`COLLECTOR_DOCUMENT_VERSION`).
 */
export class CollectorDocument extends Construct {
  readonly document: ssm.CfnDocument;
  readonly documentName: string;
  readonly documentArn: string;
  /** The document version created by this deployment (a deploy-time token). */
  readonly documentVersion: string;

  constructor(scope: Construct, id: string, props: CollectorDocumentProps = {}) {
    super(scope, id);
    const text = readFileSync(props.file ?? COLLECTOR_DOCUMENT_FILE, 'utf8');
    const content = commandDocumentSchema.parse(parse(text));
    const stack = Stack.of(this);
    this.document = new ssm.CfnDocument(this, 'Document', {
      name: `${stack.stackName}-CollectNodePolicyState`,
      documentType: 'Command',
      documentFormat: 'JSON',
      targetType: '/AWS::EC2::Instance',
      updateMethod: 'NewVersion',
      content,
    });
    this.documentName = this.document.ref;
    this.documentArn = Arn.format({ service: 'ssm', resource: 'document', resourceName: this.documentName }, stack);
    this.documentVersion = this.readDeployedVersion(createHash('sha256').update(text).digest('hex'));
  }

  private readDeployedVersion(contentHash: string): string {
    const describe: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'describeDocument',
      parameters: { Name: this.documentName },
      // The content hash in the id makes CloudFormation re-run the call after every content change.
      physicalResourceId: cr.PhysicalResourceId.of(`collector-document-${contentHash}`),
      outputPaths: ['Document.LatestVersion'],
    };
    const logGroup = new logs.LogGroup(this, 'VersionReaderLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'VersionReaderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    const reader = new cr.AwsCustomResource(this, 'DeployedVersion', {
      onCreate: describe,
      onUpdate: describe,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.documentArn] }),
      role,
      logGroup,
      memorySize: 256,
      installLatestAwsSdk: false,
    });
    this.acknowledgeProvider();
    return reader.getResponseField('Document.LatestVersion');
  }

  /** The CDK's AwsCustomResource provider is one function per stack, outside this construct's tree. */
  private acknowledgeProvider(): void {
    const provider = Stack.of(this).node.tryFindChild(`AWS${AWS_CUSTOM_RESOURCE_PROVIDER_UUID.replaceAll('-', '')}`);
    if (provider === undefined) throw new Error('the AwsCustomResource provider function was not found');
    const reason =
      'The CDK AwsCustomResource provider runs once per deployment (DescribeDocument), not in the audit path';
    Validations.of(provider).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason: `${reason}; it has no tracing option.`,
    });
    Validations.of(provider).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: `${reason}; CloudFormation receives its failures.`,
    });
  }
}
