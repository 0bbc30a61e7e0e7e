import { Duration, TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AuditConfig } from '../config';

export interface AuditScheduleProps {
  readonly schedule: AuditConfig['schedule'];
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
}

/** The nightly run: EventBridge Scheduler starts the workflow over every configured cluster with input `{}`. */
export class AuditSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: AuditScheduleProps) {
    super(scope, id);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'eks-netpol-audit: audit every configured cluster',
      schedule: scheduler.ScheduleExpression.expression(props.schedule.cron, TimeZone.of(props.schedule.timeZone)),
      enabled: props.schedule.enabled,
      target: new schedulerTargets.StepFunctionsStartExecution(props.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({}),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}
