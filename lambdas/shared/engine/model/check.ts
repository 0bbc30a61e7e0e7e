import type { Layer, ResourceRef, Severity } from './finding';

/**
 * What the resource of a check's findings always names, beyond `{kind}` and `{name}`: the namespace, the node, or
 * both. It decides which placeholders the remediation and verify templates may use.
 */
export type ResourceScope = 'cluster-wide' | 'namespaced' | 'on-node' | 'namespaced-on-node';

const SCOPE_PLACEHOLDERS: Readonly<Record<ResourceScope, readonly string[]>> = {
  'cluster-wide': [],
  namespaced: ['namespace'],
  'on-node': ['node'],
  'namespaced-on-node': ['namespace', 'node'],
};

/** Placeholders every finding can fill: its resource kind and name, and the cluster (filled when the report is built). */
export const ALWAYS_FILLED = ['kind', 'name', 'cluster'] as const;

/** An upstream issue or pull request, as a link. */
export type UpstreamLink = `https://${string}`;

/**
 * What `defineCheck` takes: the whole description of one check. `P` names its declared placeholders, so
 * `findingOf` can require a value for each of them.
 */
export interface CheckSpec<P extends string = string> {
  readonly id: string;
  readonly layer: Layer;
  readonly severity: Severity;
  readonly title: string;
  /** What the check compares, in one sentence. */
  readonly compares: string;
  /** What the findings' resource always names (see `ResourceScope`). */
  readonly resource: ResourceScope;
  /** Placeholders beyond the resource that the emitting code fills from the finding's details (`{veth}`, `{mapId}`). */
  readonly placeholders?: readonly P[];
  /** What to do, as a template: `{namespace}`, `{name}`, `{node}`, `{cluster}` and the declared placeholders. */
  readonly remediation: string;
  /** The kubectl / aws / tc / aws-eks-na-cli command that confirms the fix, as a template. */
  readonly verify: string;
  /** A longer explanation or a documentation link. */
  readonly docs?: string;
  /** Upstream issues and pull requests behind the check; empty when there are none. */
  readonly upstream: readonly UpstreamLink[];
  /** The module(s) that emit the check, relative to the repository root. */
  readonly emittedBy: string | readonly [string, ...string[]];
  /**
   * `true` when a finding of the check means the data a layer needed could not be verified (not collected, not
   * complete, not parseable, not readable), not drift: the `--fail-on-unverified` gate counts these.
   */
  readonly unverified?: true;
}

/** An entry of the check catalog (docs/checks.md is generated from it and checked against it by a test). */
export interface CheckDefinition<P extends string = string> extends Omit<CheckSpec<P>, 'emittedBy' | 'placeholders'> {
  readonly placeholders: readonly P[];
  readonly emittedBy: readonly [string, ...string[]];
}

/** The one way to declare a check; the placeholder names are kept in its type. */
export function defineCheck<const P extends string = never>(spec: CheckSpec<P>): CheckDefinition<P> {
  const emittedBy: readonly [string, ...string[]] =
    typeof spec.emittedBy === 'string' ? [spec.emittedBy] : spec.emittedBy;
  return { ...spec, placeholders: spec.placeholders ?? [], emittedBy };
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/**
 * The values `findingOf` needs for a check's declared placeholders: all of them when the check names them, none
 * when it declares none; a check known only as `CheckDefinition` (a table of checks) may pass any.
 */
export type PlaceholderValues<P extends string> = string extends P
  ? { readonly placeholders?: Readonly<Record<string, string>> }
  : [P] extends [never]
    ? { readonly placeholders?: Readonly<Record<string, never>> }
    : { readonly placeholders: Readonly<Record<P, string>> };

/** The placeholders a template uses, each once, in order. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

/** The placeholders a check's templates may use: always filled, from its resource scope, and declared ones. */
export function fillablePlaceholders(check: CheckDefinition): ReadonlySet<string> {
  return new Set([...ALWAYS_FILLED, ...SCOPE_PLACEHOLDERS[check.resource], ...check.placeholders]);
}

/** Fills the placeholders that have a value; the others stay as they are (`{cluster}` is filled later). */
export function fillTemplate(template: string, values: Readonly<Record<string, string | undefined>>): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => values[key] ?? whole);
}

/** The values a finding's resource gives to the templates. */
export function resourceValues(resource: ResourceRef): Record<string, string | undefined> {
  return { kind: resource.kind, name: resource.name, namespace: resource.namespace, node: resource.node };
}

/** `owner/repo#n` for a GitHub issue or pull request link, the link itself otherwise. */
export function upstreamReference(link: UpstreamLink): string {
  const github = /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/(?:issues|pull)\/(\d+)$/.exec(link);
  return github === null ? link : `${github[1] ?? ''}#${github[2] ?? ''}`;
}

/** The upstream links as the short text findings carry in `upstreamIssue`; `undefined` when there are none. */
export function upstreamText(links: readonly UpstreamLink[]): string | undefined {
  return links.length === 0 ? undefined : links.map(upstreamReference).join(', ');
}

/** A command run on the finding's node through a debug pod (the host root is chrooted, so host tools work). */
export function onNode(command: string): string {
  return `kubectl debug node/{node} -it --image=amazonlinux:2023 --profile=sysadmin -- chroot /host sh -c '${command}'`;
}
