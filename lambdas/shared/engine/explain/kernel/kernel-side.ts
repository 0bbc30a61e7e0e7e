import { isHostNetwork } from '../../control-plane/resolver/pods';
import type { EnforcementMode } from '../../model/assessment';
import type { ClusterInventory } from '../../model/cluster';
import type { Pod } from '../../model/kubernetes';
import type { ParsedNodeBundle } from '../../node/bundle';
import { agentBehaviour, type AgentBehaviour } from '../../facts/agent-behaviour';
import { podIdentifierCandidates } from '../../facts/pod-identifier';
import { parseVersion } from '../../facts/version';
import { hostVethName } from '../../facts/veth-name';
import {
  POD_STATE,
  type CpEntry,
  type CpPolicySlot,
  type LoadedProgram,
  type LpmEntry,
  type PodStateEntry,
  type TcHook,
} from '../../node/model';
import { isNodeIpKey, nodeOf, selfVerdict } from '../always-allowed';
import { podLabel, type DecidedBy, type SideQuestion, type SideVerdict, type Verdict } from '../model';
import {
  adminSlot,
  baselineSlot,
  describeSlot,
  longestMatch,
  PROTOCOL_NUMBER,
  slotLoop,
  type Packet,
} from './datapath';
import { readMap, type MapRead } from './map-reads';

export interface KernelContext {
  readonly inventory: ClusterInventory;
  /** Node name → parsed outputs; `undefined` when the source has no node outputs at all. */
  readonly bundles: ReadonlyMap<string, ParsedNodeBundle> | undefined;
  /** The cluster's agent version (aws-node image); a node's node.json version takes precedence. */
  readonly agentVersion: string | undefined;
  /** Assumed where neither the node nor the cluster names a version (`--agent-version`). */
  readonly statedAgentVersion?: string;
  readonly mode: EnforcementMode | undefined;
  readonly sha1Hex?: (text: string) => string;
}

/** What the rest of the evaluation knows about the program of one pod side. */
interface ProgramSite {
  readonly bundle: ParsedNodeBundle;
  readonly program: LoadedProgram;
  readonly identifier: string;
  readonly pod: string;
  readonly behaviour: AgentBehaviour;
  readonly anyChecksPort: boolean;
  readonly packet: Packet;
  readonly peerIp: string;
  readonly peerIs: SideQuestion['peerIs'];
}

type Outcome = { verdict: Verdict; reason: string; decidedBy?: DecidedBy };

function mapDecider(site: ProgramSite, read: MapRead<unknown>, key?: string, slot?: number, line?: number): DecidedBy {
  return {
    kind: 'map',
    node: site.bundle.nodeName,
    podIdentifier: site.identifier,
    map: read.role,
    mapId: read.mapId,
    file: `${site.bundle.sourceDirectory}/${read.file}`,
    ...(key === undefined ? {} : { key }),
    ...(slot === undefined ? {} : { slot }),
    ...(line === undefined ? {} : { line }),
    ...(key !== undefined && isNodeIpKey(site, key) ? { rule: 'node-ip' as const } : {}),
  };
}

function mapLabel(site: ProgramSite, read: MapRead<unknown>): string {
  return `the ${read.role} of ${site.pod} (identifier ${site.identifier}, map ${read.mapId} on node ${site.bundle.nodeName})`;
}

function unknown(reason: string): Outcome {
  return { verdict: 'unknown', reason };
}

// ---------------------------------------------------------------- NetworkPolicy tier (LPM map + slot loop)

type LpmTier = Outcome | { readonly verdict: 'pass'; readonly reason: string };

