import { randomBytes } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Command, InvalidArgumentError, Option } from 'commander';
import { S3Objects } from '#adapters/s3/s3-objects';
import { StackWorkflow } from '#adapters/stepfunctions/stack-workflow';
import {
  atLeast,
  AuditReport,
  AwsCallError,
  renderSummary,
  type AuditWorkflowPort,
  type ExecutionState,
  type Severity,
} from '#engine';
import { ExecutionOutput, type ExecutionInput } from '../service/contract';
import { validateExecutionInput } from '../service/plan-run';
import { causeDetail } from '../service/step-error';
import { RUN_STACK_OUTPUTS } from '../service/stack-outputs';
import { parseSeverity } from './audit';
import { awsClientConfig, awsOptions, s3PathStyle, type AwsFlags } from './aws-options';
import { EXIT_CLEAN, EXIT_FINDINGS, type ExitCodeSink } from './exit-codes';

export interface RunFlags extends AwsFlags {
  stack: string;
  cluster?: string[];
  namespaces?: string[];
  pods?: string[];
  explain?: Record<string, string>;
  wait: boolean;
  failOn: Severity;
  timeout: number;
  quiet?: boolean;
}

export interface RunDependencies {
  readonly workflow: AuditWorkflowPort;
  /** The reports bucket of the stack (report.json of each cluster). */
  readonly reports: (bucket: string) => S3Objects;
  readonly sleep: (milliseconds: number) => Promise<void>;
  readonly now: () => Date;
  readonly progress: (line: string) => void;
  readonly output: (text: string) => void;
}

/** First poll after 2 s, then 1.5× longer each time, at most 15 s between polls. */
export const POLL_FIRST_MS = 2_000;
export const POLL_MAX_MS = 15_000;
const POLL_FACTOR = 1.5;

function list(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...(previous ?? []), ...items];
}

function repeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `from=ns/pod,to=ns/pod,port=80[,protocol=TCP]` as key/value pairs; the schema checks the keys and values. */
function parseExplain(value: string): Record<string, string> {
  const pairs: [string, string][] = [];
  for (const part of value.split(',')) {
    const [key, ...rest] = part.split('=');
    if (key === undefined || key.trim() === '' || rest.length === 0)
      throw new InvalidArgumentError(
        `expected from=<ns/pod>,to=<ns/pod>,port=<n>[,protocol=TCP|UDP|SCTP], got "${part}"`,
      );
    pairs.push([key.trim(), rest.join('=').trim()]);
  }
  return Object.fromEntries(pairs);
}

function parseMinutes(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 1440)
    throw new InvalidArgumentError('expected whole minutes from 1 to 1440');
  return parsed;
}

/** The execution input from the flags, validated by the plan step's own validator (same fields, same messages). */
export function executionInputOf(flags: RunFlags): ExecutionInput {
  const { explain } = flags;
  const port = explain?.['port'];
  return validateExecutionInput({
    ...(flags.cluster === undefined ? {} : { clusters: flags.cluster }),
    ...(flags.namespaces === undefined ? {} : { namespaces: flags.namespaces }),
    ...(flags.pods === undefined ? {} : { pods: flags.pods }),
    ...(explain === undefined
      ? {}
      : { explain: { ...explain, ...(port === undefined ? {} : { port: /^\d+$/.test(port) ? Number(port) : port }) } }),
  });
}

/** `cli-<UTC time>-<6 hex>`: a valid execution name (and run id) that sorts by start time. */
export function executionName(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `cli-${stamp}-${randomBytes(3).toString('hex')}`;
}

function seconds(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 1000);
}

async function waitForEnd(
  executionArn: string,
  flags: RunFlags,
  dependencies: RunDependencies,
): Promise<ExecutionState> {
  const started = dependencies.now();
  let delay = POLL_FIRST_MS;
  let shown = '';
  let historyReadable = true;
  for (;;) {
    await dependencies.sleep(delay);
    delay = Math.min(POLL_MAX_MS, Math.round(delay * POLL_FACTOR));
    const state = await dependencies.workflow.describeExecution(executionArn);
    if (state.status !== 'RUNNING') return state;
    let step: string | undefined;
    if (historyReadable) {
      try {
        step = await dependencies.workflow.lastEnteredState(executionArn);
      } catch (error) {
        historyReadable = false;
        dependencies.progress(
          `netpol-audit run: no step progress (${error instanceof Error ? error.message : String(error)}); polling the status only`,
        );
      }
    }
    const line = step === undefined ? state.status : `${state.status}, step ${step}`;
    const elapsed = seconds(started, dependencies.now());
    if (line !== shown) {
      dependencies.progress(`netpol-audit run: ${line} (${elapsed} s)`);
      shown = line;
    }
    if (elapsed >= flags.timeout * 60)
      throw new AwsCallError(
        'StepFunctions',
        'DescribeExecution',
        `still RUNNING after ${flags.timeout} min; the execution goes on: aws stepfunctions describe-execution --execution-arn ${executionArn}`,
      );
  }
}

