/**
 * Node-layer benchmark: one synthetic 110-pod node (the m5.large-class pod limit) with ~1,000 keys per policy map,
 * rendered as real CLI text (loaded-ebpfdata, dump-maps G3, pod-state dumps, tc text), then parsed, recomputed and
 * compared. Target: ≤ 100 ms per node. Run: `npx tsx bench/node-layer.ts` (prints one JSON line).
 */
import { createHash } from 'node:crypto';
import { median, timed } from './measure';
import {
  audit,
  emptyInventory,
  POD_STATE_VALUE,
  resolveNode,
  type AuditPhase,
  type ClusterInventory,
  type DaemonSet,
  type ExpectedNodeState,
  type Node,
  type Pod,
  type PolicyEndpoint,
  type PortSlot,
  type RawNodeOutput,
} from '#engine';

// ---------------------------------------------------------------- CLI text renderers (agent.md §1.3, §3.1)

const RULE_EQ = '='.repeat(88);
const RULE_DASH = '-'.repeat(19);
const RULE_STAR = '*'.repeat(31);
const PROTOCOL_LABEL: Readonly<Record<number, string>> = {
  6: 'TCP',
  17: 'UDP',
  132: 'SCTP',
  1: 'ICMP',
  254: 'ANY PROTOCOL',
  255: 'RESERVED',
};

export interface RenderedMap {
  readonly name: string;
  readonly id: number;
}

export interface RenderedProgram {
  readonly identifier: string;
  readonly direction: 'ingress' | 'egress';
  readonly programId: number;
  readonly maps: readonly RenderedMap[];
}

