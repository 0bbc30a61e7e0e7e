import type { Finding } from '../model/finding';
import type { Suppression } from './suppress-file';

function globPattern(glob: string, flags = ''): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Whether one finding is what a suppression accepts; built once per suppression. */
export type FindingMatcher = (finding: Finding) => boolean;

/**
 * Fingerprint and check compare exactly; the resource glob matches `<kind>/<namespace>/<name>` part by part (the kind
 * ignoring case, the node not at all: a fingerprint pins one node).
 */
export function matcherOf(suppression: Suppression): FindingMatcher {
  const parts = suppression.resource?.split('/');
  const [kind, namespace, name] = (parts ?? []).map((part, index) => globPattern(part, index === 0 ? 'i' : ''));
  return (finding) =>
    (suppression.fingerprint === undefined || finding.fingerprint === suppression.fingerprint) &&
    (suppression.check === undefined || finding.checkId === suppression.check) &&
    (kind === undefined ||
      (kind.test(finding.resource.kind) &&
        (namespace?.test(finding.resource.namespace ?? '') ?? false) &&
        (name?.test(finding.resource.name) ?? false)));
}

/** The namespace a suppression's resource glob names exactly (no `*` or `?`), so candidates can be looked up by it. */
export function literalNamespace(suppression: Suppression): string | undefined {
  const namespace = suppression.resource?.split('/')[1];
  return namespace === undefined || /[*?]/.test(namespace) ? undefined : namespace;
}

/** What the suppression names, as the resource name of its own findings. */
export function suppressionLabel(suppression: Suppression): string {
  if (suppression.fingerprint !== undefined) return `fingerprint ${suppression.fingerprint}`;
  return `${suppression.check ?? '*'} ${suppression.resource ?? '*/*/*'}`;
}
