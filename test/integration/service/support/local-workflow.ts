import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { Context } from 'aws-lambda';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { z } from 'zod';
import type { AuditStack } from '../../../../lib/audit-stack';
import { allStates, definitionFromTemplate, parsedDefinition } from '../../../infra/support/definition';
import { ACCOUNT, REGION } from '../../../infra/support/synth';

// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node >= 22); the project also runs on Node 20.
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}
const promiseStatics = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
promiseStatics.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
};

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** The functions of the stack, by the `AuditFunctions` property that holds them. */
export type FunctionKey = 'plan' | 'auditCluster' | 'collectNodes' | 'commandStatus' | 'analyzeNodes' | 'publish';

export interface Invocation {
  readonly function: FunctionKey;
  readonly ms: number;
  readonly ok: boolean;
}

/**
 * A Lambda error as the `lambda:invoke` integration hands it to Retry and Catch: `Error` is the errorType, `Cause`
 * the function's error payload as JSON.
 */
function lambdaError(error: unknown): Error {
  const cause = error instanceof Error ? error : new Error(String(error));
  const failure = new Error(JSON.stringify({ errorType: cause.name, errorMessage: cause.message, trace: [] }));
  failure.name = cause.name;
  return failure;
}

/** What `SendTaskSuccess` / `SendTaskFailure` resume: the waiting `.waitForTaskToken` state of a local execution. */
export class TaskTokens {
  private readonly waiting = new Map<string, Resolvers<unknown>>();

  /** A fresh token each time the definition reads `$$.Task.Token` (one per task, as Step Functions does). */
  mint(): string {
    const token = `local-task-token-${randomUUID()}`;
    this.waiting.set(token, (Promise as unknown as { withResolvers: <T>() => Resolvers<T> }).withResolvers());
    return token;
  }

  wait(token: string): Promise<unknown> {
    const pending = this.waiting.get(token);
    if (pending === undefined) throw new Error(`task token ${token} was never issued`);
    return pending.promise;
  }

  /** The task timed out (its TimeoutSeconds): the token is no longer valid. */
  expire(token: string): void {
    this.waiting.delete(token);
  }

  /** `false` when no task waits for the token (Step Functions answers TaskDoesNotExist / TaskTimedOut). */
  succeed(token: string, output: string): boolean {
    const pending = this.waiting.get(token);
    if (pending === undefined) return false;
    this.waiting.delete(token);
    pending.resolve(JSON.parse(output) as unknown);
    return true;
  }

  fail(token: string, error: string, cause: string): boolean {
    const pending = this.waiting.get(token);
    if (pending === undefined) return false;
    this.waiting.delete(token);
    pending.reject(Object.assign(new Error(cause), { name: error }));
    return true;
  }
}

const LambdaInvokeParameters = z.object({ FunctionName: z.string(), Payload: z.unknown() });
const CollectorSent = z.object({ commandId: z.string() });

export interface ExecutionEvent {
  readonly type: string;
  readonly state?: { readonly name: string; readonly type: string };
  readonly Error?: string;
  readonly Cause?: unknown;
}

export interface LocalExecution {
  readonly name: string;
  readonly arn: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: { readonly Error: string; readonly Cause: string };
  readonly events: readonly ExecutionEvent[];
  readonly invocations: readonly Invocation[];
  /** Billed state transitions: every state entered, every retry of one. */
  readonly transitions: number;
  readonly statesEntered: Readonly<Record<string, number>>;
}

export interface LocalWorkflowOptions {
  readonly stack: AuditStack;
  readonly template: Template;
  /** One per function of the stack (no commandStatus with the exec collector). */
  readonly handlers: Readonly<Partial<Record<FunctionKey, LambdaHandler>>>;
  /** Called when collect-nodes has sent a command: the SSM agent stand-in takes it from there. */
  readonly onCommandSent: (commandId: string) => void;
}

/**
 * The state machine read from the synthesized template, run by aws-local-stepfunctions. Every Task of the
 * definition is a `lambda:invoke` (or `lambda:invoke.waitForTaskToken`) of a function ARN; each ARN is resolved
 * through the stack to the real handler it deploys. `.waitForTaskToken` is emulated as Step Functions does it: the
 * function is invoked with the payload (carrying the token), and the state waits until `SendTaskSuccess` or
 * `SendTaskFailure` is called with that token (the command-status handler's SFN client delivers to `tokens`).
 */
export class LocalWorkflow {
  readonly definition: StateMachineDefinition;
  readonly tokens = new TaskTokens();
  private readonly byArn = new Map<string, FunctionKey>();
  private readonly taskStates: { name: string; waitsForToken: boolean; timeoutSeconds: number }[] = [];
  /** The invocations of the execution running now (executions run one at a time). */
  private current: Invocation[] = [];

