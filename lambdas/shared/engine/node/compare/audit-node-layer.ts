/**
 * The node layer: what each worker node's kernel enforces (tc filters, pinned programs, eBPF maps) against what
 * the agent should have programmed from the PolicyEndpoints (agent.md §6).
 */
import type { EffectiveConfiguration, LayerOutcome, NotChecked } from '../../model/assessment';
import type { ClusterInventory } from '../../model/cluster';
import { findingOf, type Finding } from '../../model/finding';
import { passedOf, type Evaluation, type PassedCheck } from '../../model/outcome';
import {
  NC_NODE_AGENT_VERSION_ASSUMED,
  NC_NODE_AGENT_VERSION_UNKNOWN,
  NC_NODE_EBPF_NOT_COLLECTED,
  NC_NODE_INPUTS_UNREADABLE,
  NC_NODE_NO_NODE_IP,
  NC_NODE_NO_OUTPUTS,
  NC_NODE_NO_SHA1,
  NC_NODE_NOT_COLLECTED,
  NC_NODE_NOT_IN_INVENTORY,
  NC_NODE_NOTHING_READABLE,
  NC_NODE_TC_EXEC_COLLECTOR,
  NC_NODE_TC_NOT_COLLECTED,
  NC_NODE_UNSELECTED_PODS_MODE_UNKNOWN,
  notCheckedOf,
  type NotCheckedKind,
} from '../../not-checked-catalog';
import type { NotCheckedDefinition } from '../../model/not-checked';
import { UNTIMED, type PhaseTimer } from '../../ports';
import type { Node } from '../../model/kubernetes';
import type { RawNodeOutput } from '../../model/node-output';
import { parseNodeBundle, type ParsedNodeBundle } from '../bundle';
import { EXEC_COLLECTOR_TC_REASON } from '../readers/node-json';
import { parseVersion } from '../../facts/version';
import { CidrParser } from '../../facts/cidr';
import { LpmCache } from '../expected/lpm-cache';
import {
  computeExpectedNodeState,
  nodeInternalIPs,
  type ExpectedIdentifierState,
  type ExpectedNodeState,
} from '../expected/expected-node-state';
import { NodeTargetIndex } from '../expected/node-index';
import type { Sha1Hex } from '../../facts/veth-name';
import { NODE_AGENT_VERSION_MISMATCH } from './checks';
import { nodeEvaluations } from './evaluations';
import { assessCollection, type CollectionVerdict } from './collection';
import { IpOwners, nodeResource, type NodeCompareContext } from './context';
import { compareFilters } from './filters';
import { compareCpMap, compareLpmMap, comparePodState, LpmDiffs } from './maps';
import { compareOrphanedPins, comparePrograms } from './programs';

export interface NodeLayerInput {
  readonly inventory: ClusterInventory;
  readonly effective: EffectiveConfiguration;
  readonly nodeOutputs: readonly RawNodeOutput[];
  readonly sha1Hex: Sha1Hex;
  /** The agent version the user states (`--agent-version`), for nodes whose version nothing else names. */
  readonly statedAgentVersion?: string;
  readonly timer?: PhaseTimer;
}

export interface NodeAuditShared {
  readonly inventory: ClusterInventory;
  readonly effective: EffectiveConfiguration;
  readonly sha1Hex: Sha1Hex;
  readonly cidrs: CidrParser;
  /** LPM memo tables and ids of this audit. */
  readonly lpmCache: LpmCache;
  readonly lpmDiffs: LpmDiffs;
  readonly owners: IpOwners;
  readonly nodesByName: ReadonlyMap<string, Node>;
  /** Pods and PE/CPE targets by node, built once for all nodes (absent: each node indexes the lists itself). */
  readonly nodeIndex?: NodeTargetIndex;
  readonly statedAgentVersion?: string;
  readonly timer?: PhaseTimer;
}

