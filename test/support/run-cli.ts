import { main } from '../../bin/netpol-audit';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The terminal the CLI believes it writes to. By default neither stream is a terminal and FORCE_COLOR is unset,
 * whatever runs the tests; `env` entries are set for the run (undefined unsets one) and restored afterwards.
 */
export interface CliTerminal {
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function pretendTty(stream: NodeJS.WriteStream, isTTY: boolean): () => void {
  const own = Object.getOwnPropertyDescriptor(stream, 'isTTY');
  Object.defineProperty(stream, 'isTTY', { value: isTTY, configurable: true, writable: true });
  return () => {
    if (own === undefined) Reflect.deleteProperty(stream, 'isTTY');
    else Object.defineProperty(stream, 'isTTY', own);
  };
}

function setEnvironment(env: Readonly<Record<string, string | undefined>>): () => void {
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
  const assign = (name: string, value: string | undefined): void => {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  };
  for (const [name, value] of Object.entries(env)) assign(name, value);
  return () => {
    for (const [name, value] of saved) assign(name, value);
  };
}

/** Runs the CLI in-process (the same `main` as bin/cli-launcher.cjs), capturing what it writes. */
export async function runCli(args: readonly string[], terminal: CliTerminal = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const restore = [
    pretendTty(process.stdout, terminal.stdoutIsTTY ?? false),
    pretendTty(process.stderr, terminal.stderrIsTTY ?? false),
    // jest-worker sets FORCE_COLOR=1 in its workers when the terminal running jest has colour.
    setEnvironment({ FORCE_COLOR: undefined, ...terminal.env }),
  ];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const undo of restore.reverse()) undo();
  }
}
