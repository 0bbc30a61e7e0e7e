import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { runCollector, type Wrap } from '../../node-collector/collector-run';
import { run as runProcess } from '../../node-collector/process';

/** How the node of an instance behaves when the stand-in agent receives a command for it. */
export type NodeBehaviour =
  /** The collector's output is the recorded collection of an example node (`<example>/nodes/<node>/`). */
  | { readonly kind: 'recorded'; readonly example: string; readonly nodeName: string }
  /**
   * The document's collector script runs on this machine (no bpffs, no aws-eks-na-cli: it reports that), or on a
   * lab node of the real kernel: `node` runs each command in the lab's namespaces, with the lab's environment.
   */
  | { readonly kind: 'collector'; readonly node?: CollectorNode }
  /** The script never finishes within the command's time: SSM ends the invocation as TimedOut, nothing uploaded. */
  | { readonly kind: 'timeout' }
  /** The command reaches the instance, but no status-change event comes back (until `reportLate`). */
  | { readonly kind: 'silent' };

/** Where the collector script runs: a command wrapper (namespaces) and the environment of that node. */
export interface CollectorNode {
  readonly wrap: Wrap;
  readonly env: Readonly<Record<string, string>>;
}

export interface InvocationRecord {
  readonly Status: 'Success' | 'Failed' | 'TimedOut';
  readonly StatusDetails: string;
  readonly ResponseCode: number;
  readonly StandardOutputContent: string;
  readonly StandardErrorContent: string;
}

/** The EventBridge event SSM emits when a command ends (`EC2 Command Status-change Notification`). */
export interface CommandStatusChange {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'EC2 Command Status-change Notification';
  readonly source: 'aws.ssm';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, string>;
}

const CommandParameters = z.object({
  PostUrl: z.tuple([z.string()]),
  PostFields: z.tuple([z.string()]),
  NodeName: z.tuple([z.string()]),
  TimeoutSeconds: z.tuple([z.string()]),
  IncludeAgentLog: z.tuple([z.enum(['true', 'false'])]),
});

