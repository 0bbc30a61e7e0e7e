import aslValidator from 'asl-validator';
import { z } from 'zod';
import { STATE_NAMES, BATCH_CONCURRENCY } from '../../lib/workflow/definition';
import { allStates, type AslState, definitionFromTemplate, parsedDefinition } from './support/definition';
import { onlyResource, synthStack } from './support/synth';

const { template } = synthStack({
  clusters: { names: ['prod-a', 'prod-b'] },
  clusterConcurrency: 3,
  nodeCollection: { batchTimeoutSeconds: 600 },
});
const states = allStates(parsedDefinition(template));

function state(name: string): AslState {
  const found = states.get(name);
  if (found === undefined) throw new Error(`no state ${name}`);
  return found;
}

describe('audit workflow (the definition read from the synthesized template)', () => {
  it('is a valid Amazon States Language document (asl-validator)', () => {
    const result = aslValidator(definitionFromTemplate(template));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('is a Standard workflow with logging ALL without execution data, X-Ray on and a timeout', () => {
    const machine = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    expect(machine.Properties['StateMachineType']).toBe('STANDARD');
    expect(machine.Properties['TracingConfiguration']).toEqual({ Enabled: true });
    expect(machine.Properties['LoggingConfiguration']).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(parsedDefinition(template)['TimeoutSeconds']).toBe(3 * 3600);
  });

  it('has exactly the states of the contract', () => {
    expect([...states.keys()].sort()).toEqual(Object.values(STATE_NAMES).sort());
    expect(parsedDefinition(template).StartAt).toBe(STATE_NAMES.plan);
  });

  it('passes the plan the execution input, name and id, and does not catch its errors', () => {
    expect(state(STATE_NAMES.plan)['Parameters']).toMatchObject({
      Payload: { 'input.$': '$', 'executionName.$': '$$.Execution.Name', 'executionArn.$': '$$.Execution.Id' },
    });
    expect(state(STATE_NAMES.plan)['Catch']).toBeUndefined();
    expect(state(STATE_NAMES.plan)['Next']).toBe(STATE_NAMES.clusters);
  });

  it('maps over the clusters with the configured concurrency and merges the run into each item', () => {
    expect(state(STATE_NAMES.clusters)).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.clusters',
      MaxConcurrency: 3,
      ItemSelector: { 'run.$': '$', target: { 'cluster.$': '$$.Map.Item.Value' } },
      ResultPath: '$.results',
      End: true,
    });
    expect(state(STATE_NAMES.auditCluster)['Parameters']).toMatchObject({
      'Payload.$': 'States.JsonMerge($.run, $.target, false)',
    });
  });

  it('catches any failure of a cluster branch into Publish Failure with the run id, cluster and error', () => {
    expect(state(STATE_NAMES.cluster)['Catch']).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: STATE_NAMES.publishFailure },
    ]);
    expect(state(STATE_NAMES.publishFailure)['Parameters']).toMatchObject({
      Payload: {
        'runId.$': '$.run.runId',
        'cluster.$': '$.target.cluster.name',
        'startedAt.$': '$.run.startedAt',
        'executionArn.$': '$.run.executionArn',
        failure: { 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' },
      },
    });
  });

  it('collects each batch with a task token, a timeout, and catches that record the batch and continue', () => {
    expect(state(STATE_NAMES.batches)).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.batches',
      MaxConcurrency: BATCH_CONCURRENCY,
      ResultPath: '$.batches',
      Next: STATE_NAMES.analyzeNodes,
    });
    const collect = state(STATE_NAMES.collectNodes);
    expect(collect['Resource']).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(collect['TimeoutSeconds']).toBe(600);
    expect(collect['Parameters']).toMatchObject({
      Payload: {
        'runId.$': '$.runId',
        'cluster.$': '$.cluster',
        'batchIndex.$': '$.batchIndex',
        'taskToken.$': '$$.Task.Token',
      },
    });
    expect(collect['Catch']).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: STATE_NAMES.batchTimedOut },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: STATE_NAMES.batchFailed },
    ]);
    expect(state(STATE_NAMES.batchTimedOut)['Parameters']).toEqual({
      'batchIndex.$': '$.batchIndex',
      error: { Error: 'States.Timeout', Cause: 'no command status event within 600 s' },
    });
    // The token's output ({ batchIndex, commandId, status }) is the iteration's result: one state per batch.
    expect(collect['ResultPath']).toBeUndefined();
    expect(collect['End']).toBe(true);
  });

  it('retries throttling with backoff and full jitter on every Lambda step, and ClusterAccessError on Audit Cluster', () => {
    for (const name of [
      STATE_NAMES.plan,
      STATE_NAMES.auditCluster,
      STATE_NAMES.collectNodes,
      STATE_NAMES.analyzeNodes,
      STATE_NAMES.publish,
    ]) {
      expect(state(name)['Retry']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            ErrorEquals: ['Lambda.TooManyRequestsException', 'ThrottlingException'],
            BackoffRate: 2,
            MaxAttempts: 6,
            JitterStrategy: 'FULL',
          }),
        ]),
      );
    }
    expect(state(STATE_NAMES.auditCluster)['Retry']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: ['ClusterAccessError'], JitterStrategy: 'FULL' }),
      ]),
    );
  });

  it('invokes the functions through lambda:invoke with the handler result as the state output', () => {
    const analyze = state(STATE_NAMES.analyzeNodes);
    expect(analyze['Resource']).toBe('arn:aws:states:::lambda:invoke');
    expect(analyze['OutputPath']).toBe('$.Payload');
    expect(analyze['Parameters']).toEqual({
      FunctionName: expect.stringMatching(
        /^arn:aws:lambda:eu-west-1:123456789012:function:FunctionsAnalyzeNodes/,
      ) as string,
      Payload: { 'runId.$': '$.runId', 'cluster.$': '$.cluster', 'batches.$': '$.batches' },
    });
    expect(state(STATE_NAMES.publish)['Parameters']).toMatchObject({
      Payload: { 'runId.$': '$.runId', 'cluster.$': '$.cluster', 'reportKey.$': '$.reportKey' },
    });
    expect(state(STATE_NAMES.publish)['End']).toBe(true);
  });

  it("links alerts to the execution on the console host of the stack's partition (not the URL suffix)", () => {
    const mappings = z
      .record(z.string(), z.record(z.string(), z.object({ host: z.string() })))
      .parse(template.toJSON()['Mappings']);
    expect(Object.values(mappings)).toContainEqual({
      aws: { host: 'console.aws.amazon.com' },
      'aws-cn': { host: 'console.amazonaws.cn' },
      'aws-us-gov': { host: 'console.amazonaws-us-gov.com' },
    });
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const base = z
      .object({ Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }) })
      .parse(functions.find((fn) => JSON.stringify(fn).includes('STATE_MACHINE_CONSOLE_BASE'))).Properties.Environment
      .Variables['STATE_MACHINE_CONSOLE_BASE'];
    expect(JSON.stringify(base)).toContain('"Fn::FindInMap"');
    expect(JSON.stringify(base)).not.toContain('AWS::URLSuffix');
  });
});
