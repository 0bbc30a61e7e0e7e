import { findingOf, type CheckDefinition, type Finding, type ResourceRef, type Severity } from '../../model/finding';
import {
  canonicalGroups,
  comparePortSets,
  describeGroup,
  describePorts,
  portKey,
  sameCanonicalContent,
  viewOf,
  type CanonicalGroup,
  type CanonicalPort,
  type EndpointLike,
} from './canonical';
import {
  podNameKey,
  podsByName,
  podTupleKey,
  podView,
  samePods,
  type PodEndpointLike,
  type PodView,
} from './pod-endpoints';

/** What the heuristics add to a finding: a matching upstream issue, an explanation, a different severity. */
export interface Hint {
  readonly upstreamIssue?: string;
  readonly note?: string;
  readonly severity?: Severity;
  /** For a listed pod the policy is not expected to list: what it is, in place of ", which the policy does not select". */
  readonly listedPod?: string;
  /** The difference is known not to be drift (e.g. aws/amazon-network-policy-controller-k8s#136 allow-all companions): emit nothing. */
  readonly suppress?: boolean;
}

export interface PodChecks {
  readonly missing: CheckDefinition;
  readonly extra: CheckDefinition;
  readonly staleIp: CheckDefinition;
}

export interface PodHints {
  extraPod(pod: PodView): Hint | undefined;
  missingPod(pod: PodView): Hint | undefined;
}

export interface RuleChecks {
  readonly ingressMissing: CheckDefinition;
  readonly ingressExtra: CheckDefinition;
  readonly egressMissing: CheckDefinition;
  readonly egressExtra: CheckDefinition;
  readonly narrower: CheckDefinition;
  readonly wider: CheckDefinition;
}

export type Direction = 'ingress' | 'egress';

export interface RuleHints {
  missingGroup(
    direction: Direction,
    group: CanonicalGroup,
    actual: GroupsByDestination,
    expected: GroupsByDestination,
  ): Hint | undefined;
  extraGroup(direction: Direction, group: CanonicalGroup, expected: GroupsByDestination): Hint | undefined;
  narrowerPorts(
    direction: Direction,
    expected: CanonicalGroup,
    actual: CanonicalGroup,
    expectedAll: GroupsByDestination,
  ): Hint | undefined;
  widerPorts(
    direction: Direction,
    expected: CanonicalGroup,
    actual: CanonicalGroup,
    expectedAll: GroupsByDestination,
  ): Hint | undefined;
}

export type GroupsByDestination = ReadonlyMap<string, readonly CanonicalGroup[]>;

const NO_POD_HINTS: PodHints = { extraPod: () => undefined, missingPod: () => undefined };

function withHint(message: string, hint: Hint | undefined): string {
  return hint?.note === undefined ? message : `${message} ${hint.note}`;
}

function emit(
  findings: Finding[],
  check: CheckDefinition,
  resource: ResourceRef,
  message: string,
  details: { expected?: unknown; actual?: unknown; identity: string },
  hint: Hint | undefined,
): void {
  if (hint?.suppress === true) return;
  const extra: { expected?: unknown; actual?: unknown; severity?: Severity; upstreamIssue?: string; identity: string } =
    { ...details };
  if (hint?.severity !== undefined) extra.severity = hint.severity;
  if (hint?.upstreamIssue !== undefined) extra.upstreamIssue = hint.upstreamIssue;
  findings.push(findingOf(check, resource, withHint(message, hint), extra));
}

function describeResource(resource: ResourceRef): string {
  return resource.namespace === undefined
    ? `${resource.kind} ${resource.name}`
    : `${resource.kind} ${resource.namespace}/${resource.name}`;
}

function describePod(pod: PodView): string {
  return `${pod.namespace}/${pod.name} (podIP ${pod.podIP === '' ? '""' : pod.podIP}, hostIP ${pod.hostIP === '' ? '""' : pod.hostIP})`;
}

/** Selected pods: the expected set against the union over all endpoint objects, by name, then by address. */
export function comparePods(
  resource: ResourceRef,
  expectedPods: Iterable<PodEndpointLike>,
  actualPods: Iterable<PodEndpointLike>,
  checks: PodChecks,
  hints: PodHints = NO_POD_HINTS,
): Finding[] {
  const expectedList = [...expectedPods];
  const actualList = [...actualPods];
  if (samePods([expectedList], [actualList])) return [];
  const findings: Finding[] = [];
  const expected = new Map<string, PodView>();
  for (const pod of expectedList) {
    const view = podView(pod);
    if (!expected.has(podNameKey(view))) expected.set(podNameKey(view), view);
  }
  const actual = podsByName(actualList);
  const subject = describeResource(resource);
  for (const [nameKey, pod] of expected) {
    const listed = actual.get(nameKey);
    if (listed === undefined) {
      emit(
        findings,
        checks.missing,
        resource,
        `${subject} selects pod ${describePod(pod)}, but no endpoint object lists it: its rules are not applied to it.`,
        { expected: pod, identity: nameKey },
        hints.missingPod(pod),
      );
      continue;
    }
    const others = [...listed.values()].filter((view) => podTupleKey(view) !== podTupleKey(pod));
    if (others.length > 0) {
      const stillListed = listed.has(podTupleKey(pod));
      emit(
        findings,
        checks.staleIp,
        resource,
        `${subject} selects pod ${describePod(pod)}, but the endpoint objects list it ${stillListed ? 'also ' : ''}with ${others.map(describePod).join('; ')}.`,
        {
          expected: pod,
          actual: [...listed.values()],
          identity: [nameKey, ...others.map(podTupleKey).sort()].join('|'),
        },
        undefined,
      );
    }
  }
  for (const [nameKey, listed] of actual) {
    if (expected.has(nameKey)) continue;
    for (const pod of listed.values()) {
      const hint = hints.extraPod(pod);
      emit(
        findings,
        checks.extra,
        resource,
        `Endpoint objects of ${subject} list pod ${describePod(pod)}${hint?.listedPod === undefined ? ', which the policy does not select' : `: ${hint.listedPod}`}.`,
        { actual: pod, identity: podTupleKey(pod) },
        hint,
      );
    }
  }
  return findings;
}

