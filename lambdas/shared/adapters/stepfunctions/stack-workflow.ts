import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { z } from 'zod';
import {
  AwsCallError,
  type AuditStackOutputs,
  type AuditWorkflowPort,
  type ExecutionState,
  type ExecutionStatus,
} from '#engine';

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function call<T>(service: string, operation: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw new AwsCallError(service, operation, messageOf(error));
  }
}

const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] as const satisfies readonly ExecutionStatus[];

const StateMachineArn = z
  .string()
  .regex(/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/, 'is not a state machine ARN');
const BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'is not a bucket name');

/** The output keys of the audit stack that hold the state machine ARN and the reports bucket's name. */
export interface StackOutputKeys {
  readonly stateMachineArn: string;
  readonly reportsBucketName: string;
}

const Execution = z.object({
  status: z.enum(EXECUTION_STATUSES),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});

/** The audit stack through CloudFormation (its outputs) and Step Functions (its workflow). */
export class StackWorkflow implements AuditWorkflowPort {
  constructor(
    private readonly cloudFormation: CloudFormationClient,
    private readonly stepFunctions: SFNClient,
    private readonly outputKeys: StackOutputKeys,
  ) {}

  async stackOutputs(stackName: string): Promise<AuditStackOutputs> {
    const response = await call('CloudFormation', 'DescribeStacks', () =>
      this.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName })),
    );
    const stack = response.Stacks?.[0];
    if (stack === undefined) throw new AwsCallError('CloudFormation', 'DescribeStacks', `no stack ${stackName}`);
    const values = Object.fromEntries(
      (stack.Outputs ?? []).flatMap((output) =>
        output.OutputKey === undefined || output.OutputValue === undefined
          ? []
          : [[output.OutputKey, output.OutputValue] as const],
      ),
    );
    const keys = this.outputKeys;
    const parsed = z
      .object({ [keys.stateMachineArn]: StateMachineArn, [keys.reportsBucketName]: BucketName })
      .safeParse(values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AwsCallError(
        'CloudFormation',
        'DescribeStacks',
        `stack ${stackName} is not an audit stack: output ${String(issue?.path[0] ?? '?')} ${issue?.code === 'invalid_type' ? 'is missing' : (issue?.message ?? 'is invalid')} (outputs: ${Object.keys(values).sort().join(', ') || 'none'})`,
      );
    }
    return {
      stateMachineArn: String(parsed.data[keys.stateMachineArn]),
      reportsBucketName: String(parsed.data[keys.reportsBucketName]),
    };
  }

  async startExecution(request: Parameters<AuditWorkflowPort['startExecution']>[0]): Promise<{ executionArn: string }> {
    const response = await call('StepFunctions', 'StartExecution', () =>
      this.stepFunctions.send(
        new StartExecutionCommand({
          stateMachineArn: request.stateMachineArn,
          name: request.name,
          input: JSON.stringify(request.input),
        }),
      ),
    );
    if (response.executionArn === undefined)
      throw new AwsCallError('StepFunctions', 'StartExecution', 'the answer has no executionArn');
    return { executionArn: response.executionArn };
  }

  async describeExecution(executionArn: string): Promise<ExecutionState> {
    const response = await call('StepFunctions', 'DescribeExecution', () =>
      this.stepFunctions.send(new DescribeExecutionCommand({ executionArn })),
    );
    const parsed = Execution.safeParse(response);
    if (!parsed.success)
      throw new AwsCallError('StepFunctions', 'DescribeExecution', `unexpected answer: ${parsed.error.message}`);
    const { status, output, error, cause } = parsed.data;
    return {
      status,
      ...(output === undefined ? {} : { output }),
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    };
  }

  async lastEnteredState(executionArn: string): Promise<string | undefined> {
    const response = await call('StepFunctions', 'GetExecutionHistory', () =>
      this.stepFunctions.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: 25,
          includeExecutionData: false,
        }),
      ),
    );
    // The newest entered state by event id: moto answers in ascending order whatever reverseOrder says.
    let newest: { id: number; name: string } | undefined;
    for (const event of response.events ?? []) {
      const name = event.stateEnteredEventDetails?.name;
      if (name !== undefined && event.id !== undefined && (newest === undefined || event.id > newest.id))
        newest = { id: event.id, name };
    }
    return newest?.name;
  }
}
