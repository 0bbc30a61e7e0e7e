import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StackWorkflow } from '#adapters/stepfunctions/stack-workflow';
import {
  runWorkflow,
  POLL_FIRST_MS,
  POLL_MAX_MS,
  type RunDependencies,
  type RunFlags,
} from '../../../lambdas/shared/cli/run';
import { RUN_STACK_OUTPUTS } from '../../../lambdas/shared/service/stack-outputs';
import { runCli } from '../../support/run-cli';
import { cleanSeedReport, uncheckedReport } from '../../support/seed-report';
import { memoryS3 } from '../support/memory-s3';

const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:NetpolAuditWorkflow';
const BUCKET = 'netpol-audit-reports';
const PREFIX_A = 'reports/prod-a/2026/12/04/cli-x/';
const PREFIX_B = 'reports/prod-b/2026/12/04/cli-x/';

function execution(status: DescribeExecutionCommandOutput['status'], extra: Record<string, string> = {}) {
  return { executionArn: 'x', stateMachineArn: STATE_MACHINE, startDate: new Date(), status, ...extra };
}

function output(results: { cluster: string; reportPrefix: string; newFindings: number; alerted: boolean }[]): string {
  return JSON.stringify({
    runId: 'cli-x',
    startedAt: '2026-12-04T12:00:00.000Z',
    focus: {},
    clusters: results.map((result) => ({ name: result.cluster })),
    results,
  });
}

const FLAGS: RunFlags = { stack: 'NetpolAudit', wait: true, failOn: 'high', timeout: 60 };

interface Harness {
  readonly dependencies: RunDependencies;
  readonly sleeps: number[];
  readonly progress: string[];
  stdout: () => string;
}

function harness(): Harness {
  const sleeps: number[] = [];
  const progress: string[] = [];
  let stdout = '';
  let clock = Date.parse('2026-12-04T12:00:00Z');
  return {
    sleeps,
    progress,
    stdout: () => stdout,
    dependencies: {
      workflow: new StackWorkflow(
        new CloudFormationClient({ region: 'eu-west-1' }),
        new SFNClient({ region: 'eu-west-1' }),
        RUN_STACK_OUTPUTS,
      ),
      reports: (bucket) => {
        expect(bucket).toBe(BUCKET);
        return reports.objects;
      },
      sleep: (milliseconds) => {
        sleeps.push(milliseconds);
        clock += milliseconds;
        return Promise.resolve();
      },
      now: () => new Date(clock),
      progress: (line) => progress.push(line),
      output: (text) => {
        stdout += text;
      },
    },
  };
}

let reports: ReturnType<typeof memoryS3>;

beforeEach(async () => {
  cloudFormation.reset();
  sfn.reset();
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'NetpolAudit',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE },
          { OutputKey: 'ReportsBucketName', OutputValue: BUCKET },
        ],
      },
    ],
  });
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `arn:aws:states:eu-west-1:111122223333:execution:NetpolAuditWorkflow:${input.name}`,
    startDate: new Date(),
  }));
  sfn.on(GetExecutionHistoryCommand).resolves({
    events: [
      { id: 5, timestamp: new Date(), type: 'MapStateEntered', stateEnteredEventDetails: { name: 'Audit Clusters' } },
    ],
  });
  reports = memoryS3(BUCKET);
  await reports.objects.putJson(`${PREFIX_A}report.json`, await cleanSeedReport('prod-a'));
  await reports.objects.putJson(`${PREFIX_B}report.json`, uncheckedReport('prod-b'));
});

afterEach(() => {
  reports.restore();
});