export function auditNodeLayer(input: NodeLayerInput): LayerOutcome {
  const timer = input.timer ?? UNTIMED;
  const shared: NodeAuditShared = {
    inventory: input.inventory,
    effective: input.effective,
    sha1Hex: input.sha1Hex,
    cidrs: new CidrParser(),
    lpmCache: new LpmCache(),
    lpmDiffs: new LpmDiffs(),
    owners: IpOwners.of(input.inventory),
    nodesByName: new Map(input.inventory.nodes.map((node) => [node.metadata.name, node])),
    nodeIndex: new NodeTargetIndex(
      input.inventory.pods,
      input.inventory.policyEndpoints,
      input.inventory.clusterPolicyEndpoints,
    ),
    ...(input.statedAgentVersion === undefined ? {} : { statedAgentVersion: input.statedAgentVersion }),
    timer,
  };
  const findings: Finding[] = [];
  const passed: PassedCheck[] = [];
  const notChecked: NotChecked[] = [];
  const collected = new Set<string>();
  for (const raw of input.nodeOutputs) {
    collected.add(raw.nodeName);
    const bundle = timer.time('node-parse', () => parseNodeBundle(raw));
    const outcome = auditNodeBundle(bundle, shared);
    findings.push(...outcome.findings);
    passed.push(...outcome.passed);
    notChecked.push(...outcome.notChecked);
  }
  notChecked.push(...uncollectedNodes(input.inventory, collected));
  return { findings, passed, notChecked };
}

/**
 * The agent version a node is compared with: node.json's, else the aws-node image's, else the one the user states.
 * Without any, the version-dependent checks do not run: guessing the newest behaviour turned every older node's
 * programs and maps into drift.
 */
function agentVersionFor(
  nodeName: string,
  known: string | undefined,
  stated: string | undefined,
): { version: string | undefined; notChecked: NotChecked[] } {
  if (known !== undefined) return { version: known, notChecked: [] };
  const scope = `node ${nodeName} agent version`;
  const statedVersion = parseVersion(stated);
  if (statedVersion !== undefined)
    return {
      version: statedVersion,
      notChecked: [
        notCheckedOf(
          NC_NODE_AGENT_VERSION_ASSUMED,
          scope,
          `neither node.json nor the aws-node image names a version: v${statedVersion} assumed, as stated with --agent-version`,
        ),
      ],
    };
  return {
    version: undefined,
    notChecked: [
      notCheckedOf(
        NC_NODE_AGENT_VERSION_UNKNOWN,
        `node ${nodeName} filters, programs and maps`,
        `network policy agent version unknown (node.json and the aws-node image name none, e.g. a digest-pinned or latest image${stated === undefined ? '' : `; --agent-version "${stated}" is not a version`}): the version-dependent node checks were not run; state the version with --agent-version`,
      ),
    ],
  };
}

/** Node version from node.json (`unknown` or unparsable ignored). */
function nodeAgentVersion(bundle: ParsedNodeBundle): string | undefined {
  const raw = bundle.nodeInfo?.agentVersion;
  return raw === undefined || raw === 'unknown' ? undefined : parseVersion(raw);
}

/** One node: collection, agent version, then filters, programs, maps and pins per pod identifier. */
export function auditNodeBundle(bundle: ParsedNodeBundle, shared: NodeAuditShared): LayerOutcome {
  const nodeName = bundle.nodeName;
  const collection = assessCollection(bundle);
  const findings: Finding[] = [...collection.findings];
  const notChecked: NotChecked[] = [];
  const timer = shared.timer ?? UNTIMED;

  const clusterVersion = shared.effective.agentVersion;
  const onNode = nodeAgentVersion(bundle);
  if (onNode !== undefined && clusterVersion !== undefined && onNode !== parseVersion(clusterVersion)) {
    findings.push(
      findingOf(
        NODE_AGENT_VERSION_MISMATCH,
        nodeResource(nodeName),
        `node ${nodeName} runs network policy agent v${onNode} (${bundle.nodeInfo?.agentVersionSource ?? 'node.json'}), the aws-node DaemonSet image is v${clusterVersion}: the node is compared with v${onNode} behaviour (rollout in progress or a pinned image)`,
        { expected: clusterVersion, actual: onNode, severity: 'low', identity: `v${onNode}` },
      ),
    );
  }

  const node = shared.nodesByName.get(nodeName);
  if (node === undefined) {
    notChecked.push(
      notCheckedOf(
        NC_NODE_NOT_IN_INVENTORY,
        `node ${nodeName}`,
        `${bundle.sourceDirectory} names a node that is not in the cluster inventory: nothing to compare it with`,
      ),
    );
    return { findings, passed: [], notChecked };
  }
  const collectionChecked: Evaluation[] = [nodeEvaluations.collection(nodeName)];
  if (collection.failed && !collection.tcAvailable) {
    notChecked.push(
      notCheckedOf(
        NC_NODE_NOTHING_READABLE,
        `node ${nodeName}`,
        'neither loaded-ebpfdata nor tc filters could be read',
      ),
    );
    return { findings, passed: passedOf(collectionChecked, findings), notChecked };
  }
  const agentVersion = agentVersionFor(nodeName, onNode ?? clusterVersion, shared.statedAgentVersion);
  notChecked.push(...agentVersion.notChecked);
  if (agentVersion.version === undefined)
    return { findings, passed: passedOf(collectionChecked, findings), notChecked };
  const expected = timer.time('node-expected', () =>
    computeExpectedNodeState({
      nodeName,
      nodeIPs: nodeInternalIPs(node),
      ...(shared.effective.ipFamily === undefined ? {} : { ipFamily: shared.effective.ipFamily }),
      pods: shared.inventory.pods,
      policyEndpoints: shared.inventory.policyEndpoints,
      clusterPolicyEndpoints: shared.inventory.clusterPolicyEndpoints,
      agentVersion: agentVersion.version,
      enforcementMode: shared.effective.enforcementMode,
      sha1Hex: shared.sha1Hex,
      cidrParser: shared.cidrs,
      lpmCache: shared.lpmCache,
      nodeIndex: shared.nodeIndex,
    }),
  );
  if (!expected.ok) {
    notChecked.push(notCheckedOf(NC_NODE_NO_NODE_IP, `node ${nodeName}`, expected.error.message));
    return { findings, passed: passedOf(collectionChecked, findings), notChecked };
  }
  const expectedState = expected.value;
  notChecked.push(...unselectedPodsUnknown(expectedState, shared.effective));
  const compared = timer.time('node-compare', () => compareNodeState(bundle, expectedState, shared, collection));
  findings.push(...compared.findings);
  notChecked.push(...compared.notChecked);
  return { findings, passed: [...passedOf(collectionChecked, findings), ...compared.passed], notChecked };
}

