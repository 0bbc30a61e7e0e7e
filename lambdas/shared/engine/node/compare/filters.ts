/**
 * tc filters on the pod veths against the pinned programs (agent.md §3.1, §6 checks 1–2).
 */
import { findingOf } from '../../model/finding';
import type { ExpectedIdentifierState, ExpectedPod } from '../expected/expected-node-state';
import type { LoadedProgram, PolicyDirection, TcFilter } from '../model';
import {
  NODE_COLLECTION_INCOMPLETE,
  NODE_FILTER_MISSING,
  NODE_FILTER_PROGRAM_MISMATCH,
  NODE_VETH_NOT_FOUND,
} from './checks';
import { hookOf, podResource, type NodeCompareContext } from './context';

const DIRECTIONS: readonly PolicyDirection[] = ['ingress', 'egress'];

/** The veth of a pod as the node shows it: `eni…`, else the `vlan…` name the agent also tries (v1.2+). */
export function vethOf(context: NodeCompareContext, pod: ExpectedPod): string | undefined {
  const candidates = [pod.vethName, pod.vlanVethName].filter((name): name is string => name !== undefined);
  return (
    candidates.find((name) => context.bundle.tc.has(name)) ?? candidates.find((name) => context.bundle.vethKnown(name))
  );
}

/** The agent's filter on a hook: `bpf`, carrying a program; the one named `handle_*` first. */
export function npaFilter(filters: readonly TcFilter[]): TcFilter | undefined {
  const bpf = filters.filter((filter) => filter.kind === 'bpf' && filter.programId !== null);
  return bpf.find((filter) => filter.name?.startsWith('handle_') === true) ?? bpf[0];
}

/** Per pod that needs filters: veth found, a filter on both hooks, running the pinned program. */
export function compareFilters(context: NodeCompareContext, state: ExpectedIdentifierState): void {
  if (!context.tcAvailable) return;
  const nodeName = context.expected.nodeName;
  for (const pod of state.pods) {
    if (!pod.needsFilters) continue;
    const strict = context.expected.enforcementMode === 'strict';
    const veth = vethOf(context, pod);
    if (veth === undefined) {
      context.findings.push(
        findingOf(
          NODE_VETH_NOT_FOUND,
          podResource(pod, nodeName),
          `host veth ${pod.vethName}${pod.vlanVethName === undefined ? '' : ` (or ${pod.vlanVethName})`} of pod ${pod.namespace}/${pod.name} (${pod.podIP}, identifier ${state.podIdentifier}) is not on the node: no tc/${pod.vethName}.* file and not in the node.json veth list` +
            (pod.selected ? '; the pod is selected by a PolicyEndpoint, so its policy is not enforced' : ''),
          {
            expected: { veth: pod.vethName, vlanVeth: pod.vlanVethName },
            actual: null,
            identity: pod.vethName,
            placeholders: { veth: pod.vethName },
            ...(pod.selected || strict ? {} : { severity: 'low' as const }),
          },
        ),
      );
      continue;
    }
    for (const direction of DIRECTIONS) comparePodHook(context, state, pod, veth, direction, strict);
  }
}

type HookVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'not-collected' }
  | { readonly kind: 'missing'; readonly parsed: ParsedTc }
  | { readonly kind: 'swapped'; readonly parsed: ParsedTc; readonly filter: TcFilter; readonly program?: LoadedProgram }
  | { readonly kind: 'stale'; readonly parsed: ParsedTc; readonly filter: TcFilter; readonly program: LoadedProgram };

type ParsedTc = NonNullable<ReturnType<NodeCompareContext['bundle']['tcFilters']>>;

/** What one hook of a pod's veth runs, judged against the identifier's pinned programs. Pure. */
function hookVerdict(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
  veth: string,
  direction: PolicyDirection,
): HookVerdict {
  const parsed = context.bundle.tcFilters(veth, hookOf(direction));
  if (parsed === undefined) return { kind: 'not-collected' };
  const filter = npaFilter(parsed.output.filters);
  if (filter === undefined) return { kind: 'missing', parsed };
  const program: LoadedProgram | undefined = context.bundle.program(state.podIdentifier, direction);
  const oppositeDirection = direction === 'ingress' ? 'egress' : 'ingress';
  const opposite = context.bundle.program(state.podIdentifier, oppositeDirection);
  // The program id decides what runs; the filter name is only a label set at attach time (a hand re-attach with
  // `tc ... object-pinned` names it differently). Swapped means the other direction's program, or its label when
  // the ids cannot be compared.
  const runsOpposite =
    filter.programId !== null && opposite?.programId !== null && opposite?.programId === filter.programId;
  const labelledOpposite =
    filter.name === `handle_${oppositeDirection}` && (filter.programId === null || program?.programId == null);
  if (runsOpposite || labelledOpposite) return { kind: 'swapped', parsed, filter, ...(program ? { program } : {}) };
  if (program?.programId === null || program === undefined || filter.programId === program.programId) {
    return { kind: 'ok' };
  }
  return { kind: 'stale', parsed, filter, program };
}