/** A port-set drift: the canonical group and the ports that differ, in a stable order ('all' for the catch-all). */
function portsIdentity(groupKey: string, ports: readonly CanonicalPort[]): string {
  const keys = ports.map(portKey).sort();
  return `${groupKey}|${keys.length === 0 ? 'all' : keys.join(',')}`;
}

function byDestination(groups: ReadonlyMap<string, CanonicalGroup>): Map<string, CanonicalGroup[]> {
  const result = new Map<string, CanonicalGroup[]>();
  for (const group of groups.values()) {
    const list = result.get(group.destinationKey);
    if (list === undefined) result.set(group.destinationKey, [group]);
    else list.push(group);
  }
  return result;
}

/** Ingress or egress entries: expected against the union over all endpoint objects, in canonical form. */
export function compareRules(
  resource: ResourceRef,
  direction: Direction,
  expectedEntries: Iterable<EndpointLike>,
  actualEntries: Iterable<EndpointLike>,
  checks: RuleChecks,
  hints: RuleHints,
  withAction = false,
): Finding[] {
  const expectedList = [...expectedEntries];
  const actualList = [...actualEntries];
  if (sameCanonicalContent([expectedList], [actualList], withAction)) return [];
  const findings: Finding[] = [];
  const expected = canonicalGroups(expectedList, withAction);
  const actual = canonicalGroups(actualList, withAction);
  const expectedByDestination = byDestination(expected);
  const actualByDestination = byDestination(actual);
  const subject = describeResource(resource);
  const preposition = direction === 'ingress' ? 'from' : 'to';
  const missingCheck = direction === 'ingress' ? checks.ingressMissing : checks.egressMissing;
  const extraCheck = direction === 'ingress' ? checks.ingressExtra : checks.egressExtra;

  for (const [key, group] of expected) {
    const found = actual.get(key);
    if (found === undefined) {
      const expectedView = viewOf(group);
      emit(
        findings,
        missingCheck,
        resource,
        `${subject} expects ${direction} ${preposition} ${describeGroup(group)} (${describePorts(expectedView.ports)}), but no endpoint object has it.`,
        { expected: expectedView, identity: key },
        hints.missingGroup(direction, group, actualByDestination, expectedByDestination),
      );
      continue;
    }
    const comparison = comparePortSets(group, found);
    if (comparison.kind === 'equal') continue;
    const expectedView = viewOf(group);
    const actualView = viewOf(found);
    const text = `${direction} ${preposition} ${describeGroup(group)}: expected ${describePorts(expectedView.ports)}, endpoint objects allow ${describePorts(actualView.ports)}.`;
    if (comparison.kind === 'narrower' || comparison.kind === 'both') {
      const missing = comparison.missing.length > 0 ? viewOf(group, comparison.missing) : expectedView;
      emit(
        findings,
        checks.narrower,
        resource,
        `${subject} ${text}`,
        { expected: missing, actual: actualView, identity: portsIdentity(key, comparison.missing) },
        hints.narrowerPorts(direction, group, found, expectedByDestination),
      );
    }
    if (comparison.kind === 'wider' || comparison.kind === 'both') {
      const extra = comparison.extra.length > 0 ? viewOf(found, comparison.extra) : actualView;
      emit(
        findings,
        checks.wider,
        resource,
        `${subject} ${text}`,
        { expected: expectedView, actual: extra, identity: portsIdentity(key, comparison.extra) },
        hints.widerPorts(direction, group, found, expectedByDestination),
      );
    }
  }
  for (const [key, group] of actual) {
    if (expected.has(key)) continue;
    const actualView = viewOf(group);
    emit(
      findings,
      extraCheck,
      resource,
      `Endpoint objects of ${subject} allow ${direction} ${preposition} ${describeGroup(group)} (${describePorts(actualView.ports)}), which the policy does not.`,
      { actual: actualView, identity: key },
      hints.extraGroup(direction, group, expectedByDestination),
    );
  }
  return findings;
}
