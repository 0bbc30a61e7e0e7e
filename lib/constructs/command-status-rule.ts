import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The command statuses after which SSM sends no further status change (Run Command docs). */
export const TERMINAL_COMMAND_STATUSES = ['Success', 'Failed', 'TimedOut', 'Cancelled'] as const;

export interface CommandStatusRuleProps {
  readonly documentName: string;
  readonly target: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
}

/** Routes the collector's terminal command status events to command-status, which resumes the waiting batch. */
export class CommandStatusRule extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: CommandStatusRuleProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'eks-netpol-audit: collector command finished -> resume the waiting batch',
      eventPattern: {
        source: ['aws.ssm'],
        detailType: ['EC2 Command Status-change Notification'],
        detail: { 'document-name': [props.documentName], status: [...TERMINAL_COMMAND_STATUSES] },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.target, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(1),
      }),
    );
  }
}
