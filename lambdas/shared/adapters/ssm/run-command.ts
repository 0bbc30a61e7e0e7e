import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { NodeCollectionError } from '#engine';

/** What SendCommand accepts in one call (aws.md A3.2). */
export const MAX_INSTANCES_PER_COMMAND = 50;

export interface CollectorDocument {
  readonly name: string;
  /** Pinned version (the stack's document version), so a changed document never runs unreviewed. */
  readonly version: string;
}

export interface BatchCommandRequest {
  readonly document: CollectorDocument;
  readonly instanceIds: readonly string[];
  readonly postUrl: string;
  /** base64 of the POST form fields (`encodePostFields`). */
  readonly postFields: string;
  /** The collector's own time bound per node. */
  readonly collectorTimeoutSeconds: number;
  readonly comment: string;
}

/** The collector document's parameters for a batch in POST mode: the same for every instance of the batch. */
export function batchParameters(request: BatchCommandRequest): Record<string, string[]> {
  return {
    UploadUrl: ['none'],
    PostUrl: [request.postUrl],
    PostFields: [request.postFields],
    NodeName: ['auto'],
    TimeoutSeconds: [String(request.collectorTimeoutSeconds)],
    IncludeAgentLog: ['false'],
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The SSM Run Command calls of node collection. */
export class RunCommand {
  constructor(private readonly client: SSMClient) {}

  /** One SendCommand for the batch; returns the command id. */
  async sendBatch(request: BatchCommandRequest): Promise<string> {
    if (request.instanceIds.length === 0 || request.instanceIds.length > MAX_INSTANCES_PER_COMMAND)
      throw new RangeError(`a batch has 1..${String(MAX_INSTANCES_PER_COMMAND)} instances`);
    try {
      const response = await this.client.send(
        new SendCommandCommand({
          DocumentName: request.document.name,
          DocumentVersion: request.document.version,
          InstanceIds: [...request.instanceIds],
          Parameters: batchParameters(request),
          TimeoutSeconds: 600,
          MaxConcurrency: String(MAX_INSTANCES_PER_COMMAND),
          MaxErrors: '100%',
          Comment: request.comment.slice(0, 100),
        }),
      );
      const commandId = response.Command?.CommandId;
      if (commandId === undefined) throw new Error('SendCommand returned no CommandId');
      return commandId;
    } catch (error) {
      throw new NodeCollectionError(request.instanceIds.join(','), `SendCommand failed (${messageOf(error)})`);
    }
  }

  /** The subset of `instanceIds` whose SSM agent is Online (DescribeInstanceInformation, 50 ids per filter). */
  async onlineInstances(instanceIds: readonly string[]): Promise<Set<string>> {
    const online = new Set<string>();
    for (let start = 0; start < instanceIds.length; start += MAX_INSTANCES_PER_COMMAND) {
      const chunk = instanceIds.slice(start, start + MAX_INSTANCES_PER_COMMAND);
      let token: string | undefined;
      do {
        const page = await this.client.send(
          new DescribeInstanceInformationCommand({
            Filters: [{ Key: 'InstanceIds', Values: chunk }],
            MaxResults: 50,
            NextToken: token,
          }),
        );
        for (const info of page.InstanceInformationList ?? [])
          if (info.InstanceId !== undefined && info.PingStatus === 'Online') online.add(info.InstanceId);
        token = page.NextToken;
      } while (token !== undefined);
    }
    return online;
  }

  /** Status and output of one instance's invocation (stdout is the first 24,000 characters). */
  async invocation(commandId: string, instanceId: string): Promise<CommandInvocation> {
    try {
      const response = await this.client.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      return {
        status: response.Status ?? 'Unknown',
        statusDetails: response.StatusDetails ?? '',
        stdout: response.StandardOutputContent ?? '',
        stderr: response.StandardErrorContent ?? '',
      };
    } catch (error) {
      return {
        status: 'Unknown',
        statusDetails: `GetCommandInvocation failed (${messageOf(error)})`,
        stdout: '',
        stderr: '',
      };
    }
  }
}

export interface CommandInvocation {
  readonly status: string;
  readonly statusDetails: string;
  readonly stdout: string;
  readonly stderr: string;
}
