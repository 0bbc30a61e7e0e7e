import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type AuditConfig, namedClusters } from './config';
import { AlertsTopic } from './constructs/alerts-topic';
import { retentionDays } from './constructs/audit-function';
import { AuditFunctions } from './constructs/audit-functions';
import { AuditMonitoring } from './constructs/audit-monitoring';
import { AuditSchedule } from './constructs/audit-schedule';
import { AuditWorkflow } from './constructs/audit-workflow';
import { ClusterAccess } from './constructs/cluster-access';
import { CollectorDocument } from './constructs/collector-document';
import { CommandStatusRule } from './constructs/command-status-rule';
import { ReportsBucket } from './constructs/reports-bucket';
import { UndeliveredQueue } from './constructs/undelivered-queue';

/** The names of the stack outputs (`netpol-audit run --stack` reads them). */
export const STACK_OUTPUTS = {
  stateMachineArn: 'StateMachineArn',
  reportsBucketName: 'ReportsBucketName',
  alertsTopicArn: 'AlertsTopicArn',
  kubernetesReaderRoleArn: 'KubernetesReaderRoleArn',
  dashboardName: 'DashboardName',
} as const;

export interface AuditStackProps extends StackProps {
  readonly config: AuditConfig;
  /** Repository root (lambdas/, ssm-documents/, k8s/). */
  readonly projectRoot: string;
}

/** Wires the constructs of the audit service; no resource is defined here. */
export class AuditStack extends Stack {
  readonly reports: ReportsBucket;
  readonly alerts: AlertsTopic;
  readonly collector: CollectorDocument;
  readonly functions: AuditFunctions;
  readonly workflow: AuditWorkflow;
  readonly clusterAccess: ClusterAccess | undefined;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    const { config, projectRoot } = props;
    const logRetention = retentionDays(config.retention.logsDays);
    this.reports = new ReportsBucket(this, 'Reports', { retention: config.retention });
    this.alerts = new AlertsTopic(this, 'Alerts', { key: this.reports.key, email: config.alertEmail });
    this.collector = new CollectorDocument(this, 'Collector', {
      file: `${projectRoot}/ssm-documents/collect-node-policy-state.yaml`,
    });
    const undelivered = new UndeliveredQueue(this, 'Undelivered');
    this.functions = new AuditFunctions(this, 'Functions', {
      config,
      deadLetterQueue: undelivered.queue,
      reports: this.reports,
      alerts: this.alerts,
      collector: this.collector,
      projectRoot,
    });
    const clusterNames = namedClusters(config);
    this.clusterAccess = clusterNames
      ? new ClusterAccess(this, 'ClusterAccess', {
          clusterNames,
          readerRole: this.functions.kubernetesReaderRole,
          nodeExecRole: this.functions.nodeExecRole,
          rbacFile: `${projectRoot}/k8s/rbac.yaml`,
        })
      : undefined;
    this.workflow = new AuditWorkflow(this, 'Workflow', {
      functions: {
        plan: this.functions.plan.function,
        auditCluster: this.functions.auditCluster.function,
        collectNodes: this.functions.collectNodes.function,
        analyzeNodes: this.functions.analyzeNodes.function,
        publish: this.functions.publish.function,
      },
      clusterConcurrency: config.clusterConcurrency,
      batchTimeout: Duration.seconds(config.nodeCollection.batchTimeoutSeconds),
      nodeCollector: config.nodeCollection.collector,
      logRetention,
    });
    this.functions.grantTaskResponse(this.workflow.stateMachine);
    if (this.functions.commandStatus !== undefined)
      new CommandStatusRule(this, 'CommandStatus', {
        documentName: this.collector.documentName,
        target: this.functions.commandStatus.function,
        deadLetterQueue: undelivered.queue,
      });
    new AuditSchedule(this, 'Schedule', {
      schedule: config.schedule,
      stateMachine: this.workflow.stateMachine,
      deadLetterQueue: undelivered.queue,
    });
    const monitoring = new AuditMonitoring(this, 'Monitoring', {
      stateMachine: this.workflow.stateMachine,
      functions: this.functions.all,
      undelivered: undelivered.queue,
      alerts: this.alerts.topic,
    });
    this.addOutputs(monitoring);
  }

  private addOutputs(monitoring: AuditMonitoring): void {
    const outputs: Record<keyof typeof STACK_OUTPUTS, string> = {
      stateMachineArn: this.workflow.stateMachine.stateMachineArn,
      reportsBucketName: this.reports.bucket.bucketName,
      alertsTopicArn: this.alerts.topic.topicArn,
      kubernetesReaderRoleArn: this.functions.kubernetesReaderRole.roleArn,
      dashboardName: monitoring.dashboard.dashboardName,
    };
    for (const [key, value] of Object.entries(outputs)) {
      new CfnOutput(this, STACK_OUTPUTS[key as keyof typeof STACK_OUTPUTS], { value });
    }
  }
}