function parseOutput(executionArn: string, output: string | undefined): ExecutionOutput {
  if (output === undefined)
    throw new AwsCallError(
      'StepFunctions',
      'DescribeExecution',
      `${executionArn} succeeded without an output, so there are no per-cluster results to show`,
    );
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch {
    json = output;
  }
  const parsed = ExecutionOutput.safeParse(json);
  if (!parsed.success)
    throw new AwsCallError(
      'StepFunctions',
      'DescribeExecution',
      `${executionArn} succeeded, but its output is not the audit workflow's (${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? '?'})`,
    );
  return parsed.data;
}

/**
 * Starts the stack's workflow with the flags as the execution input, follows it on stderr, then prints each
 * cluster's summary and report location (read from the report.json that publish wrote). Exit 1 when a cluster has
 * a finding at or above `--fail-on` or the execution did not succeed.
 */
export async function runWorkflow(flags: RunFlags, dependencies: RunDependencies): Promise<number> {
  const input = executionInputOf(flags);
  const { workflow } = dependencies;
  const stack = await workflow.stackOutputs(flags.stack);
  const name = executionName(dependencies.now());
  const { executionArn } = await workflow.startExecution({ stateMachineArn: stack.stateMachineArn, name, input });
  if (!flags.wait) {
    dependencies.output(`${executionArn}\n`);
    return EXIT_CLEAN;
  }
  dependencies.progress(`netpol-audit run: started ${executionArn}`);
  const end = await waitForEnd(executionArn, flags, dependencies);
  if (end.status !== 'SUCCEEDED') {
    dependencies.output(
      `execution ${name} ${end.status}: ${end.error ?? 'no error name'}: ${end.cause === undefined ? 'no cause given' : causeDetail(end.cause)}\n${executionArn}\n`,
    );
    return EXIT_FINDINGS;
  }
  const result = parseOutput(executionArn, end.output);
  const objects = dependencies.reports(stack.reportsBucketName);
  let exitCode = EXIT_CLEAN;
  const lines = [`execution ${name} SUCCEEDED: ${result.results.length} cluster(s)`];
  for (const cluster of result.results) {
    const report = await objects.requireJson(`${cluster.reportPrefix}report.json`, AuditReport);
    if (report.findings.some((finding) => atLeast(finding.severity, flags.failOn))) exitCode = EXIT_FINDINGS;
    lines.push(
      '',
      renderSummary(report, []),
      `new since the previous run: ${cluster.newFindings}${cluster.alerted ? ' (alert sent)' : ''}`,
      `report ${objects.location(cluster.reportPrefix)}`,
    );
  }
  dependencies.output(`${lines.join('\n')}\n`);
  return exitCode;
}

/** The real clients from the user's credential chain (`--profile`, `--region`, the environment). */
export function awsRunDependencies(flags: RunFlags): RunDependencies {
  const config = awsClientConfig(flags);
  const s3 = new S3Client({ ...config, forcePathStyle: s3PathStyle() });
  return {
    workflow: new StackWorkflow(new CloudFormationClient(config), new SFNClient(config), RUN_STACK_OUTPUTS),
    reports: (bucket) => new S3Objects(s3, bucket),
    sleep: (milliseconds) =>
      new Promise((resolve) => {
        setTimeout(resolve, milliseconds);
      }),
    now: () => new Date(),
    progress: (line) => {
      if (flags.quiet !== true) process.stderr.write(`${line}\n`);
    },
    output: (text) => {
      process.stdout.write(text);
    },
  };
}

export function runCommand(setExitCode: ExitCodeSink): Command {
  const command = new Command('run')
    .description(
      "start the deployed service's audit workflow from the stack's outputs, follow it, and print each cluster's summary and report location",
    )
    .requiredOption('--stack <name>', 'the CloudFormation stack of the audit service');
  for (const option of awsOptions('stack')) command.addOption(option);
  return command
    .option('--cluster <name>', 'audit this configured cluster (repeatable; default: all of the stack)', repeated)
    .option('--namespaces <ns,...>', 'focus on these namespaces', list)
    .option('--pods <ns/pod,...>', 'focus on these pods (only their nodes are collected)', list)
    .option(
      '--explain <spec>',
      'explain one flow: from=<ns/pod>,to=<ns/pod>,port=<n>[,protocol=TCP|UDP|SCTP]',
      parseExplain,
    )
    .option('--no-wait', 'print the execution ARN and return once it started')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .default('high')
        .argParser(parseSeverity),
    )
    .addOption(
      new Option('--timeout <minutes>', 'stop waiting after this long (exit 2; the execution goes on)')
        .default(60)
        .argParser(parseMinutes),
    )
    .option('--quiet', 'no status lines on stderr while the execution runs (errors still go there)')
    .action(async (flags: RunFlags) => {
      setExitCode(await runWorkflow(flags, awsRunDependencies(flags)));
    });
}
