/**
 * One EKS node on this machine, run by the REAL network policy agent v1.4.1: a network namespace plays the node's
 * root namespace (the node IP on its loopback, the host veths, IP forwarding), a private mount namespace holds a
 * private bpffs at /sys/fs/bpf and the agent's /var/run/aws-node (NodeLab of the node-collector tier), and the
 * stand-ins (standins/) answer for what an EKS node provides: IMDS and a relay to the test kube-apiserver on the
 * node's loopback, ipamd's ConfigServerBackend on its unix socket, and the CNI plugin's EnforceNpToPod /
 * DeletePodNp calls when a pod is set up or torn down. Pods are network namespaces wired like the VPC CNI wires
 * them (eth0 with a /32, default route via 169.254.1.1 to the host veth, a /32 route to the veth on the node).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { podIdentifier } from '#engine/facts/pod-identifier';
import { hostVethName } from '#engine/facts/veth-name';
import { NodeLab } from '../node-collector/node-lab';
import { run } from '../node-collector/process';
import { type AgentBuild } from './agent-build';
import { AGENT_VERSION } from './scenarios';

export type EnforcingMode = 'standard' | 'strict';

export const sha1Hex = (input: string): string => createHash('sha1').update(input).digest('hex');

export interface NodePod {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  /** Extra addresses the pod answers on (a Service ClusterIP routed to its only backend, see Scenario). */
  readonly extraIps?: readonly string[];
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
}

export interface AgentNodeOptions {
  readonly build: AgentBuild;
  readonly runId: string;
  readonly workDir: string;
  readonly nodeIp: string;
  readonly mode: EnforcingMode;
  readonly apiserverUrl: string;
  readonly adminKubeconfig: string;
  /** The compiled test/fixtures/node-collector/tc-attach.c, for tc tampering the way the agent's SDK attaches. */
  readonly tcAttacher: string;
}

const IMDS_ADDRESS = '127.0.0.1:1338';
const APISERVER_RELAY_PORT = 6443;
const HEALTH_PORT = 8163;
const CNI_ADD_ATTEMPTS = 3;
const linkShow = z.array(z.object({ address: z.string() })).length(1);

interface PodWiring {
  readonly pod: NodePod;
  readonly netns: string;
  readonly veth: string;
  readonly listener: ChildProcess;
}

export class AgentNode {
  private readonly pods = new Map<string, PodWiring>();
  private agent: ChildProcess | undefined;
  private agentExit: string | undefined;
  private podCount = 0;
  /** The CNI ADDs the agent refused before a retry succeeded, for the test to report. */
  readonly cniFailures: string[] = [];

  private constructor(
    readonly options: AgentNodeOptions,
    readonly lab: NodeLab,
    private readonly standIns: ChildProcess,
  ) {}

  get nodeNetns(): string {
    return `${this.options.runId}-node`;
  }

  get runDir(): string {
    return join(this.options.workDir, 'aws-node');
  }

  get agentLog(): string {
    return join(this.options.workDir, 'network-policy-agent.log');
  }

  private get npaSocket(): string {
    return join(this.runDir, 'npa.sock');
  }

  /** Node namespaces, mounts, stand-ins and the agent; resolves once the agent's /readyz answers ok. */
  static async start(options: AgentNodeOptions): Promise<AgentNode> {
    const nodeNetns = `${options.runId}-node`;
    const lab = await NodeLab.start(join(options.build.directory, 'tc.v4ingress.bpf.o'), {
      nodeNetns,
      tcAttacher: options.tcAttacher,
    });
    let standIns: ChildProcess | undefined;
    try {
      await prepareNodeNamespaces(lab, options);
      standIns = await startStandIns(options, nodeNetns);
      const node = new AgentNode(options, lab, standIns);
      await node.startAgent();
      return node;
    } catch (error) {
      standIns?.kill('SIGTERM');
      await lab.cleanup();
      throw error;
    }
  }