/** `name=value` lines (base64) -> the presigned POST's form fields, in order. */
function postFields(encoded: string): [string, string][] {
  return Buffer.from(encoded, 'base64')
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

export interface SsmAgentOptions {
  /** moto's SSM, where the command was sent. */
  readonly ssm: SSMClient;
  readonly region: string;
  readonly account: string;
  /** What the agent does on each instance (instances without an entry are not expected to get commands). */
  readonly fleet: ReadonlyMap<string, NodeBehaviour>;
  /** Where the command-status event goes (the real handler of the EventBridge rule). */
  readonly emit: (event: CommandStatusChange) => Promise<unknown>;
}

/**
 * Plays the SSM agent of the instances of a command: reads the command moto recorded (its document, instances and
 * parameters), runs each instance's node, uploads through the batch's presigned POST into moto's S3, keeps each
 * invocation's result (moto's GetCommandInvocation has no output), and emits the status-change event.
 */
export class SsmAgentStandIn {
  readonly invocations = new Map<string, InvocationRecord>();
  readonly commands: { commandId: string; instanceIds: string[]; status: string }[] = [];
  private readonly work = mkdtempSync(join(tmpdir(), 'svc-agent-'));
  private readonly running: Promise<void>[] = [];
  private readonly failures: unknown[] = [];

  constructor(private readonly options: SsmAgentOptions) {}

  deliver(commandId: string): void {
    this.running.push(
      this.play(commandId).catch((error: unknown) => {
        this.failures.push(error);
      }),
    );
  }

  /** Waits for every delivered command; throws the first failure of the stand-in itself. */
  async settle(): Promise<void> {
    await Promise.all(this.running);
    if (this.failures.length > 0) throw this.failures[0] as Error;
  }

  invocation(commandId: string, instanceId: string): InvocationRecord | undefined {
    return this.invocations.get(`${commandId}/${instanceId}`);
  }

  private async play(commandId: string): Promise<void> {
    const listed = await this.options.ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    const command = listed.Commands?.[0];
    if (command === undefined) throw new Error(`moto has no command ${commandId}`);
    const parameters = CommandParameters.parse(command.Parameters);
    const instanceIds = command.InstanceIds ?? [];
    if (instanceIds.every((id) => this.options.fleet.get(id)?.kind === 'silent')) {
      this.commands.push({ commandId, instanceIds, status: 'InProgress' });
      return;
    }
    const statuses: InvocationRecord['Status'][] = [];
    for (const instanceId of instanceIds) {
      const behaviour = this.options.fleet.get(instanceId);
      if (behaviour === undefined) throw new Error(`command ${commandId} targets ${instanceId}, not in the fleet`);
      const record = await this.runNode(instanceId, behaviour, parameters);
      this.invocations.set(`${commandId}/${instanceId}`, record);
      statuses.push(record.Status);
    }
    // The command's status once every invocation ended: Success only when all succeeded.
    const status = statuses.includes('TimedOut') ? 'TimedOut' : statuses.includes('Failed') ? 'Failed' : 'Success';
    this.commands.push({ commandId, instanceIds, status });
    await this.report(commandId, command.DocumentName ?? '', instanceIds, status, command.Parameters ?? {});
  }

  /** The status event of a silent command, arriving late (after the workflow stopped waiting). */
  async reportLate(commandId: string, status: InvocationRecord['Status']): Promise<unknown> {
    const listed = await this.options.ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    const command = listed.Commands?.[0];
    return this.report(
      commandId,
      command?.DocumentName ?? '',
      command?.InstanceIds ?? [],
      status,
      command?.Parameters ?? {},
    );
  }

  private async report(
    commandId: string,
    documentName: string,
    instanceIds: string[],
    status: string,
    parameters: Record<string, string[]>,
  ): Promise<unknown> {
    return this.options.emit({
      version: '0',
      id: `event-${commandId}`,
      'detail-type': 'EC2 Command Status-change Notification',
      source: 'aws.ssm',
      account: this.options.account,
      time: new Date().toISOString(),
      region: this.options.region,
      resources: instanceIds.map((id) => `arn:aws:ec2:${this.options.region}:${this.options.account}:instance/${id}`),
      detail: {
        'command-id': commandId,
        'document-name': documentName,
        'expire-after': new Date(Date.now() + 3_600_000).toISOString(),
        parameters: JSON.stringify(parameters),
        'requested-date-time': new Date().toISOString(),
        status,
      },
    });
  }

  private postUrl(parameters: z.infer<typeof CommandParameters>): string {
    // The path-style URL of the local S3 (moto); on AWS it is https://<bucket>.s3.<region>.amazonaws.com/.
    const url = parameters.PostUrl[0];
    return url.endsWith('/') ? url : `${url}/`;
  }

  private async runNode(
    instanceId: string,
    behaviour: NodeBehaviour,
    parameters: z.infer<typeof CommandParameters>,
  ): Promise<InvocationRecord> {
    if (behaviour.kind === 'timeout' || behaviour.kind === 'silent')
      return {
        Status: 'TimedOut',
        StatusDetails: 'DeliveryTimedOut',
        ResponseCode: -1,
        StandardOutputContent: '',
        StandardErrorContent: '',
      };
    if (behaviour.kind === 'recorded') return this.replay(instanceId, behaviour, parameters);
    const thisMachine: CollectorNode = {
      wrap: (file, args, env) => runProcess(file, args, { env }),
      env: {
        NPC_NA_CLI: join(this.work, 'absent/aws-eks-na-cli'),
        NPC_BPF_ROOT: join(this.work, 'absent-bpf'),
        NPC_CMD_TIMEOUT: '5',
      },
    };
    const node = behaviour.node ?? thisMachine;
    const result = await runCollector(
      join(this.work, `${instanceId}.sh`),
      {
        UploadUrl: 'none',
        PostUrl: this.postUrl(parameters),
        PostFields: parameters.PostFields[0],
        NodeName: parameters.NodeName[0],
        TimeoutSeconds: parameters.TimeoutSeconds[0],
        IncludeAgentLog: parameters.IncludeAgentLog[0],
      },
      {
        ...node.env,
        NPC_OUT_DIR: join(this.work, `${instanceId}-out`),
        NPC_ALLOW_LOOPBACK_HTTP: '1',
        AWS_SSM_INSTANCE_ID: instanceId,
      },
      node.wrap,
    );
    if (result.summary.upload !== 'ok') throw new Error(`collector upload failed on ${instanceId}: ${result.stderr}`);
    return {
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: result.stdoutLines.join('\n'),
      StandardErrorContent: result.stderr,
    };
  }

  /** The recorded collection packed as the script packs it (`nodes/<node>/...`), POSTed as `<instance id>.tar.gz`. */
  private async replay(
    instanceId: string,
    behaviour: Extract<NodeBehaviour, { kind: 'recorded' }>,
    parameters: z.infer<typeof CommandParameters>,
  ): Promise<InvocationRecord> {
    const bundle = join(this.work, `${instanceId}.tar.gz`);
    await runProcess('tar', ['-czf', bundle, '-C', behaviour.example, `nodes/${behaviour.nodeName}`]);
    if (parameters.PostUrl[0] === 'none')
      // No bucket: the collector prints the bundle after its summary line (the stdout fallback).
      return {
        Status: 'Success',
        StatusDetails: 'Success',
        ResponseCode: 0,
        StandardOutputContent: `{"collector":"eks-netpol-audit-node","version":1,"ok":true,"node":"${instanceId}","upload":"skipped","uploadMode":"none","fallback":"base64"}\nnetpol-audit-bundle-base64:${readFileSync(bundle).toString('base64')}`,
        StandardErrorContent: '',
      };
    const form = new FormData();
    for (const [name, value] of postFields(parameters.PostFields[0])) form.append(name, value);
    form.append('file', new Blob([readFileSync(bundle)]), `${instanceId}.tar.gz`);
    const response = await fetch(this.postUrl(parameters), { method: 'POST', body: form });
    if (response.status >= 300)
      throw new Error(`POST of ${instanceId}: HTTP ${response.status} ${await response.text()}`);
    return {
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: `{"collector":"eks-netpol-audit-node","version":1,"ok":true,"node":"${instanceId}","upload":"ok","uploadMode":"post"}`,
      StandardErrorContent: '',
    };
  }
}