/** `missIsPass`: v1.3.0+ with the pod not POLICIES_APPLIED, where a miss falls through to the Baseline tier. */
function lpmTier(site: ProgramSite, side: SideQuestion['side'], missIsPass: boolean): LpmTier {
  const read = readMap(site.bundle, site.program, `${side}_map`, 'lpm');
  if (!read.ok) return unknown(read.reason);
  const entry: LpmEntry | undefined = longestMatch(read.entries, site.peerIp);
  if (entry === undefined) {
    const keys =
      read.entries.length === 0 ? 'it is empty' : `its keys are ${read.entries.map((e) => e.cidr).join(', ')}`;
    if (missIsPass) {
      return {
        verdict: 'pass',
        reason: `${site.peerIp} is not in ${mapLabel(site, read)} (${keys}): NetworkPolicy tier passes`,
      };
    }
    return {
      verdict: 'deny',
      reason: `${site.peerIp} is not in ${mapLabel(site, read)}: no key contains it (${keys}), so the program returns TC_ACT_SHOT (DROP)`,
      decidedBy: mapDecider(site, read),
    };
  }
  const outcome = slotLoop(entry.values, site.packet, site.anyChecksPort);
  const keyText = `key ${entry.cidr}${nodeIpKeyText(site, entry.cidr)} of ${mapLabel(site, read)}`;
  if (outcome.why === 'no-slot-matched') {
    const slots = entry.values.map(describeSlot).join(', ');
    return {
      verdict: 'deny',
      reason: `${keyText} holds ${slots === '' ? 'no slots' : slots}; none matches ${portText(site)} → DROP`,
      decidedBy: mapDecider(site, read, entry.cidr, undefined, entry.line),
    };
  }
  const slotText = describeSlot(outcome.slot);
  const reason =
    outcome.why === 'reserved'
      ? `${keyText}: ${slotText} is RESERVED (255, an except) → DROP`
      : outcome.why === 'any-without-port-check'
        ? `${keyText}: ${slotText} is ANY, which agent ${versionText(site)} matches regardless of port (port check added in v1.2.4) → OK`
        : `${keyText}: ${slotText} matches ${portText(site)} → OK`;
  return {
    verdict: outcome.verdict,
    reason,
    decidedBy: mapDecider(site, read, entry.cidr, outcome.slot.slot, outcome.slot.line),
  };
}

function nodeIpKeyText(site: ProgramSite, cidr: string): string {
  return isNodeIpKey(site, cidr) ? " (the node-IP entry the agent adds for the pod's own node, agent.md §2.8)" : '';
}

function portText(site: ProgramSite): string {
  const name =
    Object.entries(PROTOCOL_NUMBER).find(([, number]) => number === site.packet.protocol)?.[0] ??
    String(site.packet.protocol);
  return `${name}/${site.packet.port}`;
}

function versionText(site: ProgramSite): string {
  return site.behaviour.version === undefined ? '(version unknown, newest assumed)' : `v${site.behaviour.version}`;
}

// ---------------------------------------------------------------- pod state and cp tiers

function stateName(entry: PodStateEntry | undefined): string {
  if (entry === undefined) return 'missing';
  return entry.stateName ?? `unknown state ${entry.state}`;
}

function cpTier(site: ProgramSite, read: MapRead<CpEntry>, tier: 'admin' | 'baseline'): Outcome | undefined {
  const entry = longestMatch(read.entries, site.peerIp);
  if (entry === undefined) return undefined;
  const slot: CpPolicySlot | undefined =
    tier === 'admin' ? adminSlot(entry, site.packet) : baselineSlot(entry, site.packet);
  if (slot === undefined || slot.action === 'pass' || slot.action === 'unknown') return undefined;
  const priority =
    slot.policyPriority === null ? `stored priority ${slot.priority}` : `CNP priority ${slot.policyPriority}`;
  return {
    verdict: slot.action === 'accept' ? 'allow' : 'deny',
    reason:
      `${tier === 'admin' ? 'Admin' : 'Baseline'} tier: key ${entry.cidr}${nodeIpKeyText(site, entry.cidr)} of ${mapLabel(site, read)} ${describeSlot(slot)} ` +
      `(${priority}) → ${slot.action === 'accept' ? 'Accept' : 'Deny'}`,
    decidedBy: mapDecider(site, read, entry.cidr, slot.slot, slot.line),
  };
}

function stateDecider(site: ProgramSite, read: MapRead<PodStateEntry>, key: number): DecidedBy {
  return mapDecider(site, read, String(key), undefined, read.entries.find((entry) => entry.key === key)?.line);
}