  private async startAgent(): Promise<void> {
    const { build, workDir } = this.options;
    const kubeconfig = join(workDir, 'agent.kubeconfig');
    const apiserver = new URL(this.options.apiserverUrl);
    writeFileSync(
      kubeconfig,
      readFileSync(this.options.adminKubeconfig, 'utf8').replaceAll(
        apiserver.origin,
        `https://127.0.0.1:${String(APISERVER_RELAY_PORT)}`,
      ),
    );
    const agent = spawn(
      'nsenter',
      [
        '-t',
        String(this.lab.holderPid),
        '-m',
        '-n',
        `--wd=${build.directory}`,
        '--',
        build.agent,
        '--enable-network-policy=true',
        '--enable-ipv6=false',
        '--enable-policy-event-logs=false',
        '--enable-cloudwatch-logs=false',
        `--kubeconfig=${kubeconfig}`,
        `--log-file=${this.agentLog}`,
        '--log-level=debug',
        '--metrics-bind-addr=127.0.0.1:8162',
        `--health-probe-bind-addr=127.0.0.1:${String(HEALTH_PORT)}`,
        '--conntrack-cache-cleanup-period=300',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: workDir,
          AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://${IMDS_ADDRESS}`,
          AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv4',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EBPF_SDK_LOG_FILE: join(workDir, 'ebpf-sdk.log'),
        },
      },
    );
    let stderr = '';
    agent.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    agent.once('exit', (code, signal) => {
      this.agentExit = `exited (code ${String(code)}, signal ${String(signal)}); stderr: ${stderr}`;
    });
    this.agent = agent;
    await this.waitForReady();
  }

  private async waitForReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    let last = '';
    while (Date.now() < deadline) {
      if (this.agentExit !== undefined) throw new Error(`the agent ${this.agentExit}\n${this.agentLogTail()}`);
      const readyz = `http://127.0.0.1:${String(HEALTH_PORT)}/readyz`;
      const probe = await run(
        'nsenter',
        ['-t', String(this.lab.holderPid), '-n', '--', 'curl', '-s', '-m', '2', readyz],
        {
          allowFailure: true,
        },
      );
      last = probe.stdout;
      if (probe.stdout.trim() === 'ok' && existsSync(this.npaSocket)) return;
      await sleep(250);
    }
    throw new Error(`the agent did not become ready in 60 s (last /readyz: ${last})\n${this.agentLogTail()}`);
  }

  agentLogTail(lines = 30): string {
    if (!existsSync(this.agentLog)) return '(no agent log)';
    return readFileSync(this.agentLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Error lines of the agent log (zap JSON) after the first `skip` lines, to show what the agent complained about. */
  agentErrors(skip = 0): string[] {
    return this.agentLogLines()
      .slice(skip)
      .filter((line) => line.includes('"level":"error"'));
  }

  agentLogLines(): string[] {
    if (!existsSync(this.agentLog)) return [];
    return readFileSync(this.agentLog, 'utf8').split('\n');
  }

  /** What the VPC CNI does on ADD: the pod's namespace and veth, then EnforceNpToPod over the agent's socket. */
  async addPod(pod: NodePod): Promise<string> {
    this.podCount += 1;
    const netns = `${this.options.runId}-p${String(this.podCount)}`;
    const veth = hostVethName(pod.namespace, pod.name, sha1Hex);
    await this.lab.addPod(netns, veth, pod.ip);
    await this.wire(netns, veth, pod);
    const listener = await startListener(this.options.build.standIns, netns, pod);
    this.pods.set(podKey(pod), { pod, netns, veth, listener });
    await this.cni('add', pod);
    return veth;
  }

  private async wire(netns: string, veth: string, pod: NodePod): Promise<void> {
    const node = this.nodeNetns;
    const hostMac = await macOf(node, veth);
    const podMac = await macOf(netns, 'eth0');
    await run('ip', ['-n', netns, 'route', 'add', '169.254.1.1', 'dev', 'eth0', 'scope', 'link']);
    await run('ip', ['-n', netns, 'route', 'add', 'default', 'via', '169.254.1.1', 'dev', 'eth0']);
    await run('ip', ['-n', netns, 'neigh', 'add', '169.254.1.1', 'lladdr', hostMac, 'dev', 'eth0', 'nud', 'permanent']);
    for (const ip of [pod.ip, ...(pod.extraIps ?? [])]) {
      if (ip !== pod.ip) await run('ip', ['-n', netns, 'addr', 'add', `${ip}/32`, 'dev', 'eth0']);
      await run('ip', ['-n', node, 'route', 'add', `${ip}/32`, 'dev', veth, 'scope', 'link']);
      await run('ip', ['-n', node, 'neigh', 'replace', ip, 'lladdr', podMac, 'dev', veth, 'nud', 'permanent']);
    }
  }

  /** What the VPC CNI does on DEL: DeletePodNp, then the pod's namespace and veth go away. */
  async deletePod(pod: NodePod): Promise<void> {
    const wiring = this.wiringOf(pod);
    await this.cni('del', pod);
    wiring.listener.kill('SIGTERM');
    await run('ip', ['-n', this.nodeNetns, 'link', 'del', wiring.veth]);
    await run('ip', ['netns', 'del', wiring.netns]);
    this.pods.delete(podKey(pod));
  }

  /**
   * The CNI call. A failed ADD is torn down (DEL) and tried again, as kubelet does with a pod sandbox whose CNI ADD
   * failed. The agent v1.4.1 fails EnforceNpToPod now and then on a fresh map set ("pod state map write: argument
   * list too long", agent#484; "program loaded but has no associated maps", agent#646): its eBPF SDK passes
   * addresses of stack variables as uintptr into the bpf syscall, and a goroutine stack that moves in between makes
   * the kernel read a stale key. DEL of the identifier's last pod removes its programs and maps, so the next ADD
   * starts from a fresh set.
   */
  private async cni(command: 'add' | 'del', pod: NodePod): Promise<void> {
    const attempts = command === 'add' ? CNI_ADD_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.cniOnce(command, pod);
        return;
      } catch (error) {
        if (attempt >= attempts) throw error;
        process.stderr.write(
          `agent-node: CNI ADD of ${podKey(pod)} failed (attempt ${String(attempt)}), DEL and again: ${String(error)}\n`,
        );
        this.cniFailures.push(String(error));
        await this.cniOnce('del', pod).catch(() => undefined);
        await sleep(1_000);
      }
    }
  }

  private async cniOnce(command: 'add' | 'del', pod: NodePod): Promise<void> {
    try {
      await this.cniCall(command, pod);
    } catch (error) {
      throw new Error(`${String(error)}\n${await this.podStateDump(pod)}`, { cause: error });
    }
  }

  /** What the pod-state maps of the pod's identifier hold, for the message of a failed CNI call. */
  private async podStateDump(pod: NodePod): Promise<string> {
    const identifier = podIdentifier(pod.name, pod.namespace, AGENT_VERSION);
    const lines: string[] = [];
    for (const map of ['ingress_pod_state_map', 'egress_pod_state_map'] as const) {
      const pin = this.lab.mapPin(identifier, map);
      try {
        const dump = await this.lab.inMountNs('bpftool', ['-j', 'map', 'dump', 'pinned', pin]);
        lines.push(`${pin}: ${dump.stdout.trim()}`);
      } catch (error) {
        lines.push(`${pin}: ${String(error)}`);
      }
    }
    return lines.join('\n');
  }

  private async cniCall(command: 'add' | 'del', pod: NodePod): Promise<void> {
    await run(this.options.build.standIns, [
      'cni',
      command,
      '--socket',
      this.npaSocket,
      '--pod',
      pod.name,
      '--namespace',
      pod.namespace,
      '--mode',
      this.options.mode,
    ]);
  }

  podNetns(pod: Pick<NodePod, 'namespace' | 'name'>): string {
    return this.wiringOf(pod).netns;
  }

  vethOf(pod: Pick<NodePod, 'namespace' | 'name'>): string {
    return this.wiringOf(pod).veth;
  }

  private wiringOf(pod: Pick<NodePod, 'namespace' | 'name'>): PodWiring {
    const wiring = this.pods.get(podKey(pod));
    if (wiring === undefined) throw new Error(`no pod ${podKey(pod)} on the node`);
    return wiring;
  }

  /** Ends the agent, the stand-ins and the listeners, and removes every namespace, veth, pin and mount. */
  async stop(): Promise<string[]> {
    for (const wiring of this.pods.values()) wiring.listener.kill('SIGTERM');
    this.pods.clear();
    await stopProcess(this.agent);
    await stopProcess(this.standIns);
    return this.lab.cleanup();
  }
}

