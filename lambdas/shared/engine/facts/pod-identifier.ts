import { agentBehaviour, type AgentBehaviour } from './agent-behaviour';

type IdentifierRules = Pick<AgentBehaviour, 'identifierSeparator' | 'replacesDotsInPodName'>;

/**
 * `GetPodIdentifier` (agent.md §2.1): `.` → `_` (v1.2.0+), drop the last `-`-separated token, then append the
 * separator and the namespace. Pods of one ReplicaSet or StatefulSet share the identifier and its maps.
 */
export function podIdentifierWith(podName: string, namespace: string, rules: IdentifierRules): string {
  const name = rules.replacesDotsInPodName ? podName.replaceAll('.', '_') : podName;
  const lastDash = name.lastIndexOf('-');
  const base = lastDash === -1 ? name : name.slice(0, lastDash);
  return `${base}${rules.identifierSeparator}${namespace}`;
}

/** Identifier for an agent version; an unknown version uses the newest form (`@`, see `agentBehaviour`). */
export function podIdentifier(podName: string, namespace: string, agentVersion: string | undefined): string {
  return podIdentifierWith(podName, namespace, agentBehaviour(agentVersion));
}

const ALL_FORMS: readonly IdentifierRules[] = [
  { replacesDotsInPodName: false, identifierSeparator: '-' },
  { replacesDotsInPodName: true, identifierSeparator: '-' },
  { replacesDotsInPodName: true, identifierSeparator: '@' },
];

/**
 * Every identifier the agent could have used for the pod: one form for a known version, the forms of
 * v1.0–v1.1, v1.2–v1.3 and v1.4+ when the version is unknown (pins may also survive an upgrade).
 */
export function podIdentifierCandidates(
  podName: string,
  namespace: string,
  agentVersion: string | undefined,
): readonly string[] {
  const behaviour = agentBehaviour(agentVersion);
  if (behaviour.versionKnown) return [podIdentifierWith(podName, namespace, behaviour)];
  return [...new Set(ALL_FORMS.map((form) => podIdentifierWith(podName, namespace, form)))];
}
