import type { NotCollectedNode, RawNodeOutput } from '#engine';
import { unpackNodeBundle } from '#adapters/s3/node-bundles';
import type { RunCommand } from '#adapters/ssm/run-command';
import type { BatchInstance, BatchOutcome, BatchPlan } from './contract';
import { nodeUploadKey } from './keys';
import { causeDetail } from './step-error';

/** The collector's stdout fallback when the upload failed: the bundle inline, base64. */
const FALLBACK_PREFIX = 'netpol-audit-bundle-base64:';

export interface CollectedNodes {
  readonly outputs: RawNodeOutput[];
  readonly notCollected: NotCollectedNode[];
}

/** Where the uploaded bundles are (the run's S3 prefix); `undefined` for an instance that uploaded nothing. */
export interface NodeBundles {
  read(key: string, nodeName: string): Promise<RawNodeOutput | undefined>;
}

export interface NodeOutputDependencies {
  readonly bundles: NodeBundles;
  readonly runCommand: RunCommand;
}

function stepErrorText(error: NonNullable<BatchOutcome['error']>): string {
  if (typeof error === 'string') return error;
  const cause = error.Cause === undefined ? undefined : causeDetail(error.Cause);
  return [error.Error, cause].filter((part) => part !== undefined && part !== '').join(': ');
}

function summaryError(stdout: string): string | undefined {
  const summary = stdout.split('\n').find((line) => line.startsWith('{"collector"'));
  const match = summary === undefined ? null : /"firstError":"([^"]*)"/.exec(summary);
  return match?.[1];
}

async function fromInvocation(
  instance: BatchInstance,
  commandId: string,
  dependencies: NodeOutputDependencies,
): Promise<RawNodeOutput | NotCollectedNode> {
  const invocation = await dependencies.runCommand.invocation(commandId, instance.instanceId);
  const fallback = invocation.stdout.split('\n').find((line) => line.startsWith(FALLBACK_PREFIX));
  const location = `ssm:${commandId}/${instance.instanceId}`;
  if (fallback !== undefined) {
    const bundle = Buffer.from(fallback.slice(FALLBACK_PREFIX.length).trim(), 'base64');
    return { nodeName: instance.nodeName, sourceDirectory: location, files: await unpackNodeBundle(bundle, location) };
  }
  const detail = summaryError(invocation.stdout) ?? (invocation.stderr.trim().slice(0, 300) || 'no output');
  return {
    nodeName: instance.nodeName,
    reason: `collector on ${instance.instanceId} did not deliver outputs (command ${commandId}: ${invocation.status}${invocation.statusDetails === '' ? '' : ` / ${invocation.statusDetails}`}; ${detail})`,
  };
}

/**
 * The node outputs of a run: each instance's uploaded bundle; for an instance without one, the exec collector's
 * reason or the SSM invocation (status, the stdout base64 fallback). Every node that delivered nothing is listed
 * with the reason.
 */
export async function collectedNodes(
  plan: BatchPlan,
  outcomes: readonly BatchOutcome[],
  dependencies: NodeOutputDependencies,
): Promise<CollectedNodes> {
  const outcomeOf = new Map(outcomes.map((outcome) => [outcome.batchIndex, outcome]));
  const outputs: RawNodeOutput[] = [];
  const notCollected: NotCollectedNode[] = [...plan.unreachable];
  for (const batch of plan.batches) {
    const outcome = outcomeOf.get(batch.batchIndex);
    const execReasons = new Map(outcome?.notCollected?.map((node) => [node.nodeName, node.reason]));
    for (const instance of batch.instances) {
      const uploaded = await dependencies.bundles.read(
        nodeUploadKey(plan.runId, plan.cluster, instance.instanceId),
        instance.nodeName,
      );
      const execReason = execReasons.get(instance.nodeName);
      if (uploaded !== undefined) outputs.push(uploaded);
      else if (execReason !== undefined) notCollected.push({ nodeName: instance.nodeName, reason: execReason });
      else if (outcome?.commandId === undefined)
        notCollected.push({
          nodeName: instance.nodeName,
          reason: `no outputs from ${instance.instanceId}: ${outcome?.error === undefined ? 'the batch reported no command' : stepErrorText(outcome.error)}`,
        });
      else {
        const result = await fromInvocation(instance, outcome.commandId, dependencies);
        if ('files' in result) outputs.push(result);
        else notCollected.push(result);
      }
    }
  }
  return { outputs, notCollected };
}