function podKey(pod: Pick<NodePod, 'namespace' | 'name'>): string {
  return `${pod.namespace}/${pod.name}`;
}

async function macOf(netns: string, device: string): Promise<string> {
  const { stdout } = await run('ip', ['-n', netns, '-j', 'link', 'show', device]);
  const [link] = linkShow.parse(JSON.parse(stdout));
  if (link === undefined) throw new Error(`ip -n ${netns} link show ${device}: no link`);
  return link.address;
}

/**
 * The node IP on the node namespace's loopback, forwarding between pod veths, and the agent's
 * /var/run/aws-node and /var/log/aws-routed-eni as test directories, in the node's private mount namespace only
 * (/run and /var/log there are fresh tmpfs: nothing of the host's /run or /var/log is visible to or changed by the
 * agent, and the host needs no /var/log/aws-routed-eni).
 */
async function prepareNodeNamespaces(lab: NodeLab, options: AgentNodeOptions): Promise<void> {
  const nodeNetns = `${options.runId}-node`;
  const runDir = join(options.workDir, 'aws-node');
  const logDir = join(options.workDir, 'aws-routed-eni');
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  await run('ip', ['-n', nodeNetns, 'addr', 'add', `${options.nodeIp}/32`, 'dev', 'lo']);
  await lab.inMountNs('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  await lab.inMountNs('sh', [
    '-c',
    'mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -p /run/aws-node && mount --bind "$1" /run/aws-node && ' +
      'mount -t tmpfs -o mode=0755 tmpfs /var/log && mkdir -p /var/log/aws-routed-eni && ' +
      'mount --bind "$2" /var/log/aws-routed-eni',
    'sh',
    runDir,
    logDir,
  ]);
}

