import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import {
  ClientNodePodExec,
  type ExecClient,
  type ExecSocket,
  type ExecStatus,
} from '#adapters/kubernetes-exec/client-node-exec';
import { mapDumpCommand } from '#adapters/kubernetes-exec/exec-node-collector';
import { PodExecError } from '#adapters/kubernetes-exec/pod-exec';

const TARGET = { namespace: 'kube-system', pod: 'aws-node-7xk2p', container: 'aws-eks-nodeagent' } as const;

class FakeSocket extends EventEmitter implements ExecSocket {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

interface Request {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: string[];
  readonly tty: boolean;
  readonly stdin: null;
}

type Behaviour = (
  streams: { stdout: Writable; stderr: Writable; status: (s: ExecStatus) => void },
  socket: FakeSocket,
) => void;

class FakeExecClient implements ExecClient {
  readonly requests: Request[] = [];
  readonly socket = new FakeSocket();

  constructor(
    private readonly behaviour: Behaviour,
    private readonly refusal?: Error,
  ) {}

  exec(
    ...[namespace, pod, container, command, stdout, stderr, stdin, tty, statusCallback]: Parameters<ExecClient['exec']>
  ): Promise<ExecSocket> {
    this.requests.push({ namespace, pod, container, command, tty, stdin });
    if (this.refusal !== undefined) return Promise.reject(this.refusal);
    if (stdout === null || stderr === null || statusCallback === undefined) throw new Error('streams expected');
    setImmediate(() => {
      this.behaviour({ stdout, stderr, status: statusCallback }, this.socket);
    });
    return Promise.resolve(this.socket);
  }
}

const succeeds: Behaviour = ({ stdout, status }, socket) => {
  stdout.write(Buffer.from('Key: 10.0.1.25/32\n'));
  status({ status: 'Success' });
  socket.emit('close');
};

describe('ClientNodePodExec', () => {
  it('sends the command as an argv array to the named container, without tty or stdin', async () => {
    // Prepare
    const client = new FakeExecClient(succeeds);
    const exec = new ClientNodePodExec(() => Promise.resolve(client));
    // Act
    const result = await exec.run(TARGET, mapDumpCommand({ id: 93, subcommand: 'dump-maps' }), { timeoutMs: 1_000 });
    // Assess
    expect(client.requests).toEqual([
      {
        namespace: 'kube-system',
        pod: 'aws-node-7xk2p',
        container: 'aws-eks-nodeagent',
        command: ['/opt/cni/bin/aws-eks-na-cli', 'ebpf', 'dump-maps', '93'],
        tty: false,
        stdin: null,
      },
    ]);
    expect(result).toEqual({ stdout: 'Key: 10.0.1.25/32\n', stderr: '', exitCode: 0 });
    expect(client.socket.closed).toBe(true);
  });

  it('returns the exit status of a failed command', async () => {
    // Prepare
    const client = new FakeExecClient(({ stderr, status }, socket) => {
      stderr.write(Buffer.from('Error: unknown command\n'));
      status({
        status: 'Failure',
        message: 'command terminated with non-zero exit code: exit status 1',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '1' }] },
      });
      socket.emit('close');
    });
    // Act
    const result = await new ClientNodePodExec(() => Promise.resolve(client)).run(TARGET, ['x'], { timeoutMs: 1_000 });
    // Assess
    expect(result).toEqual({
      stdout: '',
      stderr: 'Error: unknown command\n',
      exitCode: 1,
      failure: 'command terminated with non-zero exit code: exit status 1',
    });
  });

  it('names a refused exec (403) as forbidden', async () => {
    // Prepare
    const client = new FakeExecClient(succeeds, new Error('Unexpected server response: 403'));
    // Act
    const run = new ClientNodePodExec(() => Promise.resolve(client)).run(TARGET, ['x'], { timeoutMs: 1_000 });
    // Assess
    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PodExecError);
    expect(error).toMatchObject({ failure: 'forbidden' });
    expect((error as PodExecError).message).toMatch(/HTTP 403.*pods\/exec/);
  });

  it('gives up after the timeout and closes the connection', async () => {
    // Prepare
    const client = new FakeExecClient(() => undefined);
    // Act
    const run = new ClientNodePodExec(() => Promise.resolve(client)).run(TARGET, ['sleep'], { timeoutMs: 20 });
    // Assess
    await expect(run).rejects.toEqual(new PodExecError('timeout', 'sleep timed out after 20 ms'));
    expect(client.socket.closed).toBe(true);
  });

  it('refuses output beyond the cap instead of returning part of it', async () => {
    // Prepare
    const client = new FakeExecClient(({ stdout, status }, socket) => {
      stdout.write(Buffer.alloc(64, 'a'));
      status({ status: 'Success' });
      socket.emit('close');
    });
    // Act
    const run = new ClientNodePodExec(() => Promise.resolve(client), 16).run(TARGET, ['dump'], { timeoutMs: 1_000 });
    // Assess
    await expect(run).rejects.toMatchObject({ failure: 'truncated' });
  });

  it('reports a connection that closed without a status', async () => {
    // Prepare
    const client = new FakeExecClient((_streams, socket) => socket.emit('close'));
    // Act
    const run = new ClientNodePodExec(() => Promise.resolve(client)).run(TARGET, ['x'], { timeoutMs: 1_000 });
    // Assess
    await expect(run).rejects.toMatchObject({ failure: 'transport' });
  });
});
