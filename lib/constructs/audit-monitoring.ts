import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AuditFunction } from './audit-function';
import { METRICS_NAMESPACE } from './audit-function';

export interface AuditMonitoringProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly functions: readonly AuditFunction[];
  readonly undelivered: sqs.IQueue;
  readonly alerts: sns.ITopic;
}

const PERIOD = Duration.minutes(5);

/** Alarms (failed executions, undelivered events) to the alerts topic, and a small dashboard. */
export class AuditMonitoring extends Construct {
  readonly failedExecutions: cloudwatch.Alarm;
  readonly undeliveredEvents: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: AuditMonitoringProps) {
    super(scope, id);
    const { stateMachine } = props;
    const failed = new cloudwatch.MathExpression({
      label: 'Failed, timed out or aborted executions',
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: stateMachine.metricFailed({ statistic: 'Sum', period: PERIOD }),
        timedOut: stateMachine.metricTimedOut({ statistic: 'Sum', period: PERIOD }),
        aborted: stateMachine.metricAborted({ statistic: 'Sum', period: PERIOD }),
      },
      period: PERIOD,
    });
    const alarmOnAny = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        alarmDescription: `eks-netpol-audit: ${description}`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.alerts));
      return alarm;
    };
    this.failedExecutions = alarmOnAny(
      'FailedExecutions',
      failed,
      'an audit run failed, timed out or was aborted (see the execution in the Step Functions console)',
    );
    this.undeliveredEvents = alarmOnAny(
      'UndeliveredEvents',
      props.undelivered.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD }),
      'a schedule tick or an SSM status event could not be delivered (see the dead-letter queue)',
    );
    this.dashboard = this.buildDashboard(props, failed);
  }

  private buildDashboard(props: AuditMonitoringProps, failed: cloudwatch.IMetric): cloudwatch.Dashboard {
    const { stateMachine } = props;
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-audit`,
      defaultInterval: Duration.days(7),
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Audit runs',
        left: [
          stateMachine.metricStarted({ statistic: 'Sum', period: PERIOD }),
          stateMachine.metricSucceeded({ statistic: 'Sum', period: PERIOD }),
          failed,
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: props.functions.map((fn) =>
          fn.function.metricErrors({ statistic: 'Sum', period: PERIOD, label: fn.node.id }),
        ),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Findings by cluster and layer', left: [search('Findings')] }),
      new cloudwatch.GraphWidget({ title: 'Nodes checked and not collected', left: [search('Nodes')] }),
    );
    return dashboard;
  }
}

/** Every metric of the service's namespace (dimension Cluster) whose name contains the term, summed per day. */
function search(term: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    label: term,
    expression: `SEARCH('{${METRICS_NAMESPACE},Cluster} ${term}', 'Sum', 86400)`,
    period: Duration.days(1),
  });
}
