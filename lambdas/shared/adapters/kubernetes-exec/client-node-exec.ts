import type { KubeConfig } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { PodExecError, type ExecOptions, type ExecResult, type ExecTarget, type PodExec } from './pod-exec';

// The exec side of @kubernetes/client-node (ESM-only, loaded dynamically like the reader's transport): the command
// goes as the argv array of the `command` query parameters, so nothing of it is ever seen by a shell.

/** The V1Status the server sends on the error channel when the command ended. */
export interface ExecStatus {
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes?: readonly { readonly reason?: string; readonly message?: string }[] };
}

export interface ExecSocket {
  close(): void;
  on(event: 'close', listener: () => void): unknown;
}

/** The part of client-node's `Exec` the port uses. */
export interface ExecClient {
  exec(
    namespace: string,
    podName: string,
    containerName: string,
    command: string[],
    stdout: Writable | null,
    stderr: Writable | null,
    stdin: null,
    tty: boolean,
    statusCallback?: (status: ExecStatus) => void,
  ): Promise<ExecSocket>;
}

/** Per stream; a map dump of a large cluster is a few MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

class CappedOutput extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) this.onOverflow();
    else this.chunks.push(chunk);
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return error.message;
  return String(error);
}

function exitCodeOf(status: ExecStatus): number | null {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((entry) => entry.reason === 'ExitCode');
  const code = Number(cause?.message);
  return cause !== undefined && Number.isInteger(code) ? code : null;
}

function connectFailure(error: unknown, target: ExecTarget): PodExecError {
  const message = messageOf(error);
  if (/\b403\b/.test(message))
    return new PodExecError(
      'forbidden',
      `exec into ${target.namespace}/${target.pod} was refused (HTTP 403): the identity needs pods/exec in ${target.namespace} (k8s/rbac-exec.yaml)`,
    );
  return new PodExecError('transport', `exec into ${target.namespace}/${target.pod} failed: ${message}`);
}

export class ClientNodePodExec implements PodExec {
  constructor(
    private readonly client: () => Promise<ExecClient>,
    private readonly maxOutputBytes: number = DEFAULT_MAX_OUTPUT_BYTES,
  ) {}

  async run(target: ExecTarget, command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const client = await this.client();
    return new Promise<ExecResult>((resolve, reject) => {
      let socket: ExecSocket | undefined;
      let status: ExecStatus | undefined;
      let settled = false;
      const finish = (outcome: ExecResult | PodExecError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket?.close();
        if (outcome instanceof PodExecError) reject(outcome);
        else resolve(outcome);
      };
      const overflow = (): void => {
        finish(
          new PodExecError(
            'truncated',
            `the output of ${command.join(' ')} exceeded ${String(this.maxOutputBytes)} bytes`,
          ),
        );
      };
      const stdout = new CappedOutput(this.maxOutputBytes, overflow);
      const stderr = new CappedOutput(this.maxOutputBytes, overflow);
      const timer = setTimeout(() => {
        finish(new PodExecError('timeout', `${command.join(' ')} timed out after ${String(options.timeoutMs)} ms`));
      }, options.timeoutMs);
      const ended = (): void => {
        if (status === undefined) {
          finish(
            new PodExecError('transport', `the exec connection closed before ${command.join(' ')} reported a status`),
          );
          return;
        }
        const exitCode = exitCodeOf(status);
        finish({
          stdout: stdout.text(),
          stderr: stderr.text(),
          exitCode,
          ...(exitCode === 0 ? {} : { failure: status.message ?? status.reason ?? 'the command failed' }),
        });
      };
      client
        .exec(target.namespace, target.pod, target.container, [...command], stdout, stderr, null, false, (sent) => {
          status = sent;
        })
        .then(
          (opened) => {
            socket = opened;
            if (settled) opened.close();
            else opened.on('close', ended);
          },
          (error: unknown) => {
            finish(connectFailure(error, target));
          },
        );
    });
  }
}

/** client-node's `Exec` over a kubeconfig built per command (so an EKS token is always fresh). */
export function clientNodeExec(kubeConfig: () => Promise<KubeConfig>): () => Promise<ExecClient> {
  return async () => {
    const { Exec } = await import('@kubernetes/client-node');
    return new Exec(await kubeConfig());
  };
}
