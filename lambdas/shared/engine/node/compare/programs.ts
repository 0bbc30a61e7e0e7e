/**
 * Pinned programs: missing, not attached, unmanaged or missing maps, orphaned pins (agent.md §1.3.3, §6 checks 2, 3, 8).
 */
import type { AgentBehaviour } from '../../facts/agent-behaviour';
import type { ExpectedIdentifierState } from '../expected/expected-node-state';
import { findingOf } from '../../model/finding';
import type { LoadedProgram, MapRole, PolicyDirection } from '../model';
import {
  NODE_MAP_UNMANAGED,
  NODE_ORPHANED_PINS,
  NODE_PROGRAM_MAPS_INCOMPLETE,
  NODE_PROGRAM_MISSING,
  NODE_PROGRAM_NOT_ATTACHED,
} from './checks';
import { hookOf, identifierResource, listSome, podList, type NodeCompareContext } from './context';
import { filterFaultDirections, vethOf } from './filters';

const DIRECTIONS: readonly PolicyDirection[] = ['ingress', 'egress'];

export function expectedRoles(direction: PolicyDirection, behaviour: AgentBehaviour): MapRole[] {
  const roles: MapRole[] = [
    direction === 'ingress' ? 'ingress_map' : 'egress_map',
    'aws_conntrack_map',
    'policy_events',
  ];
  if (behaviour.podStateMaps) roles.push(direction === 'ingress' ? 'ingress_pod_state_map' : 'egress_pod_state_map');
  if (behaviour.clusterPolicyMaps) roles.push(direction === 'ingress' ? 'cp_ingress_map' : 'cp_egress_map');
  return roles;
}

/** Programs of an identifier whose pods need filters: pinned, attached somewhere, reading managed maps. */
export function comparePrograms(context: NodeCompareContext, state: ExpectedIdentifierState): void {
  const bundle = context.bundle;
  if (bundle.loadedEbpfData === null) return;
  const nodeName = context.expected.nodeName;
  const resource = identifierResource(state.podIdentifier, nodeName, state.pods);
  for (const direction of DIRECTIONS) {
    const program = bundle.program(state.podIdentifier, direction);
    if (program === undefined) {
      if (state.needsFilters) {
        context.findings.push(
          findingOf(
            NODE_PROGRAM_MISSING,
            resource,
            `loaded-ebpfdata has no ${state.podIdentifier}_handle_${direction} program, although pods ${podList(state.pods)} need filters` +
              (state.policyEndpoints.length > 0 ? ` (selected by ${listSome(state.policyEndpoints)})` : ''),
            { expected: { pin: `${state.podIdentifier}_handle_${direction}` }, actual: null, identity: direction },
          ),
        );
      }
      continue;
    }
    checkProgramMaps(context, state, program, direction);
    checkAttached(context, state, program, direction);
  }
}

function checkProgramMaps(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
  program: LoadedProgram,
  direction: PolicyDirection,
): void {
  const resource = identifierResource(state.podIdentifier, context.expected.nodeName, state.pods);
  const unnamed = program.maps.filter((map) => map.role === 'unnamed');
  if (unnamed.length > 0) {
    context.findings.push(
      findingOf(
        NODE_MAP_UNMANAGED,
        resource,
        `${program.pinPath} (program ${program.programId ?? '?'}, ${context.bundle.layout.loadedEbpfDataFile}:${program.line}) reads map ${unnamed.map((m) => m.id).join(', ')} with an empty "Map Name:" (line ${unnamed.map((m) => m.line).join(', ')}): a map with no pin, which the agent no longer updates; pods ${podList(state.pods)} are enforced by whatever it still holds`,
        {
          expected: 'every associated map pinned under /sys/fs/bpf/globals/aws/maps/',
          actual: { mapIds: unnamed.map((m) => m.id) },
          identity: direction,
        },
      ),
    );
    return;
  }
  if (!state.needsFilters) return;
  const present = new Set(program.maps.map((map) => map.role));
  const missing = expectedRoles(direction, context.expected.behaviour).filter((role) => !present.has(role));
  if (missing.length === 0) return;
  context.findings.push(
    findingOf(
      NODE_PROGRAM_MAPS_INCOMPLETE,
      resource,
      `${program.pinPath} (program ${program.programId ?? '?'}, ${context.bundle.layout.loadedEbpfDataFile}:${program.line}) reads no ${missing.join(', ')} (agent v${context.expected.behaviour.version ?? 'unknown'}); pods ${podList(state.pods)}`,
      {
        expected: expectedRoles(direction, context.expected.behaviour),
        actual: [...present],
        identity: `${direction}|${[...missing].sort().join(',')}`,
      },
    ),
  );
}

