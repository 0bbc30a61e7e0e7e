import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Finding, ResourceRef } from '../model/finding';

/** How many affected resources a grouped finding lists; `affected.count` has them all. */
export const AFFECTED_LISTED = 20;
/** How many of them the grouped message names. */
const NAMED_IN_MESSAGE = 3;

const NAME_CHARACTER = 'A-Za-z0-9_-';
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The resource's own names as whole words (a name inside a longer name stays), longest first. */
function ownNamesPattern(resource: ResourceRef): RegExp | undefined {
  const names = [...new Set([resource.namespace, resource.name, resource.node])]
    .filter((name): name is string => name !== undefined && name !== '')
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  if (names.length === 0) return undefined;
  const before = `(?<![${NAME_CHARACTER}]|[A-Za-z0-9]\\.)`;
  const after = `(?![${NAME_CHARACTER}]|\\.[A-Za-z0-9])`;
  return new RegExp(`${before}(?:${names.join('|')})${after}`, 'g');
}

/**
 * What a finding says with its resource's own names taken out: two findings of one check with the same cause key
 * differ only in the resource they are on. Severity, layer and kind are part of it, hints are not.
 */
export function causeKeyOf(finding: Finding): string {
  const { checkId, severity, layer, resource, message, expected, actual, identity, upstreamIssue } = finding;
  const text = JSON.stringify([
    checkId,
    severity,
    layer,
    resource.kind,
    message,
    expected,
    actual,
    identity,
    upstreamIssue,
  ]);
  const names = ownNamesPattern(resource);
  return names === undefined ? text : text.replace(names, '\u0000');
}

export function compareResources(a: ResourceRef, b: ResourceRef): number {
  return (
    (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
    a.name.localeCompare(b.name) ||
    (a.node ?? '').localeCompare(b.node ?? '') ||
    a.kind.localeCompare(b.kind)
  );
}

function shortName(resource: ResourceRef): string {
  return resource.namespace === undefined ? resource.name : `${resource.namespace}/${resource.name}`;
}

function plural(kind: string): string {
  return /(s|x|ch|sh)$/.test(kind) ? `${kind}es` : `${kind}s`;
}

function groupedMessage(first: Finding, resources: readonly ResourceRef[]): string {
  const named = resources.slice(0, NAMED_IN_MESSAGE).map(shortName).join(', ');
  const more = resources.length > NAMED_IN_MESSAGE ? ', …' : '';
  return `${first.message} — the same on ${resources.length} ${plural(first.resource.kind)} (first: ${named}${more})`;
}

const resourceKey = (resource: ResourceRef): string =>
  JSON.stringify([resource.kind, resource.namespace, resource.name, resource.node]);

function onOneResource(members: readonly Finding[]): boolean {
  const first = resourceKey((members[0] as Finding).resource);
  return members.every((member) => resourceKey(member.resource) === first);
}

function grouped(members: readonly Finding[], causeKey: string): Finding {
  const ordered = [...members].sort((a, b) => compareResources(a.resource, b.resource));
  const first = ordered[0] as Finding;
  const resources = ordered.map((member) => member.resource);
  return {
    ...first,
    message: groupedMessage(first, resources),
    affected: {
      count: resources.length,
      resources: resources.slice(0, AFFECTED_LISTED),
      cause: bytesToHex(sha256(utf8ToBytes(causeKey))).slice(0, 32),
    },
  };
}

/**
 * Findings of one check and one cause (`causeKeyOf`) on several resources become one finding with the resources in
 * `affected`, on the first of them; a cause on one resource stays the finding it was. Order: first appearance.
 */
export function groupFindings(findings: readonly Finding[]): Finding[] {
  const byCause = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = causeKeyOf(finding);
    const members = byCause.get(key);
    if (members === undefined) byCause.set(key, [finding]);
    else members.push(finding);
  }
  return [...byCause].flatMap(([key, members]) => (onOneResource(members) ? members : [grouped(members, key)]));
}