/**
 * Directions in which some pod of the identifier that needs filters has a per-pod filter finding (veth missing,
 * filter missing, swapped or stale). Computed from the node outputs alone, so no step depends on another's output.
 */
export function filterFaultDirections(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
): ReadonlySet<PolicyDirection> {
  const faulty = new Set<PolicyDirection>();
  if (!context.tcAvailable) return faulty;
  for (const pod of state.pods) {
    if (!pod.needsFilters) continue;
    const veth = vethOf(context, pod);
    for (const direction of DIRECTIONS) {
      const kind = veth === undefined ? 'veth-missing' : hookVerdict(context, state, veth, direction).kind;
      if (kind !== 'ok' && kind !== 'not-collected') faulty.add(direction);
    }
  }
  return faulty;
}

function comparePodHook(
  context: NodeCompareContext,
  state: ExpectedIdentifierState,
  pod: ExpectedPod,
  veth: string,
  direction: PolicyDirection,
  strict: boolean,
): void {
  const hook = hookOf(direction);
  const nodeName = context.expected.nodeName;
  const resource = podResource(pod, nodeName);
  const file = `tc/${veth}.${hook}.txt`;
  const handle = `handle_${direction}`;
  const placeholders = { veth, hook };
  const verdict = hookVerdict(context, state, veth, direction);
  switch (verdict.kind) {
    case 'ok':
      return;
    case 'not-collected': {
      const unparseable = context.bundle.parseErrors.some((error) => error.file.startsWith(`tc/${veth}.${hook}.`));
      const reported = context.bundle.collectionErrors.some((error) => error.source.startsWith(`tc/${veth}.${hook}.`));
      const otherHook = context.bundle.tcFilters(veth, hookOf(direction === 'ingress' ? 'egress' : 'ingress'));
      if (!unparseable && !reported && otherHook !== undefined) {
        context.findings.push(
          findingOf(NODE_COLLECTION_INCOMPLETE, resource, `${file} was not collected (the other hook of ${veth} was)`, {
            expected: file,
            identity: file,
          }),
        );
      }
      return;
    }
    case 'missing':
      context.findings.push(
        findingOf(
          NODE_FILTER_MISSING,
          resource,
          `no bpf filter on tc ${hook} of ${veth} (${verdict.parsed.file}): the ${handle} program guarding ${direction === 'ingress' ? 'traffic into' : 'traffic out of'} pod ${pod.namespace}/${pod.name} (identifier ${state.podIdentifier}) is not attached` +
            (pod.selected
              ? ''
              : strict
                ? ' (strict mode: the default deny is not enforced)'
                : ' (the pod has no policy yet)'),
          {
            expected: { hook, program: handle },
            actual: { filters: verdict.parsed.output.filters.length },
            identity: hook,
            placeholders,
            ...(pod.selected || strict ? {} : { severity: 'low' as const }),
          },
        ),
      );
      return;
    case 'swapped': {
      const { parsed, filter, program } = verdict;
      context.findings.push(
        findingOf(
          NODE_FILTER_PROGRAM_MISMATCH,
          resource,
          `tc ${hook} of ${veth} (${parsed.file}:${filter.line}) runs ${filter.name ?? 'a filter'} (program ${filter.programId ?? '?'}), expected ${handle}: the hooks of pod ${pod.namespace}/${pod.name} are swapped`,
          {
            expected: { hook, name: handle, programId: program?.programId ?? null },
            actual: { name: filter.name, programId: filter.programId },
            identity: `${hook}|swapped`,
            placeholders,
          },
        ),
      );
      return;
    }
    case 'stale': {
      const { parsed, filter, program } = verdict;
      context.findings.push(
        findingOf(
          NODE_FILTER_PROGRAM_MISMATCH,
          resource,
          `tc ${hook} of ${veth} (${parsed.file}:${filter.line}) runs program ${filter.programId ?? '?'}, but ${program.pinPath} pins program ${String(program.programId)} (${context.bundle.layout.loadedEbpfDataFile}:${program.line}): pod ${pod.namespace}/${pod.name} is enforced by a stale program whose maps the agent no longer updates (typical after an aws-node restart)`,
          {
            expected: { hook, programId: program.programId, pin: program.pinPath },
            actual: { programId: filter.programId, tag: filter.tag },
            identity: `${hook}|runs ${String(filter.programId)} instead of ${String(program.programId)}`,
            placeholders,
          },
        ),
      );
      return;
    }
  }
}
