import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ERROR_NAMES, type AuditErrorName } from '../../lambdas/shared/engine/errors';

/** The functions the workflow invokes, one per step of the service contract. */
export interface WorkflowFunctions {
  readonly plan: lambda.IFunction;
  readonly auditCluster: lambda.IFunction;
  readonly collectNodes: lambda.IFunction;
  readonly analyzeNodes: lambda.IFunction;
  readonly publish: lambda.IFunction;
}

export function workflowFunctions(functions: WorkflowFunctions): lambda.IFunction[] {
  return [functions.plan, functions.auditCluster, functions.collectNodes, functions.analyzeNodes, functions.publish];
}

export interface AuditDefinitionProps {
  readonly functions: WorkflowFunctions;
  /** Clusters audited at the same time (Map MaxConcurrency). */
  readonly clusterConcurrency: number;
  /** How long one batch may wait for its command's status event (or its exec collection) before it times out. */
  readonly batchTimeout: Duration;
  /** `ssm`: Collect Nodes sends the command and waits for its task token; `exec`: a synchronous invoke. */
  readonly nodeCollector: NodeCollector;
}

export type NodeCollector = 'ssm' | 'exec';

/** ASL state names (also the keys of local-executor overrides in the scenario tests). */
export const STATE_NAMES = {
  plan: 'Plan',
  clusters: 'Audit Clusters',
  cluster: 'Audit One Cluster',
  auditCluster: 'Audit Cluster',
  batches: 'Collect Batches',
  collectNodes: 'Collect Nodes',
  batchTimedOut: 'Batch Timed Out',
  batchFailed: 'Batch Failed',
  analyzeNodes: 'Analyze Nodes',
  publish: 'Publish',
  publishFailure: 'Publish Failure',
} as const;

export const BATCH_CONCURRENCY = 10;

/** Errors that mean "too fast": retried with exponential backoff and full jitter. */
const THROTTLING_ERRORS = ['Lambda.TooManyRequestsException', 'ThrottlingException'];

function errorName(name: AuditErrorName): AuditErrorName {
  if (!ERROR_NAMES.includes(name)) throw new Error(`unknown error name ${name}`);
  return name;
}

/**
 * Plan -> Map over clusters -> per cluster [Audit Cluster -> Map over batches of Collect Nodes (task token) ->
 * Analyze Nodes -> Publish], a cluster that fails anywhere -> Publish Failure (a report saying it was not checked).
 * Built fresh on every call: a state belongs to one graph only.
 */
export function buildAuditDefinition(scope: Construct, props: AuditDefinitionProps): sfn.IChainable {
  const { functions } = props;
  const definition = new Construct(scope, 'Definition');

  const plan = invoke(definition, STATE_NAMES.plan, functions.plan, {
    input: sfn.JsonPath.entirePayload,
    executionName: sfn.JsonPath.executionName,
    executionArn: sfn.JsonPath.executionId,
  });

  const auditCluster = invokeWith(
    definition,
    STATE_NAMES.auditCluster,
    functions.auditCluster,
    // { runId, startedAt, cluster: { name }, focus, explain? }: the plan's fields merged with this item.
    sfn.TaskInput.fromJsonPathAt(
      sfn.JsonPath.jsonMerge(sfn.JsonPath.objectAt('$.run'), sfn.JsonPath.objectAt('$.target')),
    ),
  );
  auditCluster.addRetry({
    errors: [errorName('ClusterAccessError')],
    interval: Duration.seconds(5),
    maxAttempts: 2,
    backoffRate: 3,
    jitterStrategy: sfn.JitterType.FULL,
  });

  const analyzeNodes = invoke(definition, STATE_NAMES.analyzeNodes, functions.analyzeNodes, {
    runId: sfn.JsonPath.stringAt('$.runId'),
    cluster: sfn.JsonPath.stringAt('$.cluster'),
    batches: sfn.JsonPath.listAt('$.batches'),
  });
  const publish = invoke(definition, STATE_NAMES.publish, functions.publish, {
    runId: sfn.JsonPath.stringAt('$.runId'),
    cluster: sfn.JsonPath.stringAt('$.cluster'),
    reportKey: sfn.JsonPath.stringAt('$.reportKey'),
  });

  const branch = sfn.Chain.start(auditCluster)
    .next(batchesMap(definition, functions.collectNodes, props))
    .next(analyzeNodes)
    .next(publish);
  const oneCluster = sfn.Parallel.jsonPath(definition, STATE_NAMES.cluster, { outputPath: '$[0]' }).branch(branch);
  const publishFailure = invoke(definition, STATE_NAMES.publishFailure, functions.publish, {
    runId: sfn.JsonPath.stringAt('$.run.runId'),
    cluster: sfn.JsonPath.stringAt('$.target.cluster.name'),
    // The run's start dates the report prefix and the alert links the execution, as for the clusters checked.
    startedAt: sfn.JsonPath.stringAt('$.run.startedAt'),
    executionArn: sfn.JsonPath.stringAt('$.run.executionArn'),
    failure: { error: sfn.JsonPath.stringAt('$.failure.Error'), cause: sfn.JsonPath.stringAt('$.failure.Cause') },
  });
  oneCluster.addCatch(publishFailure, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });

  const clusters = sfn.Map.jsonPath(definition, STATE_NAMES.clusters, {
    itemsPath: '$.clusters',
    maxConcurrency: props.clusterConcurrency,
    itemSelector: {
      run: sfn.JsonPath.entirePayload,
      target: { cluster: sfn.JsonPath.objectAt('$$.Map.Item.Value') },
    },
    resultPath: '$.results',
  }).itemProcessor(oneCluster);

  return sfn.Chain.start(plan).next(clusters);
}