function checkAttached(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
  program: LoadedProgram,
  direction: PolicyDirection,
): void {
  if (!context.tcAvailable || program.programId === null || state.pods.length === 0) return;
  if (filterFaultDirections(context, state).has(direction)) return;
  const hook = hookOf(direction);
  const carried = state.pods.some((pod) => {
    const veth = vethOf(context, pod);
    if (veth === undefined) return false;
    const parsed = context.bundle.tcFilters(veth, hook);
    // Not collected (or unparseable, reported elsewhere): give the program the benefit of the doubt.
    if (parsed === undefined) return true;
    return parsed.output.filters.some((filter) => filter.programId === program.programId);
  });
  if (carried) return;
  context.findings.push(
    findingOf(
      NODE_PROGRAM_NOT_ATTACHED,
      identifierResource(state.podIdentifier, context.expected.nodeName, state.pods),
      `${program.pinPath} pins program ${program.programId} (${context.bundle.layout.loadedEbpfDataFile}:${program.line}), but no tc ${hook} hook of pods ${podList(state.pods)} runs it: an orphaned program (attach failed or pods changed)`,
      { expected: { hook, programId: program.programId }, actual: null, identity: direction },
    ),
  );
}

const PIN_SUFFIXES: readonly string[] = [
  '_handle_ingress',
  '_handle_egress',
  '_ingress_pod_state_map',
  '_egress_pod_state_map',
  '_cp_ingress_map',
  '_cp_egress_map',
  '_ingress_map',
  '_egress_map',
];

/** Identifier of a program or map pin file name; undefined for global maps and other names. */
export function identifierOfPin(name: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (base.startsWith('global_')) return undefined;
  const suffix = PIN_SUFFIXES.find((candidate) => base.endsWith(candidate) && base.length > candidate.length);
  return suffix === undefined ? undefined : base.slice(0, -suffix.length);
}

/** Pinned identifiers (loaded-ebpfdata, pins.txt) with no running pod on the node. */
export function compareOrphanedPins(context: NodeCompareContext): void {
  const local = new Set(
    context.expected.identifiers.filter((state) => state.pods.length > 0).map((state) => state.podIdentifier),
  );
  const pinned = new Map<string, string[]>();
  const note = (identifier: string, what: string): void => {
    const list = pinned.get(identifier);
    if (list === undefined) pinned.set(identifier, [what]);
    else if (!list.includes(what)) list.push(what);
  };
  for (const program of context.bundle.loadedEbpfData?.programs ?? []) {
    note(program.podIdentifier.raw, `program ${program.programId ?? '?'} (handle_${program.direction})`);
  }
  for (const pin of context.bundle.pins ?? []) {
    const identifier = identifierOfPin(pin);
    if (identifier === undefined) continue;
    const base = pin.slice(pin.lastIndexOf('/') + 1);
    const direction = base.endsWith('_handle_ingress')
      ? 'ingress'
      : base.endsWith('_handle_egress')
        ? 'egress'
        : undefined;
    if (direction !== undefined && context.bundle.program(identifier, direction) !== undefined) continue;
    note(identifier, `pin ${base}`);
  }
  for (const [identifier, what] of [...pinned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (local.has(identifier)) continue;
    context.findings.push(
      findingOf(
        NODE_ORPHANED_PINS,
        identifierResource(identifier, context.expected.nodeName),
        `identifier ${identifier} is pinned (${listSome(what, 6)}) but no running pod of node ${context.expected.nodeName} has it: left-over programs and maps`,
        { expected: null, actual: { identifier, pins: what } },
      ),
    );
  }
}