/** Without the enforcement mode, whether pods no PolicyEndpoint selects need filters cannot be told: not compared. */
function unselectedPodsUnknown(expected: ExpectedNodeState, effective: EffectiveConfiguration): NotChecked[] {
  if (effective.enforcementMode !== undefined) return [];
  const unselected = expected.identifiers.reduce(
    (count, state) => count + state.pods.filter((pod) => !pod.selected).length,
    0,
  );
  if (unselected === 0) return [];
  return [
    notCheckedOf(
      NC_NODE_UNSELECTED_PODS_MODE_UNKNOWN,
      `node ${expected.nodeName} pods no policy selects`,
      `the enforcement mode is unknown (see the configuration layer): whether ${unselected} pod(s) need tc filters cannot be told, so they were not compared`,
    ),
  ];
}

/** One comparison of an identifier's expected state with the node; steps are independent of each other. */
export type IdentifierStep = (context: NodeCompareContext, state: ExpectedIdentifierState) => void;

/** The map comparisons, for identifiers whose pods need filters and whose programs read named maps. */
function compareMaps(context: NodeCompareContext, state: ExpectedIdentifierState): void {
  if (!state.needsFilters) return;
  for (const direction of ['ingress', 'egress'] as const) {
    const program = context.bundle.program(state.podIdentifier, direction);
    if (program === undefined || program.maps.some((map) => map.role === 'unnamed')) continue;
    compareLpmMap(context, state, program, direction);
    comparePodState(context, state, program, direction);
    compareCpMap(context, state, program, direction);
  }
}

export const IDENTIFIER_STEPS: readonly IdentifierStep[] = [compareFilters, comparePrograms, compareMaps];

/**
 * Compares a parsed node with its expected state (filters, programs, maps, pins). Collection findings are not
 * included: pass the verdict of `assessCollection` (computed here when absent).
 */
