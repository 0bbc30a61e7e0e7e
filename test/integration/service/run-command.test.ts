/**
 * `netpol-audit run --stack` against moto in server mode (127.0.0.1): CloudFormation DescribeStacks on a stack
 * created in moto from a minimal template whose Outputs are the two the CLI reads, Step Functions StartExecution /
 * DescribeExecution / GetExecutionHistory on a state machine created in moto, and the report.json in moto's S3.
 *
 * What moto does and does not do: by default moto's Step Functions does not run a definition at all, and every
 * execution stays RUNNING for ever (moto/stepfunctions/models.py). With `execute_state_machine` switched on through
 * /moto-api/config (before any state machine is created: the switch moves to another backend) it interprets the
 * ASL, but a Task state would invoke moto's Lambda, which needs Docker. So the state machines here are stand-ins
 * for the audit workflow: a Wait (named like the real Map state, so the progress line has a step) and a Pass whose
 * Result is the output the real workflow ends with (the plan's fields and publish's results), or a Fail state
 * with the cause the plan step gives. The real workflow's output shape is exercised by the local-executor tests of
 * this folder (workflow-run.test.ts), not here.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { StackWorkflow } from '#adapters/stepfunctions/stack-workflow';
import { ExecutionOutput } from '../../../lambdas/shared/service/contract';
import { RUN_STACK_OUTPUTS } from '../../../lambdas/shared/service/stack-outputs';
import { runCli } from '../../support/run-cli';
import { cleanSeedReport, uncheckedReport } from '../../support/seed-report';
import { startMotoServer, type MotoServer } from '../node-collector/moto-server';
import { MOTO_CREDENTIALS, useMotoForCli } from './support/cli-environment';

jest.setTimeout(120_000);

const REGION = 'eu-west-1';
const BUCKET = 'netpol-audit-reports';

const ROLE = 'arn:aws:iam::123456789012:role/netpol-audit-workflow';
const PREFIX_A = 'reports/prod-a/2026/12/04/nightly-1/';
const PREFIX_B = 'reports/prod-b/2026/12/04/nightly-1/';

let moto: MotoServer;
let sfn: SFNClient;
let cloudFormation: CloudFormationClient;
let restoreEnvironment: () => void = () => undefined;

function workflowOutput(results: ExecutionOutput['results']): ExecutionOutput {
  return {
    runId: 'nightly-1',
    startedAt: '2026-12-04T12:00:00.000Z',
    focus: {},
    clusters: results.map((result) => ({ name: result.cluster })),
    results,
  };
}

/** A stand-in workflow in moto and a CloudFormation stack whose outputs name it and the bucket. */
async function deployStack(stackName: string, states: Record<string, unknown>, startAt: string): Promise<string> {
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name: `${stackName}Workflow`,
      roleArn: ROLE,
      definition: JSON.stringify({ StartAt: startAt, States: states }),
    }),
  );
  const stateMachineArn = machine.stateMachineArn ?? '';
  await cloudFormation.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify({
        Resources: { Alerts: { Type: 'AWS::SNS::Topic' } },
        Outputs: {
          StateMachineArn: { Value: stateMachineArn },
          ReportsBucketName: { Value: BUCKET },
          DashboardName: { Value: 'netpol-audit' },
        },
      }),
    }),
  );
  return stateMachineArn;
}

function succeeding(output: ExecutionOutput): Record<string, unknown> {
  return {
    'Audit Clusters': { Type: 'Wait', Seconds: 3, Next: 'Publish' },
    Publish: { Type: 'Pass', Result: output, End: true },
  };
}

async function onlyExecutionOf(stateMachineArn: string) {
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  expect(listed.executions).toHaveLength(1);
  return sfn.send(new DescribeExecutionCommand({ executionArn: listed.executions?.[0]?.executionArn ?? '' }));
}

