import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Accept a non-zero exit instead of throwing. */
  readonly allowFailure?: boolean;
}

/** Runs a command asynchronously (the test's HTTP server must keep serving meanwhile). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        if (code !== 0 && options.allowFailure !== true) {
          reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim() || error?.message || ''}`));
          return;
        }
        resolve({ stdout, stderr, code });
      },
    );
  });
}

/** Absolute path of an executable on PATH (plus the sbin directories root normally has), or undefined. */
export function which(command: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function spawnHolder(command: string, args: readonly string[]): ChildProcess {
  return spawn(command, [...args], { stdio: 'ignore' });
}