/** v1.2.x (agent.md §2.6): missing state → DROP, DEFAULT_DENY → DROP, DEFAULT_ALLOW → OK, else the LPM decides. */
function evaluateV12(site: ProgramSite, side: SideQuestion['side']): Outcome {
  const states = readMap(site.bundle, site.program, `${side}_pod_state_map`, 'pod-state');
  if (!states.ok) return unknown(`pod state unknown: ${states.reason}`);
  const state = states.entries.find((entry) => entry.key === 0);
  const stateText = `${side}_pod_state_map (map ${states.mapId}) key 0 = ${stateName(state)}`;
  if (state === undefined) {
    return {
      verdict: 'deny',
      reason: `${stateText}: the program drops everything`,
      decidedBy: stateDecider(site, states, 0),
    };
  }
  if (state.state === POD_STATE.DEFAULT_DENY) {
    return {
      verdict: 'deny',
      reason: `${stateText} (strict mode, no policy yet) → DROP`,
      decidedBy: stateDecider(site, states, 0),
    };
  }
  if (state.state === POD_STATE.DEFAULT_ALLOW) {
    return {
      verdict: 'allow',
      reason: `${stateText} → OK without a map lookup`,
      decidedBy: stateDecider(site, states, 0),
    };
  }
  if (state.state !== POD_STATE.POLICIES_APPLIED) return unknown(`${stateText}: not a documented state`);
  const lpm = lpmTier(site, side, false);
  return lpm.verdict === 'pass' ? unknown(lpm.reason) : { ...lpm, reason: `${stateText}; ${lpm.reason}` };
}

/** v1.3.0+ `evaluateFlow` (agent.md §2.6): both state keys, Admin cp, NetworkPolicy LPM, Baseline cp, pod default. */
function evaluateV13(site: ProgramSite, side: SideQuestion['side']): Outcome {
  const states = readMap(site.bundle, site.program, `${side}_pod_state_map`, 'pod-state');
  if (!states.ok) return unknown(`pod state unknown: ${states.reason}`);
  const npState = states.entries.find((entry) => entry.key === 0);
  const cpState = states.entries.find((entry) => entry.key === 1);
  const stateText = `${side}_pod_state_map (map ${states.mapId}) key 0 = ${stateName(npState)}, key 1 = ${stateName(cpState)}`;
  if (npState === undefined || cpState === undefined) {
    return {
      verdict: 'deny',
      reason: `${stateText}: a state key is missing → DROP (tier ERROR)`,
      decidedBy: stateDecider(site, states, npState === undefined ? 0 : 1),
    };
  }
  const cp = readMap(site.bundle, site.program, `cp_${side}_map`, 'cp');
  const cpRead: MapRead<CpEntry> | undefined = cp.ok ? cp : undefined;
  if (!cp.ok && cpState.state === POD_STATE.POLICIES_APPLIED) {
    return unknown(`${stateText}; a ClusterPolicyEndpoint applies but ${cp.reason}`);
  }
  const cpNote = cp.ok ? '' : ` (cp map not read: ${cp.reason}; no ClusterPolicyEndpoint applies)`;
  const admin = cpRead === undefined ? undefined : cpTier(site, cpRead, 'admin');
  if (admin !== undefined) return { ...admin, reason: `${stateText}; ${admin.reason}` };
  const lpm = lpmTier(site, side, npState.state !== POD_STATE.POLICIES_APPLIED);
  if (lpm.verdict !== 'pass') return { ...lpm, reason: `${stateText}; ${lpm.reason}${cpNote}` };
  const baseline = cpRead === undefined ? undefined : cpTier(site, cpRead, 'baseline');
  if (baseline !== undefined) return { ...baseline, reason: `${stateText}; ${lpm.reason}; ${baseline.reason}` };
  if (npState.state === POD_STATE.DEFAULT_ALLOW) {
    return {
      verdict: 'allow',
      reason: `${stateText}; ${lpm.reason}; pod default DEFAULT_ALLOW → OK${cpNote}`,
      decidedBy: stateDecider(site, states, 0),
    };
  }
  if (npState.state === POD_STATE.DEFAULT_DENY) {
    return {
      verdict: 'deny',
      reason: `${stateText}; ${lpm.reason}; pod default DEFAULT_DENY (strict mode) → DROP${cpNote}`,
      decidedBy: stateDecider(site, states, 0),
    };
  }
  return unknown(`${stateText}: not a documented state`);
}