beforeAll(async () => {
  moto = await startMotoServer();
  const config = await fetch(`${moto.endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  expect(config.ok).toBe(true);
  const clientConfig = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  sfn = new SFNClient(clientConfig);
  cloudFormation = new CloudFormationClient(clientConfig);
  const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  for (const [key, report] of [
    [`${PREFIX_A}report.json`, await cleanSeedReport('prod-a')],
    [`${PREFIX_B}report.json`, uncheckedReport('prod-b')],
  ] as const)
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(report) }));
  s3.destroy();
  restoreEnvironment = useMotoForCli(moto.endpoint);
});

afterAll(async () => {
  restoreEnvironment();
  sfn.destroy();
  cloudFormation.destroy();
  await moto.stop();
});

describe('netpol-audit run --stack against moto', () => {
  it('starts the stack workflow with the flags as input, follows it and prints the clean summary (exit 0)', async () => {
    const stateMachineArn = await deployStack(
      'NetpolAuditClean',
      succeeding(workflowOutput([{ cluster: 'prod-a', reportPrefix: PREFIX_A, newFindings: 0, alerted: false }])),
      'Audit Clusters',
    );

    const result = await runCli([
      'run',
      '--stack',
      'NetpolAuditClean',
      '--region',
      REGION,
      '--cluster',
      'prod-a',
      '--pods',
      'shop/web-1',
      '--explain',
      'from=shop/web-1,to=shop/db-0,port=5432',
    ]);

    expect(result.stderr).toMatch(/^netpol-audit run: started arn:aws:states:eu-west-1:\d{12}:execution:/);
    expect(result.stderr).toContain('netpol-audit run: RUNNING, step Audit Clusters (');
    expect(result.stdout).toMatch(/^execution cli-\d{8}T\d{6}Z-[0-9a-f]{6} SUCCEEDED: 1 cluster\(s\)\n/);
    expect(result.stdout).toContain('cluster prod-a: 1 finding(s) (critical 0, high 0, medium 0, low 0, info 1)');
    expect(result.stdout).toContain(`report s3://${BUCKET}/${PREFIX_A}`);
    expect(result.code).toBe(0);
    const execution = await onlyExecutionOf(stateMachineArn);
    expect(JSON.parse(execution.input ?? '')).toEqual({
      clusters: ['prod-a'],
      pods: ['shop/web-1'],
      explain: { from: 'shop/web-1', to: 'shop/db-0', port: 5432 },
    });
  });

  it('exits 1 when a cluster has a finding at the threshold (a cluster the run could not check)', async () => {
    await deployStack(
      'NetpolAuditDrift',
      {
        Publish: {
          Type: 'Pass',
          Result: workflowOutput([
            { cluster: 'prod-a', reportPrefix: PREFIX_A, newFindings: 0, alerted: false },
            { cluster: 'prod-b', reportPrefix: PREFIX_B, newFindings: 1, alerted: true },
          ]),
          End: true,
        },
      },
      'Publish',
    );

    const result = await runCli(['run', '--stack', 'NetpolAuditDrift', '--region', REGION]);

    expect(result.stdout).toContain('cluster prod-b: 1 finding(s) (critical 0, high 1, medium 0, low 0, info 0)');
    expect(result.stdout).toContain('new since the previous run: 1 (alert sent)');
    expect(result.stdout).toContain(`report s3://${BUCKET}/${PREFIX_B}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('netpol-audit run: started');
    const quiet = await runCli([
      'run',
      '--stack',
      'NetpolAuditDrift',
      '--region',
      REGION,
      '--fail-on',
      'critical',
      '--quiet',
    ]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('new since the previous run: 1 (alert sent)');
  });

  it('exits 1 with the error and cause of a failed execution', async () => {
    await deployStack(
      'NetpolAuditFailing',
      {
        Plan: {
          Type: 'Fail',
          Error: 'RunInputError',
          Cause: 'clusters: not configured in this stack: prod-z (configured: prod-a)',
        },
      },
      'Plan',
    );

    const result = await runCli(['run', '--stack', 'NetpolAuditFailing', '--region', REGION, '--cluster', 'prod-z']);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^execution cli-\S+ FAILED: RunInputError: clusters: not configured in this stack: prod-z \(configured: prod-a\)\narn:aws:states:/,
    );
  });

  it('--no-wait prints the execution ARN once started', async () => {
    const stateMachineArn = await deployStack('NetpolAuditNoWait', succeeding(workflowOutput([])), 'Audit Clusters');

    const result = await runCli(['run', '--stack', 'NetpolAuditNoWait', '--region', REGION, '--no-wait']);

    expect(result.code).toBe(0);
    const execution = await onlyExecutionOf(stateMachineArn);
    expect(result.stdout).toBe(`${execution.executionArn ?? ''}\n`);
    expect(execution.input).toBe('{}');
  });

  it('exits 2 naming the AWS error for a stack that does not exist, and for one that is not an audit stack', async () => {
    const missing = await runCli(['run', '--stack', 'NoSuchStack', '--region', REGION]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'netpol-audit: AwsCallError: CloudFormation DescribeStacks: ValidationError: Stack with id NoSuchStack does not exist\n',
    );

    await cloudFormation.send(
      new CreateStackCommand({
        StackName: 'SomethingElse',
        TemplateBody: JSON.stringify({
          Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
          Outputs: { TopicArn: { Value: { Ref: 'Topic' } } },
        }),
      }),
    );
    const other = await runCli(['run', '--stack', 'SomethingElse', '--region', REGION]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      'stack SomethingElse is not an audit stack: output StateMachineArn is missing (outputs: TopicArn)',
    );
  });
});

describe("moto's default Step Functions (execute_state_machine off), through the same adapter", () => {
  it('starts an execution that stays RUNNING with no output: why the tests above switch execution on', async () => {
    const plain = await startMotoServer();
    const clientConfig = { region: REGION, endpoint: plain.endpoint, credentials: MOTO_CREDENTIALS };
    const plainSfn = new SFNClient(clientConfig);
    const plainCloudFormation = new CloudFormationClient(clientConfig);
    try {
      const machine = await plainSfn.send(
        new CreateStateMachineCommand({
          name: 'Plain',
          roleArn: ROLE,
          definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
        }),
      );
      const workflow = new StackWorkflow(plainCloudFormation, plainSfn, RUN_STACK_OUTPUTS);
      const { executionArn } = await workflow.startExecution({
        stateMachineArn: machine.stateMachineArn ?? '',
        name: 'cli-plain',
        input: {},
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await expect(workflow.describeExecution(executionArn)).resolves.toEqual({ status: 'RUNNING' });
    } finally {
      plainSfn.destroy();
      plainCloudFormation.destroy();
      await plain.stop();
    }
  });
});