/** `aws-eks-na-cli ebpf loaded-ebpfdata` (v1.0.7+). */
export function renderLoadedEbpfData(programs: readonly RenderedProgram[]): string {
  const lines: string[] = [];
  for (const program of programs) {
    lines.push(
      `PinPath:  /sys/fs/bpf/globals/aws/programs/${program.identifier}_handle_${program.direction}`,
      `Pod Identifier : ${program.identifier}  Direction : ${program.direction} `,
      `Prog ID:  ${program.programId}`,
      'Associated Maps -> ',
    );
    for (const map of program.maps) lines.push(`Map Name:  ${map.name}`, `Map ID:  ${map.id}`);
    lines.push(RULE_EQ);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export interface RenderedEntry {
  readonly cidr: string;
  readonly ports: readonly PortSlot[];
}

/** `dump-maps` on an LPM map; G2 (IPv4 CLI v1.0.7–v1.2.7) or G3 (v1.3.0+). Empty → `No Entries found, Empty map`. */
export function renderLpmDump(entries: readonly RenderedEntry[], generation: 'G2' | 'G3'): string {
  if (entries.length === 0) return 'No Entries found, Empty map\n';
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(generation === 'G3' ? `Key: ${entry.cidr}` : `Key : IP/Prefixlen - ${entry.cidr} `);
    entry.ports.forEach((slot, index) => {
      const protocol = PROTOCOL_LABEL[slot.protocol] ?? 'UNKNOWN';
      if (generation === 'G3') {
        lines.push(
          RULE_DASH,
          `Entry ${index}:`,
          `Protocol  - ${protocol}`,
          `StartPort - ${slot.startPort}`,
          `EndPort   - ${slot.endPort}`,
          RULE_DASH,
        );
      } else {
        lines.push(
          RULE_DASH,
          `Value Entry :  ${index}`,
          `Protocol -  ${protocol}`,
          `StartPort -  ${slot.startPort}`,
          `Endport -  ${slot.endPort}`,
          RULE_DASH,
        );
      }
    });
    lines.push(RULE_STAR);
  }
  lines.push('Done reading all entries');
  return `${lines.join('\n')}\n`;
}

/** `dump-maps` on a pod-state HASH map (IPv4 CLI v1.2.0+). */
export function renderPodStateDump(states: readonly (readonly [number, number])[]): string {
  if (states.length === 0) return 'No entries found, empty HASH map (pod_state_map?)\n';
  const lines: string[] = [];
  for (const [key, state] of states) lines.push(`Key :  ${key}`, `State -  ${state}`, RULE_STAR);
  lines.push('Done reading all entries in BPF_MAP_TYPE_HASH');
  return `${lines.join('\n')}\n`;
}

/** `tc filter show dev <veth> ingress|egress` with the agent's filter (iproute2 ≥ 5.15 form). */
export function renderTcFilter(direction: 'ingress' | 'egress', programId: number, tag: string): string {
  return (
    'filter protocol all pref 1 bpf chain 0 \n' +
    `filter protocol all pref 1 bpf chain 0 handle 0x1 handle_${direction} direct-action not_in_hw id ${programId} name  tag ${tag} jited \n`
  );
}

/** Kernel LPM dump order: more specific prefixes before the ones covering them, lower addresses first. */
export function kernelOrder<T extends { readonly cidr: string }>(entries: readonly T[]): T[] {
  const value = (cidr: string): [number, number] => {
    const [ip = '', length = '32'] = cidr.split('/');
    const octets = ip.split('.').map(Number);
    const number = (((octets[0] ?? 0) * 256 + (octets[1] ?? 0)) * 256 + (octets[2] ?? 0)) * 256 + (octets[3] ?? 0);
    return [number, Number(length)];
  };
  return [...entries].sort((a, b) => {
    const [an, al] = value(a.cidr);
    const [bn, bl] = value(b.cidr);
    const shorter = Math.min(al, bl);
    const scale = 2 ** (32 - shorter);
    const sameNetwork = Math.floor(an / scale) === Math.floor(bn / scale);
    if (sameNetwork && al !== bl) return bl - al;
    return an - bn || bl - al;
  });
}

export interface RenderOptions {
  readonly generation: 'G2' | 'G3';
  readonly firstProgramId: number;
  readonly firstMapId: number;
  readonly conntrackMapId: number;
  readonly policyEventsMapId: number;
}

/** Renders the node directory an agent in perfect agreement with `expected` would produce (IPv4, no cp maps dumped empty). */
export function renderNodeOutputs(expected: ExpectedNodeState, options: RenderOptions): Map<string, string> {
  const files = new Map<string, string>();
  const programs: RenderedProgram[] = [];
  let programId = options.firstProgramId;
  let mapId = options.firstMapId;
  const veths: string[] = [];
  for (const state of expected.identifiers) {
    const maps = state.maps;
    if (maps === undefined || state.pods.length === 0) continue;
    for (const direction of ['ingress', 'egress'] as const) {
      const owned: RenderedMap[] = [];
      const lpmId = mapId++;
      owned.push({ name: `${direction}_map`, id: lpmId });
      files.set(`maps/${lpmId}.txt`, renderLpmDump(kernelOrder(maps[direction].entries), options.generation));
      if (maps.podState !== undefined) {
        const stateId = mapId++;
        owned.push({ name: `${direction}_pod_state_map`, id: stateId });
        const states: [number, number][] = [[0, POD_STATE_VALUE[maps.podState.networkPolicy]]];
        if (maps.podState.clusterPolicy !== undefined) states.push([1, POD_STATE_VALUE[maps.podState.clusterPolicy]]);
        files.set(`maps/${stateId}.txt`, renderPodStateDump(states));
      }
      const cp = direction === 'ingress' ? maps.cpIngress : maps.cpEgress;
      if (cp !== undefined) {
        const cpId = mapId++;
        owned.push({ name: `cp_${direction}_map`, id: cpId });
        files.set(`maps/${cpId}.txt`, 'No Entries found, Empty map\n');
      }
      owned.push({ name: 'aws_conntrack_map', id: options.conntrackMapId });
      owned.push({ name: 'policy_events', id: options.policyEventsMapId });
      const id = programId++;
      programs.push({ identifier: state.podIdentifier, direction, programId: id, maps: owned });
      const tag = createHash('sha1').update(`${state.podIdentifier}/${direction}`).digest('hex').slice(0, 16);
      for (const pod of state.pods) {
        if (!pod.needsFilters) continue;
        const hook = direction === 'ingress' ? 'egress' : 'ingress';
        files.set(`tc/${pod.vethName}.${hook}.txt`, renderTcFilter(direction, id, tag));
        if (!veths.includes(pod.vethName)) veths.push(pod.vethName);
      }
    }
  }
  files.set('loaded-ebpfdata.txt', renderLoadedEbpfData(programs));
  return files;
}

// ---------------------------------------------------------------- synthetic node

interface SyntheticNode {
  readonly inventory: ClusterInventory;
  readonly raw: RawNodeOutput;
}

/** The aws-node DaemonSet of VPC CNI v1.22.3 with agent v1.3.7 in standard mode: the configuration layer reads it. */
function awsNodeDaemonSet(): DaemonSet {
  return {
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'aws-node',
              image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.22.3-eksbuild.1',
              env: [{ name: 'NETWORK_POLICY_ENFORCING_MODE', value: 'standard' }],
            },
            {
              name: 'aws-eks-nodeagent',
              image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon/aws-network-policy-agent:v1.3.7-eksbuild.1',
              args: ['--enable-network-policy=true'],
            },
          ],
        },
      },
    },
  };
}

/**
 * 110 pods in 22 deployments of 5 replicas (22 identifiers, 44 programs, 88 dumped maps); each deployment's PE holds
 * ~1,000 host CIDRs per direction. `policyShapes` distinct rule sets are spread over the deployments: 4 by default
 * (deployments of a tier share their policy, as namespace-wide policies do); 22 = every identifier different.
 */
