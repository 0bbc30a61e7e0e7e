import { z } from 'zod';
import { fillTemplate, resourceValues, upstreamText, type CheckDefinition, type PlaceholderValues } from './check';

export type { CheckDefinition } from './check';

export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof Severity>;

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

export const Layer = z.enum(['input', 'config', 'control-plane', 'node']);
export type Layer = z.infer<typeof Layer>;

export const ResourceRef = z.object({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  node: z.string().optional(),
});
export type ResourceRef = z.infer<typeof ResourceRef>;

/**
 * The resources one grouped finding stands for: findings of one check and one cause over many resources become one
 * (report/group.ts). `resources` lists the first ones in order; `count` is all of them, `resource` is the first.
 */
export const Affected = z.object({
  count: z.number().int(),
  resources: z.array(ResourceRef),
  /** The cause shared by every affected resource, as a hash: what the fingerprint of the group is keyed on. */
  cause: z.string(),
});
export type Affected = z.infer<typeof Affected>;

/** An accepted finding: which suppression covers it, why and until when (report/suppressions.ts). */
export const SuppressionMark = z.object({
  reason: z.string(),
  /** The last day (UTC, YYYY-MM-DD) the suppression holds. */
  expires: z.string(),
  /** Where it was declared: `<file> line <n>`, or `baseline <report.json>`. */
  source: z.string(),
  owner: z.string().optional(),
});
export type SuppressionMark = z.infer<typeof SuppressionMark>;

export const Finding = z.object({
  checkId: z.string(),
  severity: Severity,
  layer: Layer,
  resource: ResourceRef,
  message: z.string(),
  expected: z.unknown().optional(),
  actual: z.unknown().optional(),
  upstreamIssue: z.string().optional(),
  /**
   * What makes this drift this drift (the missing entry, the wrong program), independent of counts, order, chunk
   * names and time. Part of the fingerprint; empty when the check and resource say it all.
   */
  identity: z.string().optional(),
  /** What to do, from the check's template with this finding's names filled in. Not part of the fingerprint. */
  remediation: z.string().optional(),
  /** The command that confirms the fix, names filled in. Not part of the fingerprint. */
  verify: z.string().optional(),
  /** Stable across runs for the same drift: check, cluster, resource, node and identity (report/fingerprint.ts). */
  fingerprint: z.string().optional(),
  /** Present when the finding groups the same cause on several resources; absent for a single resource. */
  affected: Affected.optional(),
  /** Set when a suppression accepts the finding: it stays in the report but counts for neither summary nor exit code. */
  suppressed: SuppressionMark.optional(),
});
export type Finding = z.infer<typeof Finding>;

/** What a finding adds to its check; `placeholders` holds the values of the check's declared placeholders. */
export interface FindingDetails {
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly severity?: Severity;
  readonly upstreamIssue?: string;
  readonly identity?: string;
}

/** The details are optional unless the check declares placeholders, which then all need a value. */
type FindingDetailsArgument<P extends string> = string extends P
  ? [details?: FindingDetails & PlaceholderValues<P>]
  : [P] extends [never]
    ? [details?: FindingDetails & PlaceholderValues<P>]
    : [details: FindingDetails & PlaceholderValues<P>];

/**
 * Builds findings for one catalog entry, so id, layer and default severity cannot drift from the catalog. The
 * remediation and verify templates are filled from the resource and `details.placeholders`; `{cluster}` is filled
 * when the report binds the findings to their cluster (`withFingerprints`).
 */
export function findingOf<P extends string>(
  check: CheckDefinition<P>,
  resource: ResourceRef,
  message: string,
  ...[details = {}]: FindingDetailsArgument<NoInfer<P>>
): Finding {
  const finding: Finding = {
    checkId: check.id,
    severity: details.severity ?? check.severity,
    layer: check.layer,
    resource,
    message,
  };
  if (details.expected !== undefined) finding.expected = details.expected;
  if (details.actual !== undefined) finding.actual = details.actual;
  const upstreamIssue = details.upstreamIssue ?? upstreamText(check.upstream);
  if (upstreamIssue !== undefined) finding.upstreamIssue = upstreamIssue;
  if (details.identity !== undefined) finding.identity = details.identity;
  const values = { ...resourceValues(resource), ...details.placeholders };
  finding.remediation = fillTemplate(check.remediation, values);
  finding.verify = fillTemplate(check.verify, values);
  return finding;
}
