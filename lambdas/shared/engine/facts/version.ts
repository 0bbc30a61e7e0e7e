import { compare, parse, satisfies } from 'semver';

/**
 * `x.y.z` of a VPC CNI or agent version string such as `v1.19.6-eksbuild.1`, `1.19.6` or `v1.3.5`.
 * The pre-release part (`-eksbuild.N`) is an EKS build number, not a pre-release, so it is dropped.
 * Returns `undefined` for anything that is not a full semantic version (`latest`, `1.19`, a digest).
 */
export function parseVersion(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = parse(raw.trim());
  if (parsed === null) return undefined;
  return `${parsed.major}.${parsed.minor}.${parsed.patch}`;
}

/** Tag of a container image reference (`repo/name:tag@sha256:…` → `tag`); `undefined` without a tag. */
export function imageTag(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  const withoutDigest = image.split('@')[0] ?? '';
  const name = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  if (colon === -1) return undefined;
  const tag = name.slice(colon + 1);
  return tag === '' ? undefined : tag;
}

/** Both arguments are `x.y.z` strings produced by {@link parseVersion}. */
export function versionAtLeast(version: string, minimum: string): boolean {
  return compare(version, minimum) >= 0;
}

export function versionCompare(left: string, right: string): number {
  return compare(left, right);
}

export function versionIn(version: string, range: string): boolean {
  return satisfies(version, range);
}
