import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError } from '#engine';
import { StackWorkflow } from '#adapters/stepfunctions/stack-workflow';
import { RUN_STACK_OUTPUTS } from '../../../../lambdas/shared/service/stack-outputs';

const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:NetpolAuditWorkflow';
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:NetpolAuditWorkflow:cli-1';

function workflow(): StackWorkflow {
  return new StackWorkflow(
    new CloudFormationClient({ region: 'eu-west-1' }),
    new SFNClient({ region: 'eu-west-1' }),
    RUN_STACK_OUTPUTS,
  );
}

/** A DescribeStacks answer for one stack with these outputs. */
function stackWith(outputs: Record<string, string>) {
  return {
    Stacks: [
      {
        StackName: 'NetpolAudit',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE' as const,
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

beforeEach(() => {
  cloudFormation.reset();
  sfn.reset();
});

describe('StackWorkflow.stackOutputs', () => {
  it('reads the state machine ARN and the bucket from DescribeStacks of the named stack', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(
      stackWith({
        StateMachineArn: STATE_MACHINE,
        ReportsBucketName: 'netpol-audit-reports-1a2b',
        DashboardName: 'netpol-audit',
      }),
    );

    await expect(workflow().stackOutputs('NetpolAudit')).resolves.toEqual({
      stateMachineArn: STATE_MACHINE,
      reportsBucketName: 'netpol-audit-reports-1a2b',
    });
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input)).toEqual([
      { StackName: 'NetpolAudit' },
    ]);
  });

  it('names the missing output and lists the outputs the stack has', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith({ StateMachineArn: STATE_MACHINE }));

    await expect(workflow().stackOutputs('Other')).rejects.toThrow(
      'CloudFormation DescribeStacks: stack Other is not an audit stack: output ReportsBucketName is missing (outputs: StateMachineArn)',
    );
  });

  it('rejects an output that is not a state machine ARN', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(
        stackWith({ StateMachineArn: 'arn:aws:sns:eu-west-1:111122223333:topic', ReportsBucketName: 'reports' }),
      );

    await expect(workflow().stackOutputs('Other')).rejects.toThrow('output StateMachineArn is not a state machine ARN');
  });

  it('turns an SDK failure into an AwsCallError naming service, operation and the error', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));

    const failure = workflow().stackOutputs('Nope');
    await expect(failure).rejects.toBeInstanceOf(AwsCallError);
    await expect(failure).rejects.toThrow(
      'CloudFormation DescribeStacks: ValidationError: Stack with id Nope does not exist',
    );
  });
});

describe('StackWorkflow executions', () => {
  it('starts the execution with the name and the input as JSON', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

    await expect(
      workflow().startExecution({ stateMachineArn: STATE_MACHINE, name: 'cli-1', input: { clusters: ['prod-a'] } }),
    ).resolves.toEqual({ executionArn: EXECUTION });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE,
      name: 'cli-1',
      input: '{"clusters":["prod-a"]}',
    });
  });

  it('describes an execution: status, output, error and cause', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION,
      stateMachineArn: STATE_MACHINE,
      status: 'FAILED',
      startDate: new Date(),
      error: 'RunInputError',
      cause: 'pods: a run with pods or explain names exactly one cluster',
    });

    await expect(workflow().describeExecution(EXECUTION)).resolves.toEqual({
      status: 'FAILED',
      error: 'RunInputError',
      cause: 'pods: a run with pods or explain names exactly one cluster',
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: EXECUTION });
  });

  it('reads the last entered state (highest event id) from the newest events, without execution data', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, timestamp: new Date(), type: 'TaskScheduled' },
        { id: 8, timestamp: new Date(), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Audit Cluster' } },
        { id: 3, timestamp: new Date(), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Plan' } },
      ],
    });

    await expect(workflow().lastEnteredState(EXECUTION)).resolves.toBe('Audit Cluster');
    sfn.on(GetExecutionHistoryCommand).resolves({
      // ascending, as moto answers whatever reverseOrder says
      events: [
        { id: 3, timestamp: new Date(), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Plan' } },
        { id: 8, timestamp: new Date(), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Audit Cluster' } },
      ],
    });

    await expect(workflow().lastEnteredState(EXECUTION)).resolves.toBe('Audit Cluster');
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toEqual({
      executionArn: EXECUTION,
      reverseOrder: true,
      maxResults: 25,
      includeExecutionData: false,
    });
  });
});
