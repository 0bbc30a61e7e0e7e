import type { ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { cpValue, lpmKey, lpmValue, u32le, type CpRule, type LpmRule } from './bpf-encoding';
import { run, spawnHolder, type RunResult } from './process';

/**
 * A fake EKS node on this machine: network namespaces with host veths named like the VPC CNI's, and the
 * agent's pins (programs/ and maps/ under /sys/fs/bpf/globals/aws) in a PRIVATE bpffs that is mounted at
 * /sys/fs/bpf inside a private mount namespace, so the real aws-eks-na-cli (hard-coded path) reads them and the
 * host's /sys/fs/bpf is never touched. The mount namespace lives as long as a holder process; every command
 * that needs the pins runs in it through nsenter.
 */

export const PIN_ROOT = '/sys/fs/bpf/globals/aws';
const BPFFS = '/sys/fs/bpf';
const STAGE = `${BPFFS}/npc-stage`;

export type IdentifierMap =
  'ingress_map' | 'egress_map' | 'cp_ingress_map' | 'cp_egress_map' | 'ingress_pod_state_map' | 'egress_pod_state_map';

export const IDENTIFIER_MAPS: readonly IdentifierMap[] = [
  'ingress_map',
  'egress_map',
  'cp_ingress_map',
  'cp_egress_map',
  'ingress_pod_state_map',
  'egress_pod_state_map',
];

export const GLOBAL_MAPS = ['aws_conntrack_map', 'policy_events'] as const;

export interface IdentifierSpec {
  readonly identifier: string;
  readonly ingress: readonly LpmRule[];
  readonly egress: readonly LpmRule[];
  readonly cpIngress: readonly CpRule[];
  readonly cpEgress: readonly CpRule[];
  /** `[key 0 (NetworkPolicy), key 1 (ClusterNetworkPolicy)]`, written to both pod-state maps (§2.4). */
  readonly podState: readonly [number, number];
  /** Maps whose pin is removed after loading: the program keeps using them (drift signal, §1.3.3). */
  readonly unpin?: readonly IdentifierMap[];
}

export interface LoadedIdentifier {
  readonly programIds: { readonly handle_ingress: number; readonly handle_egress: number };
  readonly mapIds: Readonly<Record<IdentifierMap, number>>;
  readonly globalMapIds: Readonly<Record<(typeof GLOBAL_MAPS)[number], number>>;
}

export interface NodeLabOptions {
  /**
   * Network namespace (created and removed by the lab) that plays the node's root namespace: the host veths, the
   * tc filters and every command run through `inMountNs` live there, so the node sees only this lab's veths
   * (another suite's veths in the real root namespace, created or deleted meanwhile, never reach the collector).
   * Without it the host veths are created in the current network namespace.
   */
  readonly nodeNetns?: string;
  /**
   * Path of the compiled test/fixtures/node-collector/tc-attach.c: filters are then attached over netlink exactly
   * as the agent's SDK does (filter name `handle_ingress` / `handle_egress`, §3.1). Without it `tc … object-pinned`
   * is used, which names the filter after the pin file (`<pin>:[*fsobj]`).
   */
  readonly tcAttacher?: string;
}

/** A second instance of the program pair, pinned outside the agent's pin root (a stale program, agent#514). */
export interface StrayPrograms {
  readonly pins: { readonly handle_ingress: string; readonly handle_egress: string };
  readonly ids: { readonly handle_ingress: number; readonly handle_egress: number };
}

/** The agent's program on each tc hook of the host veth (§3.1). */
const PROGRAM_ON_HOOK = { egress: 'handle_ingress', ingress: 'handle_egress' } as const;

const progShow = z.object({ id: z.number().int(), map_ids: z.array(z.number().int()).optional() });
const mapShow = z.object({ id: z.number().int(), type: z.string(), bytes_key: z.number(), bytes_value: z.number() });

export class NodeLab {
  private readonly netnsNames: string[] = [];
  private readonly veths: string[] = [];
  private readonly programIds: number[] = [];
  private loadCount = 0;

  private constructor(
    private readonly holder: ChildProcess,
    readonly holderPid: number,
    private readonly objectFile: string,
    private readonly nodeNetns: string | undefined,
    private readonly tcAttacher: string | undefined,
  ) {}

  static async start(objectFile: string, options: NodeLabOptions = {}): Promise<NodeLab> {
    const { nodeNetns, tcAttacher } = options;
    if (nodeNetns !== undefined) {
      await run('ip', ['netns', 'add', nodeNetns]);
      await run('ip', ['-n', nodeNetns, 'link', 'set', 'lo', 'up']);
    }
    const holderArgs = ['--mount', '--propagation', 'private', 'sleep', '1800'];
    const holder =
      nodeNetns === undefined
        ? spawnHolder('unshare', holderArgs)
        : spawnHolder('nsenter', [`--net=/run/netns/${nodeNetns}`, '--', 'unshare', ...holderArgs]);
    const pid = holder.pid;
    if (pid === undefined) {
      if (nodeNetns !== undefined) await run('ip', ['netns', 'del', nodeNetns], { allowFailure: true });
      throw new Error('could not start the mount-namespace holder (unshare)');
    }
    const lab = new NodeLab(holder, pid, objectFile, nodeNetns, tcAttacher);
    try {
      await lab.waitForOwnMountNamespace();
      await lab.inMountNs('mount', ['-t', 'bpf', 'bpf', BPFFS]);
      await lab.inMountNs('mkdir', ['-p', `${PIN_ROOT}/programs`, `${PIN_ROOT}/maps`, STAGE]);
    } catch (error) {
      await lab.cleanup();
      throw error;
    }
    return lab;
  }

  private async waitForOwnMountNamespace(): Promise<void> {
    const own = readlinkSync('/proc/self/ns/mnt');
    for (let i = 0; i < 100; i += 1) {
      try {
        if (readlinkSync(`/proc/${this.holderPid}/ns/mnt`) !== own) return;
      } catch {
        // the process is not there yet
      }
      await sleep(20);
    }
    throw new Error('unshare --mount did not create a mount namespace');
  }

  inMountNs(command: string, args: readonly string[], env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<RunResult> {
    const namespaces = this.nodeNetns === undefined ? ['-m'] : ['-m', '-n'];
    return run('nsenter', ['-t', String(this.holderPid), ...namespaces, '--', command, ...args], {
      ...(env === undefined ? {} : { env }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  /** A pod: its own network namespace, `eth0` inside, the host veth in the root namespace (§3.2). */
  async addPod(netns: string, hostVeth: string, podIp: string): Promise<void> {
    await run('ip', ['netns', 'add', netns]);
    this.netnsNames.push(netns);
    await run('ip', [
      ...this.nodeIp(),
      'link',
      'add',
      hostVeth,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      netns,
    ]);
    this.veths.push(hostVeth);
    await run('ip', [...this.nodeIp(), 'link', 'set', hostVeth, 'up']);
    await run('ip', ['-n', netns, 'addr', 'add', `${podIp}/32`, 'dev', 'eth0']);
    await run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
    await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  }

  /** Loads the program pair for an identifier and pins it and its maps the way the agent names them (§2.1). */
  async loadIdentifier(spec: IdentifierSpec): Promise<LoadedIdentifier> {
    const stage = `${STAGE}/${String(this.loadCount)}`;
    const first = this.loadCount === 0;
    this.loadCount += 1;
    await this.inMountNs('mkdir', ['-p', stage]);
    const reuse = first ? [] : GLOBAL_MAPS.flatMap((m) => ['map', 'name', m, 'pinned', `${PIN_ROOT}/maps/global_${m}`]);
    await this.inMountNs('bpftool', [
      'prog',
      'loadall',
      this.objectFile,
      `${stage}/progs`,
      'type',
      'classifier',
      ...reuse,
      'pinmaps',
      `${stage}/maps`,
    ]);
    for (const program of ['handle_ingress', 'handle_egress']) {
      await this.inMountNs('mv', [`${stage}/progs/${program}`, `${PIN_ROOT}/programs/${spec.identifier}_${program}`]);
    }
    for (const map of IDENTIFIER_MAPS) {
      await this.inMountNs('mv', [`${stage}/maps/${map}`, `${PIN_ROOT}/maps/${spec.identifier}_${map}`]);
    }
    if (first) {
      for (const map of GLOBAL_MAPS) {
        await this.inMountNs('mv', [`${stage}/maps/${map}`, `${PIN_ROOT}/maps/global_${map}`]);
      }
    }
    await this.inMountNs('rm', ['-rf', stage]);

    const loaded = await this.describe(spec.identifier);
    this.programIds.push(loaded.programIds.handle_ingress, loaded.programIds.handle_egress);
    await this.fill(spec);
    for (const map of spec.unpin ?? []) {
      await this.inMountNs('rm', ['-f', `${PIN_ROOT}/maps/${spec.identifier}_${map}`]);
    }
    return loaded;
  }

  private async describe(identifier: string): Promise<LoadedIdentifier> {
    const programIds = {
      handle_ingress: await this.programId(`${PIN_ROOT}/programs/${identifier}_handle_ingress`),
      handle_egress: await this.programId(`${PIN_ROOT}/programs/${identifier}_handle_egress`),
    };
    const id = (map: IdentifierMap): Promise<number> => this.mapId(`${PIN_ROOT}/maps/${identifier}_${map}`);
    const mapIds = {
      ingress_map: await id('ingress_map'),
      egress_map: await id('egress_map'),
      cp_ingress_map: await id('cp_ingress_map'),
      cp_egress_map: await id('cp_egress_map'),
      ingress_pod_state_map: await id('ingress_pod_state_map'),
      egress_pod_state_map: await id('egress_pod_state_map'),
    };
    const globalMapIds = {
      aws_conntrack_map: await this.mapId(`${PIN_ROOT}/maps/global_aws_conntrack_map`),
      policy_events: await this.mapId(`${PIN_ROOT}/maps/global_policy_events`),
    };
    return { programIds, mapIds, globalMapIds };
  }

  async programId(pin: string): Promise<number> {
    const { stdout } = await this.inMountNs('bpftool', ['-j', 'prog', 'show', 'pinned', pin]);
    return progShow.parse(JSON.parse(stdout)).id;
  }

  async mapId(pin: string): Promise<number> {
    const { stdout } = await this.inMountNs('bpftool', ['-j', 'map', 'show', 'pinned', pin]);
    return mapShow.parse(JSON.parse(stdout)).id;
  }

  private async update(pin: string, key: readonly string[], value: readonly string[]): Promise<void> {
    await this.inMountNs('bpftool', ['map', 'update', 'pinned', pin, 'key', 'hex', ...key, 'value', 'hex', ...value]);
  }

  private async fill(spec: IdentifierSpec): Promise<void> {
    const pin = (map: IdentifierMap): string => `${PIN_ROOT}/maps/${spec.identifier}_${map}`;
    for (const rule of spec.ingress) await this.update(pin('ingress_map'), lpmKey(rule.cidr), lpmValue(rule.slots));
    for (const rule of spec.egress) await this.update(pin('egress_map'), lpmKey(rule.cidr), lpmValue(rule.slots));
    for (const rule of spec.cpIngress) await this.update(pin('cp_ingress_map'), lpmKey(rule.cidr), cpValue(rule.slots));
    for (const rule of spec.cpEgress) await this.update(pin('cp_egress_map'), lpmKey(rule.cidr), cpValue(rule.slots));
    for (const map of ['ingress_pod_state_map', 'egress_pod_state_map'] as const) {
      for (const [key, state] of spec.podState.entries()) {
        await this.update(pin(map), u32le(key), [state.toString(16).padStart(2, '0')]);
      }
    }
  }

  /** `-n <node netns>` for ip and tc when the lab has a node namespace. */
  private nodeIp(): string[] {
    return this.nodeNetns === undefined ? [] : ['-n', this.nodeNetns];
  }

  /** The pin of an identifier's map (agent naming, §2.1). */
  mapPin(identifier: string, map: IdentifierMap): string {
    return `${PIN_ROOT}/maps/${identifier}_${map}`;
  }

  /** Writes (adds or overwrites) one key of an identifier's ingress_map / egress_map. */
  async writeLpm(identifier: string, map: 'ingress_map' | 'egress_map', rule: LpmRule): Promise<void> {
    await this.update(this.mapPin(identifier, map), lpmKey(rule.cidr), lpmValue(rule.slots));
  }

  /** Deletes one key of an identifier's LPM map (ingress_map, egress_map, cp_*). */
  async deleteLpm(identifier: string, map: IdentifierMap, cidr: string): Promise<void> {
    await this.inMountNs('bpftool', [
      'map',
      'delete',
      'pinned',
      this.mapPin(identifier, map),
      'key',
      'hex',
      ...lpmKey(cidr),
    ]);
  }

  /** Writes key 0 (NetworkPolicy) or key 1 (ClusterNetworkPolicy) of a pod-state map (§2.4). */
  async writePodState(
    identifier: string,
    map: 'ingress_pod_state_map' | 'egress_pod_state_map',
    key: 0 | 1,
    state: number,
  ): Promise<void> {
    await this.update(this.mapPin(identifier, map), u32le(key), [state.toString(16).padStart(2, '0')]);
  }

  /**
   * Loads the object once more (reusing the global maps, with fresh identifier maps) and pins the programs outside
   * the agent's pin root: what a filter still runs after the agent re-pinned its programs (agent#514).
   */
  async loadStrayPrograms(): Promise<StrayPrograms> {
    const stage = `${STAGE}/stray-${String(this.loadCount)}`;
    this.loadCount += 1;
    await this.inMountNs('mkdir', ['-p', stage]);
    const reuse = GLOBAL_MAPS.flatMap((m) => ['map', 'name', m, 'pinned', `${PIN_ROOT}/maps/global_${m}`]);
    await this.inMountNs('bpftool', [
      'prog',
      'loadall',
      this.objectFile,
      `${stage}/progs`,
      'type',
      'classifier',
      ...reuse,
      'pinmaps',
      `${stage}/maps`,
    ]);
    const pins = { handle_ingress: `${stage}/progs/handle_ingress`, handle_egress: `${stage}/progs/handle_egress` };
    const ids = {
      handle_ingress: await this.programId(pins.handle_ingress),
      handle_egress: await this.programId(pins.handle_egress),
    };
    this.programIds.push(ids.handle_ingress, ids.handle_egress);
    return { pins, ids };
  }

  /** Unpins a stray program pair; the programs go away once no filter holds them any more. */
  async removeStrayPrograms(stray: StrayPrograms): Promise<void> {
    const stage = stray.pins.handle_ingress.replace(/\/progs\/handle_ingress$/, '');
    await this.inMountNs('rm', ['-rf', stage]);
  }

  /** Replaces the agent's filter on one hook (same pref and handle) with the program pinned at `programPin`. */
  async replaceFilter(hostVeth: string, hook: 'ingress' | 'egress', programPin: string): Promise<void> {
    await this.addFilter(hostVeth, hook, programPin, 'replace');
  }

  /** clsact + the agent's filters: handle_ingress on tc EGRESS, handle_egress on tc INGRESS (§3.1). */
  async attach(hostVeth: string, identifier: string): Promise<void> {
    await run('tc', [...this.nodeIp(), 'qdisc', 'add', 'dev', hostVeth, 'clsact']);
    for (const hook of ['egress', 'ingress'] as const) {
      await this.addFilter(hostVeth, hook, `${PIN_ROOT}/programs/${identifier}_${PROGRAM_ON_HOOK[hook]}`, 'add');
    }
  }

  /** protocol all, pref 1, handle 1, bpf, direct-action (§3.1), through the agent-like attacher when there is one. */
  private async addFilter(
    hostVeth: string,
    hook: 'ingress' | 'egress',
    programPin: string,
    mode: 'add' | 'replace',
  ): Promise<void> {
    if (this.tcAttacher !== undefined) {
      const name = PROGRAM_ON_HOOK[hook];
      await this.inMountNs(this.tcAttacher, [hostVeth, hook, programPin, name, ...(mode === 'replace' ? [mode] : [])]);
      return;
    }
    await this.inMountNs('tc', [
      'filter',
      mode,
      'dev',
      hostVeth,
      hook,
      'protocol',
      'all',
      'pref',
      '1',
      'handle',
      '1',
      'bpf',
      'direct-action',
      'object-pinned',
      programPin,
    ]);
  }

  /**
   * Removes every veth, network namespace, pin and the private bpffs, then ends the holder. Returns what could
   * not be removed (empty when clean).
   */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const veth of this.veths.splice(0)) {
      const r = await run('ip', [...this.nodeIp(), 'link', 'del', veth], { allowFailure: true });
      if (r.code !== 0 && !/Cannot find device/.test(r.stderr))
        problems.push(`ip link del ${veth}: ${r.stderr.trim()}`);
    }
    for (const netns of this.netnsNames.splice(0)) {
      const r = await run('ip', ['netns', 'del', netns], { allowFailure: true });
      if (r.code !== 0 && !/No such file/.test(r.stderr)) problems.push(`ip netns del ${netns}: ${r.stderr.trim()}`);
    }
    if (this.holder.exitCode === null) {
      await run('nsenter', ['-t', String(this.holderPid), '-m', '--', 'rm', '-rf', `${BPFFS}/globals`, STAGE], {
        allowFailure: true,
      });
      await run('nsenter', ['-t', String(this.holderPid), '-m', '--', 'umount', BPFFS], { allowFailure: true });
      const exited = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        timer.unref();
        this.holder.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.holder.kill('SIGKILL');
      await exited;
    }
    for (const id of this.programIds.splice(0)) {
      // A program outlives its pins only while something (a tc filter) still holds it; give the kernel a moment.
      let gone = false;
      for (let i = 0; i < 50 && !gone; i += 1) {
        gone = (await run('bpftool', ['prog', 'show', 'id', String(id)], { allowFailure: true })).code !== 0;
        if (!gone) await sleep(100);
      }
      if (!gone) problems.push(`BPF program ${String(id)} still loaded after cleanup`);
    }
    if (this.nodeNetns !== undefined) {
      const r = await run('ip', ['netns', 'del', this.nodeNetns], { allowFailure: true });
      if (r.code !== 0 && !/No such file/.test(r.stderr))
        problems.push(`ip netns del ${this.nodeNetns}: ${r.stderr.trim()}`);
    }
    return problems;
  }
}