/** v1.0.x–v1.1.x: no pod state; the LPM map decides (a miss drops). */
function evaluateV10(site: ProgramSite, side: SideQuestion['side']): Outcome {
  const lpm = lpmTier(site, side, false);
  return lpm.verdict === 'pass' ? unknown(lpm.reason) : lpm;
}

// ---------------------------------------------------------------- tc attachment

interface Attachment {
  readonly veth: string;
  readonly hook: TcHook;
  /** `undefined`: no tc output for this veth/hook. */
  readonly programIds: readonly (number | null)[] | undefined;
}

/** tc `egress` carries handle_ingress, tc `ingress` carries handle_egress (agent.md §3.1). */
function attachment(
  pod: Pod,
  side: SideQuestion['side'],
  bundle: ParsedNodeBundle,
  context: KernelContext,
  behaviour: AgentBehaviour,
): Attachment | undefined {
  const sha1Hex = context.sha1Hex;
  if (sha1Hex === undefined) return undefined;
  const hook: TcHook = side === 'ingress' ? 'egress' : 'ingress';
  const veths = behaviour.vethPrefixes.map((prefix) =>
    hostVethName(pod.metadata.namespace, pod.metadata.name, sha1Hex, prefix),
  );
  for (const veth of veths) {
    const file = bundle.tcFilters(veth, hook);
    if (file !== undefined) {
      const filters = file.output.filters.filter((filter) => filter.kind === 'bpf');
      return { veth, hook, programIds: filters.map((filter) => filter.programId) };
    }
  }
  return { veth: veths[0] ?? '', hook, programIds: undefined };
}

/** The one pinned program of this direction that a filter runs instead of the pod's own (agent#514, tampering). */
function pinnedProgramRunning(
  bundle: ParsedNodeBundle,
  running: readonly number[],
  direction: SideQuestion['side'],
): LoadedProgram | undefined {
  if (running.length !== 1) return undefined;
  return bundle.loadedEbpfData?.programs.find(
    (candidate) => candidate.programId === running[0] && candidate.direction === direction,
  );
}

// ---------------------------------------------------------------- agent version

/** As the audit's node layer: node.json's version, else the cluster's (aws-node image), else `--agent-version`. */
function nodeAgentVersion(bundle: ParsedNodeBundle, context: KernelContext): string | undefined {
  const onNode = bundle.nodeInfo?.agentVersion;
  return (
    (onNode === 'unknown' ? undefined : parseVersion(onNode)) ??
    context.agentVersion ??
    parseVersion(context.statedAgentVersion)
  );
}

function unknownVersionReason(nodeName: string, context: KernelContext): string {
  const stated =
    context.statedAgentVersion === undefined
      ? ''
      : `; --agent-version "${context.statedAgentVersion}" is not a version`;
  return (
    `network policy agent version of node ${nodeName} unknown (node.json and the aws-node image name none, ` +
    `e.g. a digest-pinned or latest image${stated}): the version-dependent kernel maps were not evaluated; ` +
    'state the version with --agent-version'
  );
}

// ---------------------------------------------------------------- one side

/**
 * The kernel's answer for one pod side from the dumped state of the node hosting the pod: the program pinned for the
 * pod identifier and direction, its pod-state, cp and LPM maps, evaluated with the agent version's algorithm
 * (agent.md §2.6) as a new flow (conntrack is not consulted).
 */
