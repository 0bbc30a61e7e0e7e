import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { StoreError, type AlertSink, type DriftAlert } from '#engine';

/** SNS subjects are at most 100 ASCII characters, with no line breaks. */
export const MAX_SUBJECT_LENGTH = 100;

/** Alerts on an SNS topic (e-mail, chat integrations). The message attributes let subscribers filter by cluster. */
export class SnsAlertSink implements AlertSink {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: DriftAlert): Promise<void> {
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: alert.subject.replace(/[\r\n]+/g, ' ').slice(0, MAX_SUBJECT_LENGTH),
          Message: alert.message,
          MessageAttributes: {
            cluster: { DataType: 'String', StringValue: alert.cluster },
            newFindings: { DataType: 'Number', StringValue: String(alert.newFindings) },
          },
        }),
      );
    } catch (error) {
      throw new StoreError(
        this.topicArn,
        `cannot publish the alert (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}
