import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { StoreError } from '#engine';
import { SnsAlertSink } from '#adapters/sns/sns-alert-sink';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:netpol-audit-alerts';

beforeEach(() => sns.reset());

describe('SnsAlertSink', () => {
  it('publishes subject, message and the cluster as a filterable attribute; the subject fits SNS (100 chars, one line)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsAlertSink(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish({
      subject: `eks-netpol-audit: 2 new finding(s) in\n${'x'.repeat(120)}`,
      message: 'body\n',
      cluster: 'prod-a',
      newFindings: 2,
    });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: `eks-netpol-audit: 2 new finding(s) in ${'x'.repeat(120)}`.slice(0, 100),
      Message: 'body\n',
      MessageAttributes: {
        cluster: { DataType: 'String', StringValue: 'prod-a' },
        newFindings: { DataType: 'Number', StringValue: '2' },
      },
    });
    expect(input?.Subject).toHaveLength(100);
  });

  it('turns a failed publish into a StoreError naming the topic', async () => {
    sns.on(PublishCommand).rejects(new Error('KMS key disabled'));
    await expect(
      new SnsAlertSink(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish({
        subject: 's',
        message: 'm',
        cluster: 'c',
        newFindings: 1,
      }),
    ).rejects.toThrow(new StoreError(TOPIC, 'cannot publish the alert (KMS key disabled)'));
  });
});