describe('netpol-audit run: the execution it starts', () => {
  it('starts the state machine of the stack with a valid name and the flags as the plan step reads them', async () => {
    sfn.on(DescribeExecutionCommand).resolves(execution('RUNNING'));
    const { dependencies, stdout } = harness();

    const code = await runWorkflow(
      {
        ...FLAGS,
        wait: false,
        cluster: ['prod-a'],
        namespaces: ['shop'],
        pods: ['shop/web-1', 'shop/db-0'],
        explain: { from: 'shop/web-1', to: 'shop/db-0', port: '5432', protocol: 'TCP' },
      },
      dependencies,
    );

    expect(code).toBe(0);
    const input = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(input?.stateMachineArn).toBe(STATE_MACHINE);
    expect(input?.name).toMatch(/^cli-20261204T120000Z-[0-9a-f]{6}$/);
    expect(JSON.parse(input?.input ?? '')).toEqual({
      clusters: ['prod-a'],
      namespaces: ['shop'],
      pods: ['shop/web-1', 'shop/db-0'],
      explain: { from: 'shop/web-1', to: 'shop/db-0', port: 5432, protocol: 'TCP' },
    });
    // --no-wait: the ARN on stdout, nothing polled.
    expect(stdout()).toBe(`arn:aws:states:eu-west-1:111122223333:execution:NetpolAuditWorkflow:${input?.name ?? ''}\n`);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it('sends {} for a run over every configured cluster (the nightly input)', async () => {
    const { dependencies } = harness();
    await runWorkflow({ ...FLAGS, wait: false }, dependencies);

    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input).toBe('{}');
  });
});

describe('netpol-audit run: waiting and the summary', () => {
  it('polls with backoff, shows the step on stderr, and prints each cluster with its report location', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(
        execution('SUCCEEDED', {
          output: output([
            { cluster: 'prod-a', reportPrefix: PREFIX_A, newFindings: 0, alerted: false },
            { cluster: 'prod-b', reportPrefix: PREFIX_B, newFindings: 1, alerted: true },
          ]),
        }),
      );
    const { dependencies, sleeps, progress, stdout } = harness();

    const code = await runWorkflow(FLAGS, dependencies);

    expect(sleeps).toEqual([POLL_FIRST_MS, 3_000, 4_500, 6_750]);
    expect(progress[0]).toMatch(/^netpol-audit run: started arn:aws:states:.*:execution:NetpolAuditWorkflow:cli-/);
    expect(progress.slice(1)).toEqual(['netpol-audit run: RUNNING, step Audit Clusters (2 s)']);
    const text = stdout();
    expect(text).toMatch(/^execution cli-\S+ SUCCEEDED: 2 cluster\(s\)\n/);
    expect(text).toContain('cluster prod-a: 1 finding(s) (critical 0, high 0, medium 0, low 0, info 1)');
    expect(text).toContain(`report s3://${BUCKET}/${PREFIX_A}`);
    expect(text).toContain('cluster prod-b: 1 finding(s) (critical 0, high 1, medium 0, low 0, info 0)');
    expect(text).toContain('new since the previous run: 1 (alert sent)');
    expect(text).toContain(`report s3://${BUCKET}/${PREFIX_B}`);
    // prod-b's high finding (the cluster could not be checked) is at the default --fail-on high.
    expect(code).toBe(1);
  });

  it('exits 0 when no finding reaches --fail-on', async () => {
    sfn.on(DescribeExecutionCommand).resolves(
      execution('SUCCEEDED', {
        output: output([
          { cluster: 'prod-a', reportPrefix: PREFIX_A, newFindings: 0, alerted: false },
          { cluster: 'prod-b', reportPrefix: PREFIX_B, newFindings: 1, alerted: true },
        ]),
      }),
    );

    expect(await runWorkflow({ ...FLAGS, failOn: 'critical' }, harness().dependencies)).toBe(0);
  });

  it('caps the poll interval at the maximum', async () => {
    sfn.on(DescribeExecutionCommand).resolves(execution('RUNNING'));
    const { dependencies, sleeps } = harness();

    await expect(runWorkflow({ ...FLAGS, timeout: 2 }, dependencies)).rejects.toThrow(
      /^StepFunctions DescribeExecution: still RUNNING after 2 min; the execution goes on: aws stepfunctions describe-execution --execution-arn arn:aws:states:/,
    );
    expect(Math.max(...sleeps)).toBe(POLL_MAX_MS);
  });

  it('exits 1 with the error and cause of a failed execution', async () => {
    sfn.on(DescribeExecutionCommand).resolves(
      execution('FAILED', {
        error: 'RunInputError',
        cause: JSON.stringify({
          errorType: 'RunInputError',
          errorMessage: 'clusters: not configured in this stack: prod-z',
          trace: [
            'RunInputError: clusters: not configured in this stack: prod-z',
            '    at planRun (plan-run.ts:35:13)',
          ],
        }),
      }),
    );
    const { dependencies, stdout } = harness();

    expect(await runWorkflow({ ...FLAGS, cluster: ['prod-z'] }, dependencies)).toBe(1);
    // The Lambda's errorMessage, not its JSON payload and stack trace.
    expect(stdout()).toMatch(/FAILED: RunInputError: clusters: not configured in this stack: prod-z\narn:aws:states:/);
  });

  it('refuses a success without an output (what moto answers when it does not execute the definition)', async () => {
    sfn.on(DescribeExecutionCommand).resolves(execution('SUCCEEDED'));

    await expect(runWorkflow(FLAGS, harness().dependencies)).rejects.toThrow(
      /^StepFunctions DescribeExecution: arn:\S+ succeeded without an output/,
    );
  });

  it("refuses an output that is not the audit workflow's, naming the field", async () => {
    sfn.on(DescribeExecutionCommand).resolves(execution('SUCCEEDED', { output: '"An output"' }));

    await expect(runWorkflow(FLAGS, harness().dependencies)).rejects.toThrow(/its output is not the audit workflow's/);
  });

  it('keeps polling on status alone when the history cannot be read, saying so once', async () => {
    sfn
      .on(GetExecutionHistoryCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('ABORTED'));
    const { dependencies, progress } = harness();

    expect(await runWorkflow(FLAGS, dependencies)).toBe(1);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(1);
    expect(progress.slice(1)).toEqual([
      'netpol-audit run: no step progress (StepFunctions GetExecutionHistory: AccessDeniedException: not authorized); polling the status only',
      'netpol-audit run: RUNNING (2 s)',
    ]);
  });
});

describe('netpol-audit run: usage and AWS errors exit 2', () => {
  it('rejects a bad pod reference before any AWS call, naming the field as the plan step does', async () => {
    const result = await runCli(['run', '--stack', 'NetpolAudit', '--region', 'eu-west-1', '--pods', 'web-1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('netpol-audit: RunInputError: pods.0: expected "<namespace>/<pod name>"\n');
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('rejects an explain without a port and one with an unknown key', async () => {
    const missing = await runCli(['run', '--stack', 'S', '--explain', 'from=a/b,to=c/d']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^netpol-audit: RunInputError: explain\.port: /);

    const unknown = await runCli(['run', '--stack', 'S', '--explain', 'from=a/b,to=c/d,port=80,proto=TCP']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('(proto)');

    const malformed = await runCli(['run', '--stack', 'S', '--explain', 'from']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('expected from=<ns/pod>,to=<ns/pod>,port=<n>');
  });

  it('needs --stack', async () => {
    const result = await runCli(['run']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--stack <name>' not specified");
  });

  it('names the AWS error of a stack that does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));

    const result = await runCli(['run', '--stack', 'Nope', '--region', 'eu-west-1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'netpol-audit: AwsCallError: CloudFormation DescribeStacks: ValidationError: Stack with id Nope does not exist\n',
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
