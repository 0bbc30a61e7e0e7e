import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag';
import {
  buildAuditDefinition,
  type NodeCollector,
  type WorkflowFunctions,
  workflowFunctions,
} from '../workflow/definition';

export interface AuditWorkflowProps {
  readonly functions: WorkflowFunctions;
  readonly clusterConcurrency: number;
  readonly batchTimeout: Duration;
  readonly nodeCollector: NodeCollector;
  readonly logRetention: logs.RetentionDays;
}

/** A run that has not finished after this long is stuck; it fails and the alarm fires. */
const EXECUTION_TIMEOUT = Duration.hours(3);

/**
 * The Standard workflow of the contract, for the nightly schedule and on-demand StartExecution alike: logging ALL
 * without execution data (the batch payloads carry presigned URLs and task tokens), X-Ray on.
 */
export class AuditWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditWorkflowProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-AuditWorkflow`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildAuditDefinition(this, {
          functions: props.functions,
          clusterConcurrency: props.clusterConcurrency,
          batchTimeout: props.batchTimeout,
          nodeCollector: props.nodeCollector,
        }),
      ),
      timeout: EXECUTION_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acknowledgeWildcardResources(
      this.stateMachine,
      workflowFunctions(props.functions).map((fn) => `${fn.functionArn}:*`),
      'The CDK Lambda task grants lambda:InvokeFunction on the function and its versions (ARN:*).',
    );
    acknowledgeWildcardResources(
      this.stateMachine,
      ['*'],
      'X-Ray segments and CloudWatch Logs vended-log deliveries support no resource-level permission.',
    );
  }
}
