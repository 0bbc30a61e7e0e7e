/**
 * `node-standins kubelet` (standins/kubelet.go): the kubelet's exec endpoint for one pod, serving the SPDY upgrade
 * kube-apiserver sends when it translates a client's WebSocket exec, with the kubelet's own streaming code
 * (k8s.io/cri-streaming ServeExec). Commands run without a shell, only when argv[0] is an executable the stand-in
 * maps; anything else ends with status 127, as in a container.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { stopProcess, waitForLine } from './agent-node';

const READY = /^ready 127\.0\.0\.1:(\d+)$/;

export interface KubeletStandInOptions {
  readonly standIns: string;
  readonly certDir: string;
  readonly pod: { readonly namespace: string; readonly name: string };
  readonly container: string;
  /** Executables of the container: path in the container → file on this machine. */
  readonly paths: Readonly<Record<string, string>>;
  /**
   * Runs the stand-in (and so every command it executes) in the mount and network namespaces of this process, as
   * the lab runs its commands; the listener stays on the loopback of the caller's network namespace, where the
   * kube-apiserver is.
   */
  readonly namespacesOf?: number;
}

export interface KubeletStandIn {
  readonly port: number;
  readonly stop: () => Promise<void>;
}

export async function startKubeletStandIn(options: KubeletStandInOptions): Promise<KubeletStandIn> {
  const args = [
    'kubelet',
    '--listen',
    '127.0.0.1:0',
    '--cert-dir',
    options.certDir,
    '--pod',
    `${options.pod.namespace}/${options.pod.name}`,
    '--container',
    options.container,
    ...Object.entries(options.paths).flatMap(([inContainer, onHost]) => ['--path', `${inContainer}=${onHost}`]),
  ];
  const child: ChildProcess =
    options.namespacesOf === undefined
      ? spawn(options.standIns, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(
          'nsenter',
          [
            '-t',
            String(options.namespacesOf),
            '-m',
            '-n',
            '--',
            options.standIns,
            ...args,
            '--listen-netns',
            join('/proc', String(process.pid), 'ns/net'),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
  try {
    const ready = await waitForLine(child, READY, `node-standins kubelet for ${options.pod.name}`);
    return { port: Number(READY.exec(ready)?.[1]), stop: () => stopProcess(child) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}
