import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

const CACHE = process.env.NETPOL_AUDIT_CACHE ?? join(homedir(), '.cache/eks-netpol-audit');
export const MOTO_SERVER = join(CACHE, 'venv/bin/moto_server');
const READY_TIMEOUT_MS = 30_000;

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${String(child.exitCode)}: ${output()}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${String(READY_TIMEOUT_MS)} ms: ${output()}`);
}

/** Starts moto in server mode on 127.0.0.1 (the cached venv of scripts/install-python-test-deps.sh). */
export async function startMotoServer(): Promise<MotoServer> {
  try {
    accessSync(MOTO_SERVER, constants.X_OK);
  } catch {
    throw new Error(`moto_server not found at ${MOTO_SERVER}: run scripts/install-python-test-deps.sh`);
  }
  const port = await freePort();
  const child = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const endpoint = `http://127.0.0.1:${String(port)}`;
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => {
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await waitReady(endpoint, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}
