import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Finding, ResourceRef } from '../model/finding';

/** How many affected resources a grouped finding lists; `affected.count` has them all. */
export const AFFECTED_LISTED = 20;
/** How many of them the grouped message names. */
const NAMED_IN_MESSAGE = 3;

/** The resource's own names, longest first: at one position the longest one is taken out. */
function ownNames(resource: ResourceRef): string[] {
  return [...new Set([resource.namespace, resource.name, resource.node])]
    .filter((name): name is string => name !== undefined && name !== '')
    .sort((a, b) => b.length - a.length);
}

const isAlphanumeric = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isNameCharacter = (code: number): boolean => isAlphanumeric(code) || code === 95 || code === 45;
const DOT = 46;

/** A name starts at `at` as a whole word: not inside a longer name, nor after `x.` (a domain or file name). */
function startsWord(text: string, at: number): boolean {
  if (at === 0) return true;
  const before = text.charCodeAt(at - 1);
  return !isNameCharacter(before) && !(before === DOT && at >= 2 && isAlphanumeric(text.charCodeAt(at - 2)));
}

function endsWord(text: string, end: number): boolean {
  if (end === text.length) return true;
  const after = text.charCodeAt(end);
  return (
    !isNameCharacter(after) && !(after === DOT && end + 1 < text.length && isAlphanumeric(text.charCodeAt(end + 1)))
  );
}

/** The first whole-word occurrence of `name` at or after `from`, or -1. */
function nextWord(text: string, name: string, from: number): number {
  for (let at = text.indexOf(name, from); at !== -1; at = text.indexOf(name, at + 1)) {
    if (startsWord(text, at) && endsWord(text, at + name.length)) return at;
  }
  return -1;
}

/** `text` with every whole-word occurrence of the names replaced by NUL, left to right, longest name first. */
function withoutNames(text: string, names: readonly string[]): string {
  const next = names.map((name) => nextWord(text, name, 0));
  let out = '';
  let copied = 0;
  for (;;) {
    let chosen = -1;
    for (let i = 0; i < names.length; i++) {
      const at = next[i] as number;
      if (at !== -1 && (chosen === -1 || at < (next[chosen] as number))) chosen = i;
    }
    if (chosen === -1) return out + text.slice(copied);
    const at = next[chosen] as number;
    const end = at + (names[chosen] as string).length;
    out += `${text.slice(copied, at)}\u0000`;
    copied = end;
    for (let i = 0; i < names.length; i++) {
      if ((next[i] as number) !== -1 && (next[i] as number) < end) next[i] = nextWord(text, names[i] as string, end);
    }
  }
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
  return withoutNames(text, ownNames(resource));
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