const batchItem = {
  runId: sfn.JsonPath.stringAt('$.runId'),
  cluster: sfn.JsonPath.stringAt('$.cluster'),
  batchIndex: sfn.JsonPath.numberAt('$.batchIndex'),
};

/**
 * SSM: the command is sent and the state waits for command-status to return the token with the batch outcome
 * ({ batchIndex, commandId, status }). Exec: the function collects the batch and returns its outcome. Either way
 * the outcome is the iteration's result, with no Pass state to reshape it (one state transition per batch).
 */
function collectNodesTask(
  scope: Construct,
  collectNodesFunction: lambda.IFunction,
  { batchTimeout, nodeCollector }: AuditDefinitionProps,
): tasks.LambdaInvoke {
  const taskTimeout = sfn.Timeout.duration(batchTimeout);
  if (nodeCollector === 'exec')
    return tasks.LambdaInvoke.jsonPath(scope, STATE_NAMES.collectNodes, {
      lambdaFunction: collectNodesFunction,
      payload: sfn.TaskInput.fromObject(batchItem),
      outputPath: '$.Payload',
      taskTimeout,
    });
  return tasks.LambdaInvoke.jsonPath(scope, STATE_NAMES.collectNodes, {
    lambdaFunction: collectNodesFunction,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ ...batchItem, taskToken: sfn.JsonPath.taskToken }),
    taskTimeout,
  });
}

function batchesMap(scope: Construct, collectNodesFunction: lambda.IFunction, props: AuditDefinitionProps): sfn.Map {
  const { batchTimeout } = props;
  const collectNodes = collectNodesTask(scope, collectNodesFunction, props);
  retryThrottling(collectNodes);
  const waitedFor = props.nodeCollector === 'exec' ? 'no end of the exec collection' : 'no command status event';
  const timedOut = sfn.Pass.jsonPath(scope, STATE_NAMES.batchTimedOut, {
    parameters: {
      batchIndex: sfn.JsonPath.numberAt('$.batchIndex'),
      error: { Error: sfn.Errors.TIMEOUT, Cause: `${waitedFor} within ${batchTimeout.toSeconds()} s` },
    },
  });
  const failed = sfn.Pass.jsonPath(scope, STATE_NAMES.batchFailed, {
    parameters: {
      batchIndex: sfn.JsonPath.numberAt('$.batchIndex'),
      // The Catch output as it is, { Error, Cause }: no path into it that could be missing.
      error: sfn.JsonPath.objectAt('$.failure'),
    },
  });
  collectNodes.addCatch(timedOut, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
  collectNodes.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  return sfn.Map.jsonPath(scope, STATE_NAMES.batches, {
    itemsPath: '$.batches',
    maxConcurrency: BATCH_CONCURRENCY,
    itemSelector: {
      runId: sfn.JsonPath.stringAt('$.runId'),
      cluster: sfn.JsonPath.stringAt('$.cluster'),
      batchIndex: sfn.JsonPath.numberAt('$$.Map.Item.Value.batchIndex'),
    },
    resultPath: '$.batches',
  }).itemProcessor(collectNodes);
}

function invoke(
  scope: Construct,
  name: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
): tasks.LambdaInvoke {
  return invokeWith(scope, name, fn, sfn.TaskInput.fromObject(payload));
}

/** A synchronous invoke (`lambda:invoke`) whose state output is the handler's return value (`$.Payload`). */
function invokeWith(scope: Construct, name: string, fn: lambda.IFunction, payload: sfn.TaskInput): tasks.LambdaInvoke {
  const task = tasks.LambdaInvoke.jsonPath(scope, name, { lambdaFunction: fn, payload, outputPath: '$.Payload' });
  retryThrottling(task);
  return task;
}

function retryThrottling(task: tasks.LambdaInvoke): void {
  task.addRetry({
    errors: THROTTLING_ERRORS,
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(60),
    jitterStrategy: sfn.JitterType.FULL,
  });
}