export function buildSyntheticNode(keysPerMap = 1000, podCount = 110, policyShapes = 4): SyntheticNode {
  const nodeName = 'ip-10-0-0-10.bench.internal';
  const node: Node = {
    kind: 'Node',
    metadata: { name: nodeName },
    spec: {},
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.10' }] },
  };
  const pods: Pod[] = [];
  const endpoints: PolicyEndpoint[] = [];
  const deployments = Math.ceil(podCount / 5);
  for (let d = 0; d < deployments; d++) {
    const targets: { hostIP: string; podIP: string; name: string; namespace: string }[] = [];
    for (let r = 0; r < 5 && pods.length < podCount; r++) {
      const index = pods.length;
      const name = `app${d}-7d4b9c6f8-x${r}q${d}`;
      const podIP = `10.0.${1 + (index >> 8)}.${index & 255}`;
      pods.push({
        kind: 'Pod',
        metadata: { name, namespace: 'bench', labels: { app: `app${d}` } },
        spec: { nodeName, containers: [] },
        status: { phase: 'Running', podIP },
      });
      targets.push({ hostIP: '10.0.0.10', podIP, name, namespace: 'bench' });
    }
    const ingress = [];
    const egress = [];
    for (let k = 0; k < keysPerMap - 1; k++) {
      const shape = d % policyShapes;
      const cidr = `10.${100 + ((shape * 7 + k) % 50)}.${k >> 8}.${k & 255}`;
      ingress.push({
        cidr,
        ports: [
          { protocol: 'TCP' as const, port: 8080 },
          { protocol: 'TCP' as const, port: 9000, endPort: 9100 },
        ],
      });
      egress.push({ cidr: `${cidr}/32`, ports: [{ protocol: 'UDP' as const, port: 53 }] });
    }
    endpoints.push({
      kind: 'PolicyEndpoint',
      metadata: { name: `app${d}-policy-abcde`, namespace: 'bench' },
      spec: {
        policyRef: { name: `app${d}-policy`, namespace: 'bench' },
        podIsolation: ['Ingress', 'Egress'],
        podSelectorEndpoints: targets,
        ingress,
        egress,
      },
    });
  }
  const inventory: ClusterInventory = {
    ...emptyInventory('bench'),
    nodes: [node],
    pods,
    policyEndpoints: endpoints,
    awsNodeDaemonSet: awsNodeDaemonSet(),
  };
  const files = renderNodeOutputs(resolveNode({ inventory }, nodeName), {
    generation: 'G3',
    firstProgramId: 1000,
    firstMapId: 2000,
    conntrackMapId: 21,
    policyEventsMapId: 22,
  });
  return { inventory, raw: { nodeName, sourceDirectory: 'bench/nodes/' + nodeName, files } };
}

// ---------------------------------------------------------------- measurement

export interface NodeLayerBench {
  readonly nodeParseMs: number;
  readonly nodeExpectedMs: number;
  readonly nodeCompareMs: number;
  readonly nodeTotalMs: number;
}

const NODE_PHASES: readonly AuditPhase[] = ['node-parse', 'node-expected', 'node-compare'];

/** One audit through the front door; the node phases as its timer saw them. Throws unless the node audits clean. */
function auditNodeOnce(node: SyntheticNode): Map<AuditPhase, number> {
  const totals = new Map<AuditPhase, number>();
  const report = audit(
    { inventory: node.inventory, nodeOutputs: [node.raw], source: { kind: 'snapshot', location: 'bench' } },
    {
      now: new Date(),
      engineVersion: 'bench',
      timer: {
        time: (phase, run) => {
          const phaseRun = timed(run);
          totals.set(phase, (totals.get(phase) ?? 0) + phaseRun.ms);
          return phaseRun.value;
        },
      },
    },
  );
  const nodeFindings = report.findings.filter((finding) => finding.layer === 'node');
  if (nodeFindings.length > 0 || NODE_PHASES.some((phase) => !totals.has(phase))) {
    throw new Error(`synthetic node should audit clean: ${nodeFindings[0]?.message ?? 'the node layer did not run'}`);
  }
  return totals;
}

/** Medians over `runs` audits (after one warm-up) of one synthetic node; each audit builds its own caches. */
export function benchNodeLayer(runs = 7, policyShapes = 4): NodeLayerBench {
  const node = buildSyntheticNode(1000, 110, policyShapes);
  const byPhase = new Map<AuditPhase, number[]>(NODE_PHASES.map((phase) => [phase, []]));
  const total: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const totals = auditNodeOnce(node);
    if (run === 0) continue;
    for (const phase of NODE_PHASES) byPhase.get(phase)?.push(totals.get(phase) ?? 0);
    total.push(NODE_PHASES.reduce((sum, phase) => sum + (totals.get(phase) ?? 0), 0));
  }
  const round = (value: number): number => Math.round(value * 10) / 10;
  const phaseMedian = (phase: AuditPhase): number => round(median(byPhase.get(phase) ?? []));
  return {
    nodeParseMs: phaseMedian('node-parse'),
    nodeExpectedMs: phaseMedian('node-expected'),
    nodeCompareMs: phaseMedian('node-compare'),
    nodeTotalMs: round(median(total)),
  };
}

if (require.main === module) {
  const shared = benchNodeLayer();
  const distinct = benchNodeLayer(7, 22);
  process.stdout.write(`${JSON.stringify({ ...shared, worstCaseDistinctPolicies: distinct })}\n`);
}