export function compareNodeState(
  bundle: ParsedNodeBundle,
  expected: ExpectedNodeState,
  shared: Pick<NodeAuditShared, 'cidrs' | 'owners' | 'lpmDiffs'>,
  collection: CollectionVerdict = assessCollection(bundle),
  steps: readonly IdentifierStep[] = IDENTIFIER_STEPS,
): LayerOutcome {
  const nodeName = bundle.nodeName;
  const findings: Finding[] = [];
  const notChecked: NotChecked[] = [];
  if (collection.tcNotCollectable) {
    notChecked.push(notCheckedOf(NC_NODE_TC_EXEC_COLLECTOR, `node ${nodeName} tc filters`, EXEC_COLLECTOR_TC_REASON));
  } else if (!collection.tcAvailable) {
    notChecked.push(
      notCheckedOf(
        NC_NODE_TC_NOT_COLLECTED,
        `node ${nodeName} tc filters`,
        'no tc output was collected (no tc/ files, no veth list, or tc missing)',
      ),
    );
  }
  if (collection.failed) {
    notChecked.push(
      notCheckedOf(NC_NODE_EBPF_NOT_COLLECTED, `node ${nodeName} programs and maps`, collection.failureReason),
    );
  }
  for (const gap of bundle.layout.notCollected)
    notChecked.push(notCheckedOf(gap.kind, `node ${nodeName} ${gap.scope}`, gap.reason));
  const context: NodeCompareContext = {
    bundle,
    expected,
    cidrs: shared.cidrs,
    owners: shared.owners,
    lpmDiffs: shared.lpmDiffs,
    findings,
    tcAvailable: collection.tcAvailable,
  };
  for (const state of expected.identifiers) {
    if (state.pods.length === 0) continue;
    for (const step of steps) step(context, state);
  }
  if (!collection.failed) compareOrphanedPins(context);
  const evaluated = nodeEvaluations.compared(bundle, expected, collection);
  return { findings, passed: passedOf(evaluated, findings), notChecked };
}

/** Cluster nodes with pods selected by PolicyEndpoints but no `nodes/<name>/` directory. */
function uncollectedNodes(inventory: ClusterInventory, collected: ReadonlySet<string>): NotChecked[] {
  const nodeByIp = new Map<string, string>();
  for (const node of inventory.nodes) for (const ip of nodeInternalIPs(node)) nodeByIp.set(ip, node.metadata.name);
  const podNode = new Map(
    inventory.pods.map((pod) => [`${pod.metadata.namespace}/${pod.metadata.name}`, pod.spec.nodeName]),
  );
  const selected = new Map<string, Set<string>>();
  const endpoints = [...inventory.policyEndpoints, ...inventory.clusterPolicyEndpoints];
  for (const endpoint of endpoints) {
    for (const target of endpoint.spec.podSelectorEndpoints ?? []) {
      const key = `${target.namespace}/${target.name}`;
      const node = podNode.get(key) ?? nodeByIp.get(target.hostIP);
      if (node === undefined || collected.has(node)) continue;
      let pods = selected.get(node);
      if (pods === undefined) {
        pods = new Set();
        selected.set(node, pods);
      }
      pods.add(key);
    }
  }
  return [...selected]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, pods]) =>
      notCheckedOf(
        NC_NODE_NOT_COLLECTED,
        `node ${node}`,
        `no nodes/${node}/ outputs: ${pods.size} pod(s) selected by PolicyEndpoints not checked in the kernel (${[...pods].sort().slice(0, 5).join(', ')}${pods.size > 5 ? ', …' : ''})`,
      ),
    );
}

export interface NodeLayerRequest {
  readonly inventory: ClusterInventory;
  readonly effective: EffectiveConfiguration;
  /** `undefined` when the source has no node outputs: the node layer is then listed as not checked. */
  readonly nodeOutputs: readonly RawNodeOutput[] | undefined;
  /** Resolver inputs that could not be read: without them the expected kernel state would be wrong. */
  readonly missingInputs: readonly string[];
  readonly sha1Hex: Sha1Hex | undefined;
  readonly statedAgentVersion?: string;
  readonly timer?: PhaseTimer;
}

/** The node layer when its inputs allow it, else one `notChecked` entry saying why not. */
export function assessNodeLayer(request: NodeLayerRequest): LayerOutcome {
  const notRun = (kind: NotCheckedDefinition<NotCheckedKind>, reason: string): LayerOutcome => ({
    findings: [],
    passed: [],
    notChecked: [notCheckedOf(kind, 'node layer', reason)],
  });
  if (request.nodeOutputs === undefined)
    return notRun(NC_NODE_NO_OUTPUTS, 'the source has no node outputs (nodes/ in a snapshot)');
  if (request.missingInputs.length > 0)
    return notRun(NC_NODE_INPUTS_UNREADABLE, `${request.missingInputs.join(', ')} could not be read`);
  if (request.sha1Hex === undefined)
    return notRun(NC_NODE_NO_SHA1, 'no SHA-1 implementation was provided to derive host veth names');
  return auditNodeLayer({
    inventory: request.inventory,
    effective: request.effective,
    nodeOutputs: request.nodeOutputs,
    sha1Hex: request.sha1Hex,
    ...(request.statedAgentVersion === undefined ? {} : { statedAgentVersion: request.statedAgentVersion }),
    ...(request.timer === undefined ? {} : { timer: request.timer }),
  });
}