  constructor(private readonly options: LocalWorkflowOptions) {
    this.definition = definitionFromTemplate(options.template) as StateMachineDefinition;
    const functions = options.stack.functions;
    for (const key of Object.keys(options.handlers) as FunctionKey[]) {
      const fn = functions[key];
      if (fn === undefined) throw new Error(`the stack has no ${key} function`);
      const cfn = fn.function.node.defaultChild as CfnElement;
      this.byArn.set(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${options.stack.getLogicalId(cfn)}`, key);
    }
    for (const [name, state] of allStates(parsedDefinition(options.template)))
      if (state.Type === 'Task') {
        const resource = z.string().parse(state['Resource']);
        if (
          resource !== 'arn:aws:states:::lambda:invoke' &&
          resource !== 'arn:aws:states:::lambda:invoke.waitForTaskToken'
        )
          throw new Error(`state ${name}: no local stand-in for resource ${resource}`);
        // aws-local-stepfunctions' default is 60 s; a Step Functions Task without TimeoutSeconds waits a year.
        const timeoutSeconds = z.number().int().positive().default(60).parse(state['TimeoutSeconds']);
        this.taskStates.push({ name, waitsForToken: resource.endsWith('.waitForTaskToken'), timeoutSeconds });
      }
  }

  /** The handler a function ARN of the definition deploys. */
  functionOf(arn: string): FunctionKey {
    const key = this.byArn.get(arn);
    if (key === undefined) throw new Error(`the definition invokes ${arn}, which is none of the stack's functions`);
    return key;
  }

  /** Invokes a handler as Lambda would (fresh context per call), timing it; errors as the integration sees them. */
  async invoke(key: FunctionKey, payload: unknown): Promise<unknown> {
    const invocations = this.current;
    const context = {
      functionName: key,
      awsRequestId: randomUUID(),
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${key}`,
      getRemainingTimeInMillis: () => 600_000,
    } as unknown as Context;
    const started = performance.now();
    let ok = false;
    try {
      // The event a function receives is JSON: nothing of the executor's objects leaks into it.
      const handler = this.options.handlers[key];
      if (handler === undefined) throw new Error(`no handler for ${key}`);
      const result = await handler(JSON.parse(JSON.stringify(payload)) as unknown, context);
      ok = true;
      return JSON.parse(JSON.stringify(result ?? null)) as unknown;
    } catch (error) {
      throw lambdaError(error);
    } finally {
      invocations.push({ function: key, ms: performance.now() - started, ok });
    }
  }

  async run(name: string, input: unknown): Promise<LocalExecution> {
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:TestAuditWorkflow:${name}`;
    const invocations: Invocation[] = [];
    this.current = invocations;
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const task of this.taskStates) {
      retryIntervalOverrides[task.name] = 0;
      handlers[task.name] = async (taskInput) => {
        const parameters = LambdaInvokeParameters.parse(taskInput);
        const key = this.functionOf(parameters.FunctionName);
        if (!task.waitsForToken) {
          const payload = await this.invoke(key, parameters.Payload);
          return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload };
        }
        const token = z.object({ taskToken: z.string() }).parse(parameters.Payload).taskToken;
        const resumed = this.tokens.wait(token);
        // The executor fails the state with States.Timeout after TimeoutSeconds; the token dies with it.
        const expiry = setTimeout(() => {
          this.tokens.expire(token);
        }, task.timeoutSeconds * 1000);
        try {
          const sent = CollectorSent.parse(await this.invoke(key, parameters.Payload));
          this.options.onCommandSent(sent.commandId);
          return await resumed;
        } finally {
          clearTimeout(expiry);
        }
      };
    }
    const tokens = this.tokens;
    const context = {
      Execution: { Id: arn, Name: name, Input: input as never, StartTime: new Date().toISOString() },
      StateMachine: {
        Id: arn.replace(':execution:', ':stateMachine:').replace(`:${name}`, ''),
        Name: 'TestAuditWorkflow',
      },
      Task: {
        get Token(): string {
          return tokens.mint();
        },
      },
    };
    const machine = new StateMachine(this.definition);
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context,
    });
    const events: ExecutionEvent[] = [];
    const logged = (async () => {
      for await (const event of execution.eventLogs) events.push(event);
    })();
    let output: unknown;
    let failure: unknown;
    try {
      output = await execution.result;
    } catch (caught) {
      failure = caught;
    }
    await logged;
    const failed = events.find((event) => event.type === 'ExecutionFailed');
    const error =
      failure === undefined
        ? undefined
        : {
            Error: failed?.Error ?? (failure instanceof Error ? failure.name : 'Error'),
            Cause:
              typeof failed?.Cause === 'string'
                ? failed.Cause
                : JSON.stringify(failed?.Cause ?? (failure instanceof Error ? failure.message : 'failed')),
          };
    const statesEntered: Record<string, number> = {};
    for (const event of events)
      if (event.type === 'StateEntered' && event.state !== undefined)
        statesEntered[event.state.name] = (statesEntered[event.state.name] ?? 0) + 1;
    const transitions = events.filter((event) => event.type === 'StateEntered' || event.type === 'StateRetried').length;
    return {
      name,
      arn,
      status: error === undefined ? 'SUCCEEDED' : 'FAILED',
      ...(error === undefined ? { output } : { error }),
      events,
      invocations,
      transitions,
      statesEntered,
    };
  }
}
