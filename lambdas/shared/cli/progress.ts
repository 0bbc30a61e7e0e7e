import { colourAllowed, tint } from './colour';

/**
 * What a command says on stderr while it works; stdout never sees any of it, so piped reports stay byte-identical.
 * The commands call it; which implementation they get follows from the terminal, `CI` and `--quiet` / `--verbose`.
 */
export interface ProgressReporter {
  /** A step begins (a layer, a node, a batch): a passing status line on a terminal, a timestamped line with --verbose. */
  step(message: string): void;
  /** What is read from where, and why a node is skipped: only with --verbose. */
  detail(message: string): void;
  /** An informational line worth keeping (where the inputs went, a batch sent): everywhere but with --quiet. */
  note(message: string): void;
  /** The work is over: takes a passing status line off the terminal. */
  end(): void;
}

/** The stream progress goes to: stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export type ProgressMode = 'quiet' | 'silent' | 'tty' | 'verbose';

export interface ProgressSetting {
  readonly isTTY: boolean;
  readonly ci: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

export interface VerbosityFlags {
  quiet?: boolean;
  verbose?: boolean;
  /** `false` with `--no-color`. */
  color?: boolean;
}

const PREFIX = 'netpol-audit: ';
const CLEAR_LINE = '\r\u001b[2K';

/** `CI` set to anything but empty, `0` or `false`, as CI services set it. */
export function inCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/**
 * `--quiet` wins over everything (commander refuses it with `--verbose`); `--verbose` prints plain lines even into a
 * pipe; otherwise a passing status line only on a terminal outside CI, and no progress at all in pipes and CI.
 */
export function progressModeOf(setting: ProgressSetting): ProgressMode {
  if (setting.quiet) return 'quiet';
  if (setting.verbose) return 'verbose';
  return setting.isTTY && !setting.ci ? 'tty' : 'silent';
}

/** No progress; informational lines unless quiet. */
export class SilentProgress implements ProgressReporter {
  constructor(
    private readonly stream: ProgressStream,
    private readonly notes: boolean,
  ) {}

  step(): void {}

  detail(): void {}

  note(message: string): void {
    if (this.notes) this.stream.write(`${PREFIX}${message}\n`);
  }

  end(): void {}
}

/** One status line rewritten in place; informational lines are printed above it. */
export class TtyProgress implements ProgressReporter {
  private showing = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly colour: boolean,
  ) {}

  step(message: string): void {
    const columns = this.stream.columns ?? 0;
    const width = columns > 20 ? columns - 1 : 79;
    const line = `${PREFIX}${message}`;
    const fitted = line.length > width ? `${line.slice(0, width - 1)}…` : line;
    this.stream.write(`${CLEAR_LINE}${tint(fitted, 'dim', this.colour)}`);
    this.showing = true;
  }

  detail(): void {}

  note(message: string): void {
    this.clear();
    this.stream.write(`${PREFIX}${message}\n`);
  }

  end(): void {
    this.clear();
  }

  private clear(): void {
    if (!this.showing) return;
    this.stream.write(CLEAR_LINE);
    this.showing = false;
  }
}

/** Every step and detail as a timestamped line, for logs and for seeing what was read from where. */
export class VerboseProgress implements ProgressReporter {
  constructor(
    private readonly stream: ProgressStream,
    private readonly clock: () => Date,
    private readonly colour: boolean,
  ) {}

  step(message: string): void {
    this.line(message);
  }

  detail(message: string): void {
    this.line(`  ${message}`);
  }

  note(message: string): void {
    this.stream.write(`${PREFIX}${message}\n`);
  }

  end(): void {}

  private line(message: string): void {
    this.stream.write(`${tint(this.clock().toISOString(), 'dim', this.colour)} ${PREFIX}${message}\n`);
  }
}

export interface ProgressEnvironment {
  readonly stream: ProgressStream;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: () => Date;
}

/** The reporter for these flags on this stream (stderr by default). */
export function createProgress(
  flags: VerbosityFlags,
  { stream, env, clock }: ProgressEnvironment = { stream: process.stderr, env: process.env, clock: () => new Date() },
): ProgressReporter {
  const mode = progressModeOf({
    isTTY: stream.isTTY === true,
    ci: inCi(env),
    quiet: flags.quiet === true,
    verbose: flags.verbose === true,
  });
  const colour = colourAllowed(stream, env, flags.color);
  switch (mode) {
    case 'quiet':
      return new SilentProgress(stream, false);
    case 'silent':
      return new SilentProgress(stream, true);
    case 'tty':
      return new TtyProgress(stream, colour);
    case 'verbose':
      return new VerboseProgress(stream, clock, colour);
  }
}

/** Runs a command body with the reporter for its flags, and takes a status line off the terminal however it ends. */
export async function withProgress<T>(
  flags: VerbosityFlags,
  body: (progress: ProgressReporter) => Promise<T>,
): Promise<T> {
  const progress = createProgress(flags);
  try {
    return await body(progress);
  } finally {
    progress.end();
  }
}
