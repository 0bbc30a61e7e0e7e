import { createHash } from 'node:crypto';
import type { EffectiveConfiguration } from '#engine/model/assessment';
import { emptyInventory, type ClusterInventory } from '#engine/model/cluster';
import type {
  ContainerPort,
  EndpointInfo,
  Namespace,
  NetworkPolicy,
  Pod,
  PolicyEndpoint,
  PolicyType,
} from '#engine/model/kubernetes';
import { parseNodeBundle, type ParsedNodeBundle } from '#engine/node/bundle';

export const NODE = 'node-a';
export const NODE_IP = '10.0.0.10';

export const sha1Hex = (text: string): string => createHash('sha1').update(text).digest('hex');

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export function pod(
  ns: string,
  name: string,
  ip: string,
  labels: Record<string, string> = {},
  ports: ContainerPort[] = [],
  nodeName = NODE,
): Pod {
  return {
    kind: 'Pod',
    metadata: { namespace: ns, name, labels },
    spec: { nodeName, containers: [{ name: 'main', ports }] },
    status: { phase: 'Running', podIP: ip, hostIP: NODE_IP },
  };
}

export function networkPolicy(ns: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec };
}

export function policyEndpoint(
  ns: string,
  policy: string,
  targets: readonly Pod[],
  spec: { isolation?: PolicyType[]; ingress?: EndpointInfo[]; egress?: EndpointInfo[] },
): PolicyEndpoint {
  return {
    kind: 'PolicyEndpoint',
    metadata: { namespace: ns, name: `${policy}-abcde` },
    spec: {
      policyRef: { namespace: ns, name: policy },
      podIsolation: spec.isolation ?? ['Ingress'],
      podSelectorEndpoints: targets.map((target) => ({
        namespace: target.metadata.namespace,
        name: target.metadata.name,
        podIP: target.status.podIP ?? '',
        hostIP: target.status.hostIP ?? '',
      })),
      ingress: spec.ingress ?? null,
      egress: spec.egress ?? null,
    },
  };
}

export function inventory(parts: Partial<ClusterInventory>): ClusterInventory {
  return { ...emptyInventory('test'), ...parts };
}

export function configuration(
  agentVersion: string | undefined,
  mode: 'standard' | 'strict' = 'standard',
): EffectiveConfiguration {
  return {
    networkPolicyEnabled: true,
    enforcementMode: mode,
    cniVersion: '1.19.6',
    agentVersion,
    autoMode: false,
    ipFamily: 'ipv4',
  };
}

// ---------------------------------------------------------------- node outputs (aws-eks-na-cli text, agent.md §1.3)

export interface ProgramSpec {
  readonly identifier: string;
  readonly direction: 'ingress' | 'egress';
  readonly programId: number;
  /** Map name → id. */
  readonly maps: Readonly<Record<string, number>>;
}

export function loadedEbpfData(programs: readonly ProgramSpec[]): string {
  return programs
    .map((program) =>
      [
        `PinPath:  /sys/fs/bpf/globals/aws/programs/${program.identifier}_handle_${program.direction}`,
        `Pod Identifier : ${program.identifier}  Direction : ${program.direction}`,
        `Prog ID:  ${program.programId}`,
        'Associated Maps ->',
        ...Object.entries(program.maps).flatMap(([name, id]) => [`Map Name:  ${name}`, `Map ID:  ${id}`]),
        '========================================================================================',
      ].join('\n'),
    )
    .join('\n')
    .concat('\n');
}

/** `[protocol label, start, end]`, e.g. `['TCP', 80, 0]`, `['ANY PROTOCOL', 0, 0]`, `['RESERVED', 0, 0]`. */
export type Slot = readonly [string, number, number];

/** IPv4 CLI v1.0.7–v1.2.7 LPM dump (G2). */
export function lpmDumpG2(entries: readonly { cidr: string; slots: readonly Slot[] }[]): string {
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(`Key : IP/Prefixlen - ${entry.cidr}`);
    entry.slots.forEach(([protocol, start, end], index) => {
      lines.push(
        '-------------------',
        `Value Entry :  ${index}`,
        `Protocol -  ${protocol}`,
        `StartPort -  ${start}`,
        `Endport -  ${end}`,
        '-------------------',
      );
    });
    lines.push('*******************************');
  }
  lines.push('Done reading all entries');
  return `${lines.join('\n')}\n`;
}

/** IPv4 CLI v1.3.0+ LPM dump (G3). */
export function lpmDumpG3(entries: readonly { cidr: string; slots: readonly Slot[] }[]): string {
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(`Key: ${entry.cidr}`);
    entry.slots.forEach(([protocol, start, end], index) => {
      lines.push(
        '-------------------',
        `Entry ${index}:`,
        `Protocol  - ${protocol}`,
        `StartPort - ${start}`,
        `EndPort   - ${end}`,
        '-------------------',
      );
    });
    lines.push('*******************************');
  }
  lines.push('Done reading all entries');
  return `${lines.join('\n')}\n`;
}

/** `[protocol label, stored priority, start, end]`. */
export type CpSlot = readonly [string, number, number, number];

export function cpDump(entries: readonly { cidr: string; slots: readonly CpSlot[] }[]): string {
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(`Key: ${entry.cidr}`, `Key: ${entry.cidr}`);
    entry.slots.forEach(([protocol, priority, start, end], index) => {
      lines.push(
        '-------------------',
        `Entry ${index}:`,
        `Protocol  - ${protocol}`,
        `Priority  - ${priority}`,
        `StartPort - ${start}`,
        `EndPort   - ${end}`,
        '-------------------',
      );
    });
    lines.push('*******************************');
  }
  lines.push('Done reading all entries');
  return `${lines.join('\n')}\n`;
}

/** `[key, state]`: state 0 POLICIES_APPLIED, 1 DEFAULT_ALLOW, 2 DEFAULT_DENY. */
export function podStateDump(keys: readonly (readonly [number, number])[]): string {
  const lines = keys.flatMap(([key, state]) => [
    `Key :  ${key}`,
    `State -  ${state}`,
    '*******************************',
  ]);
  lines.push('Done reading all entries in BPF_MAP_TYPE_HASH');
  return `${lines.join('\n')}\n`;
}

export function tcFilterText(name: 'handle_ingress' | 'handle_egress', programId: number): string {
  return (
    'filter protocol all pref 1 bpf chain 0\n' +
    `filter protocol all pref 1 bpf chain 0 handle 0x1 ${name} direct-action not_in_hw id ${programId} name  tag 557a80b8403d758b jited\n`
  );
}

export function vethOf(target: Pod): string {
  return `eni${sha1Hex(`${target.metadata.namespace}.${target.metadata.name}`).slice(0, 11)}`;
}

export function nodeBundle(files: Record<string, string>, nodeName = NODE): ParsedNodeBundle {
  return parseNodeBundle({ nodeName, sourceDirectory: `nodes/${nodeName}`, files: new Map(Object.entries(files)) });
}