export function kernelSide(question: SideQuestion, context: KernelContext): SideVerdict {
  const subject = question.subject;
  const pod = podLabel(subject);
  const base = { side: question.side, pod };
  const result = (outcome: Outcome): SideVerdict => ({ ...base, ...outcome });
  const self = selfVerdict(question, 'kernel');
  if (self !== undefined) return self;
  if (isHostNetwork(subject)) {
    return result({ verdict: 'allow', reason: `${pod} uses hostNetwork: it has no veth and no program` });
  }
  if (context.bundles === undefined) {
    return result(unknown('the source has no node outputs (nodes/<node>/ in a snapshot)'));
  }
  const nodeName = nodeOf(subject, context.inventory);
  if (nodeName === undefined) return result(unknown(`${pod} has no node (spec.nodeName and status.hostIP are empty)`));
  const bundle = context.bundles.get(nodeName);
  if (bundle === undefined)
    return result(unknown(`no node outputs for node ${nodeName}, which hosts ${pod} (nodes/${nodeName}/ is missing)`));
  if (bundle.loadedEbpfData === null) {
    const why =
      bundle.loadedEbpfDataFailure?.message ?? bundle.collectionErrors.map((error) => error.message).join('; ');
    return result(unknown(`loaded-ebpfdata of node ${nodeName} is not available${why === '' ? '' : ` (${why})`}`));
  }

  const agentVersion = nodeAgentVersion(bundle, context);
  if (agentVersion === undefined) return result(unknown(unknownVersionReason(nodeName, context)));
  const behaviour = agentBehaviour(agentVersion);
  const identifiers = podIdentifierCandidates(subject.metadata.name, subject.metadata.namespace, agentVersion);
  let identifier = identifiers[0] ?? '';
  let program: LoadedProgram | undefined;
  for (const candidate of identifiers) {
    program = bundle.program(candidate, question.side);
    if (program !== undefined) {
      identifier = candidate;
      break;
    }
  }
  const notes = [...behaviour.assumptions];
  const tc = attachment(subject, question.side, bundle, context, behaviour);
  const tcText = tc === undefined ? '' : `tc ${tc.hook} of ${tc.veth}`;
  if (program === undefined) {
    if (tc?.programIds !== undefined && tc.programIds.length > 0) {
      return result(
        unknown(
          `${tcText} has a bpf filter (prog ${tc.programIds.join(', ')}) but node ${nodeName} pins no handle_${question.side} program for ${identifiers.join(' / ')}`,
        ),
      );
    }
    const tcNote =
      tc === undefined
        ? ''
        : tc.programIds === undefined
          ? ` (no tc output for ${tcText})`
          : ` and ${tcText} has no filter`;
    return result({
      verdict: 'allow',
      reason: `node ${nodeName} pins no handle_${question.side} program for ${identifiers.join(' / ')}${tcNote}: the pod's ${question.side} is not inspected (unenforced)`,
      decidedBy: { kind: 'default', detail: 'no program attached' },
    });
  }
  if (tc?.programIds !== undefined) {
    if (tc.programIds.length === 0) {
      return result({
        verdict: 'allow',
        reason: `${program.pinPath} is pinned but ${tcText} has no filter: the program does not run (unenforced)`,
        decidedBy: { kind: 'default', detail: 'no tc filter' },
      });
    }
    const running = tc.programIds.filter((id): id is number => id !== null);
    if (program.programId !== null && running.length > 0 && !running.includes(program.programId)) {
      const substitute = pinnedProgramRunning(bundle, running, question.side);
      if (substitute === undefined) {
        return result(
          unknown(
            `${tcText} runs prog ${running.join(', ')}, not the pinned ${program.pinPath} (prog ${program.programId}): its maps are unknown`,
          ),
        );
      }
      notes.push(
        `${tcText} runs prog ${String(substitute.programId)} (${substitute.pinPath}), not ${program.pinPath} (prog ${program.programId}): evaluated with the maps of the program that runs`,
      );
      program = substitute;
      identifier = substitute.podIdentifier.raw;
    }
  }

  const site: ProgramSite = {
    bundle,
    program,
    identifier,
    pod,
    behaviour,
    anyChecksPort: behaviour.anyChecksPort,
    packet: { protocol: PROTOCOL_NUMBER[question.protocol], port: question.port },
    peerIp: question.peer.ip,
    peerIs: question.peerIs,
  };
  const outcome = !behaviour.podStateMaps
    ? evaluateV10(site, question.side)
    : !behaviour.clusterPolicyMaps
      ? evaluateV12(site, question.side)
      : evaluateV13(site, question.side);
  const suffix = notes.length === 0 ? '' : ` [${notes.join('; ')}]`;
  return result({ ...outcome, reason: `${outcome.reason}${suffix}` });
}
