import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsTopicProps {
  readonly key: kms.IKey;
  /** An e-mail address subscribed to the alerts (the recipient confirms the subscription). @default none */
  readonly email?: string | undefined;
}

/** The SNS topic for new-drift alerts and the failed-execution alarm: KMS-encrypted, TLS only. */
export class AlertsTopic extends Construct {
  readonly topic: sns.Topic;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertsTopicProps) {
    super(scope, id);
    this.key = props.key;
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'eks-netpol-audit alerts',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    // CloudWatch alarms publish to an encrypted topic only when the key lets the service use it.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }

  /** `sns:Publish` on this topic, and the data key SNS needs from its key. */
  grantPublishAlerts(grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }),
    );
  }
}
