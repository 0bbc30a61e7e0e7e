/** The small port between the exec node collector and the Kubernetes `pods/exec` subresource. */

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** 0 on success, the command's status otherwise; null when the server reported a failure without one. */
  readonly exitCode: number | null;
  /** The server's failure message when `exitCode` is not 0 (e.g. `command terminated with non-zero exit code`). */
  readonly failure?: string;
}

export interface ExecOptions {
  readonly timeoutMs: number;
}

export type PodExecFailure = 'forbidden' | 'timeout' | 'truncated' | 'transport';

/** No command result at all: the exec was refused, timed out, produced too much output or lost its connection. */
export class PodExecError extends Error {
  override readonly name = 'PodExecError';
  constructor(
    readonly failure: PodExecFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Runs one command (argv, never a shell line) in a container and returns its output once it ended. */
export interface PodExec {
  run(target: ExecTarget, command: readonly string[], options: ExecOptions): Promise<ExecResult>;
}
