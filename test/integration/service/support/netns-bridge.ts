import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs inside the network namespace: 127.0.0.1:<port> there, each connection piped to the Unix socket. */
const INNER_LISTENER = `
const net = require('node:net');
const [port, socketPath] = process.argv.slice(1);
const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  client.pipe(upstream).pipe(client);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b).pipe(a);
  const close = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', close);
  b.on('error', close);
}

export interface NetnsBridge {
  close(): Promise<void>;
}

/**
 * Makes 127.0.0.1:<port> of this namespace reachable at 127.0.0.1:<port> inside the network namespace of
 * process `pid` (a lab node), so a presigned URL for the local moto works unchanged from there. Loopback is per
 * network namespace; a Unix socket is not, so the bridge crosses through one.
 */
export async function bridgeLoopbackPort(pid: number, port: number): Promise<NetnsBridge> {
  const directory = mkdtempSync(join(tmpdir(), 'netns-bridge-'));
  const socketPath = join(directory, 'bridge.sock');
  const outer = createServer((client) => {
    pipeBoth(client, createConnection({ host: '127.0.0.1', port }));
  });
  await new Promise<void>((resolve, reject) => {
    outer.once('error', reject);
    outer.listen(socketPath, resolve);
  });
  const inner = spawn(
    'nsenter',
    ['-t', String(pid), '-n', '--', process.execPath, '-e', INNER_LISTENER, String(port), socketPath],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  inner.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const close = async (): Promise<void> => {
    inner.kill('SIGKILL');
    await new Promise<void>((resolve) => {
      outer.close(() => {
        resolve();
      });
    });
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`netns bridge not ready after 10 s: ${stderr}`));
      }, 10_000);
      inner.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      inner.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`netns bridge exited (${String(code)}): ${stderr}`));
      });
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { close };
}
