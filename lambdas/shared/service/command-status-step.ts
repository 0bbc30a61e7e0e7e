import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { StoreError } from '#engine';
import type { S3Objects } from '#adapters/s3/s3-objects';
import { TaskTokenRecord, TERMINAL_COMMAND_STATUSES, type CommandResult, type CommandStatusEvent } from './contract';
import { taskTokenKey } from './keys';

export interface CommandStatusDependencies {
  readonly objects: S3Objects;
  readonly sfn: SFNClient;
  readonly documentName: string;
}

const TERMINAL = new Set<string>(TERMINAL_COMMAND_STATUSES);
const STALE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist']);

/**
 * Resumes the waiting CollectNodes state of a finished command with `{ batchIndex, commandId, status }`. A failed command is
 * data for analyze-nodes, so it is never a task failure. Events of other documents or non-terminal statuses are
 * ignored (`resumed: false`).
 */
export async function commandStatusStep(
  event: CommandStatusEvent,
  dependencies: CommandStatusDependencies,
): Promise<{ resumed: boolean; commandId: string }> {
  const commandId = event.detail['command-id'];
  const status = event.detail.status;
  if (event.detail['document-name'] !== dependencies.documentName || !TERMINAL.has(status))
    return { resumed: false, commandId };
  const record = await dependencies.objects.getJson(taskTokenKey(commandId), TaskTokenRecord);
  if (record === undefined)
    throw new StoreError(dependencies.objects.location(taskTokenKey(commandId)), 'no task token for the command');
  const output: CommandResult = { batchIndex: record.batchIndex, commandId, status };
  try {
    await dependencies.sfn.send(
      new SendTaskSuccessCommand({ taskToken: record.taskToken, output: JSON.stringify(output) }),
    );
  } catch (error) {
    // The waiting state already timed out (its Catch recorded the batch): nothing is left to resume.
    if (error instanceof Error && STALE_TOKEN_ERRORS.has(error.name)) return { resumed: false, commandId };
    throw error;
  }
  return { resumed: true, commandId };
}