async function startStandIns(options: AgentNodeOptions, nodeNetns: string): Promise<ChildProcess> {
  const upstream = new URL(options.apiserverUrl).host;
  const child = spawn(
    options.build.standIns,
    [
      'serve',
      '--netns',
      `/run/netns/${nodeNetns}`,
      '--node-ip',
      options.nodeIp,
      '--imds-addr',
      IMDS_ADDRESS,
      '--ipamd-socket',
      join(options.workDir, 'aws-node', 'ipamd.sock'),
      '--mode',
      options.mode,
      '--apiserver-listen',
      `127.0.0.1:${String(APISERVER_RELAY_PORT)}`,
      '--apiserver-upstream',
      upstream,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForLine(child, 'ready', 'node-standins serve');
  return child;
}

async function startListener(standIns: string, netns: string, pod: NodePod): Promise<ChildProcess> {
  const listener = spawn(
    'nsenter',
    [
      `--net=/run/netns/${netns}`,
      '--',
      standIns,
      'probe',
      'listen',
      '--tcp',
      pod.tcpPorts.join(','),
      '--udp',
      pod.udpPorts.join(','),
      '--addresses',
      [pod.ip, ...(pod.extraIps ?? [])].join(','),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForLine(listener, 'ready', `probe listener of ${podKey(pod)}`);
  return listener;
}

/** Resolves with the first complete stdout line that is `line` (or matches it). */
export function waitForLine(child: ChildProcess, line: string | RegExp, what: string): Promise<string> {
  const matches = (candidate: string): boolean =>
    typeof line === 'string' ? candidate === line : line.test(candidate);
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not print "${String(line)}" in 15 s; stderr: ${stderr}`));
    }, 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = stdout.split('\n').slice(0, -1).find(matches);
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${String(code)} before it was ready; stderr: ${stderr}`));
    });
  });
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
