import * as semver from 'semver';

export interface IdentifierForm {
  readonly separator: '-' | '@';
  readonly replaceDots: boolean;
  /** The agent version was unknown and the pre-v1.4.0 form was assumed. */
  readonly assumed: boolean;
}

/**
 * Which agent pod-identifier form applies (agent.md §2.1): `.`→`_` from v1.2.0, `@<ns>` from v1.4.0. An unknown
 * version takes the older `-<ns>` separator (with dot replacement), which yields the most collisions.
 */
export function identifierFormFor(agentVersion: string | undefined): IdentifierForm {
  const version = agentVersion === undefined ? null : semver.coerce(agentVersion);
  if (version === null) return { separator: '-', replaceDots: true, assumed: true };
  return {
    separator: semver.gte(version, '1.4.0') ? '@' : '-',
    replaceDots: semver.gte(version, '1.2.0'),
    assumed: false,
  };
}

/** The agent's `GetPodIdentifier`: pod name minus its last `-` token, then the separator and the namespace. */
export function podIdentifier(name: string, namespace: string, form: IdentifierForm): string {
  const base = form.replaceDots ? name.replaceAll('.', '_') : name;
  const cut = base.lastIndexOf('-');
  return `${cut === -1 ? base : base.slice(0, cut)}${form.separator}${namespace}`;
}
