import { z } from 'zod';
import { Finding, Layer, ResourceRef, SEVERITY_RANK, Severity } from '../model/finding';
import { NOT_CHECKED_KINDS } from '../not-checked-catalog';

export const REPORT_SCHEMA_VERSION = '1.0';

export const InputCounts = z.object({
  namespaces: z.number().int(),
  pods: z.number().int(),
  services: z.number().int(),
  nodes: z.number().int(),
  networkPolicies: z.number().int(),
  policyEndpoints: z.number().int(),
  applicationNetworkPolicies: z.number().int(),
  clusterNetworkPolicies: z.number().int(),
  clusterPolicyEndpoints: z.number().int(),
  nodeOutputs: z.number().int(),
  ignoredKinds: z.record(z.string(), z.number().int()),
});
export type InputCounts = z.infer<typeof InputCounts>;

export const PolicySummary = z.object({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  podIsolation: z.array(z.string()),
  selectedPods: z.number().int(),
  ingressEntries: z.number().int(),
  egressEntries: z.number().int(),
  policyEndpoints: z.number().int(),
  findings: z.number().int(),
});
export type PolicySummary = z.infer<typeof PolicySummary>;

/** `kind` (docs/limits.md) was added within 1.0: a report without it still reads. */
export const NotCheckedEntry = z.object({
  scope: z.string(),
  reason: z.string(),
  kind: z.enum(NOT_CHECKED_KINDS).optional(),
});

/** One check that ran and passed, with every resource it passed on (sorted). */
export const PassedEntry = z.object({
  checkId: z.string(),
  layer: Layer,
  resources: z.array(ResourceRef),
});
export type PassedEntry = z.infer<typeof PassedEntry>;

/** What a layer checked: distinct resources by kind (nodes counted by name), passed results and findings. */
export const LayerCoverage = z.object({
  layer: Layer,
  ran: z.boolean(),
  resources: z.record(z.string(), z.number().int()),
  passed: z.number().int(),
  findings: z.number().int(),
  /** Added in 1.0: how many entries of `notChecked` this layer gave (absent from earlier reports). */
  notChecked: z.number().int().optional(),
});
export type LayerCoverage = z.infer<typeof LayerCoverage>;

export const AuditReport = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  cluster: z.object({ name: z.string(), source: z.enum(['snapshot', 'live']), location: z.string() }),
  generatedAt: z.string(),
  engine: z.object({ name: z.literal('eks-netpol-audit'), version: z.string() }),
  inputs: InputCounts,
  configuration: z.object({
    networkPolicyEnabled: z.boolean().nullable(),
    enforcementMode: z.enum(['standard', 'strict']).nullable(),
    desiredMode: z.enum(['standard', 'strict']).nullable(),
    cniVersion: z.string().nullable(),
    agentVersion: z.string().nullable(),
    /** `null`: unknown (the EKS cluster description was not read). */
    autoMode: z.boolean().nullable(),
    /** Added in 1.0: how the VPC CNI is installed, `unknown` when the add-on was not read (absent: not reported). */
    cniManagement: z.enum(['eks-add-on', 'self-managed', 'auto-mode', 'none', 'unknown']).optional(),
    ipFamily: z.enum(['ipv4', 'ipv6']).nullable(),
  }),
  summary: z.object({
    totalFindings: z.number().int(),
    highestSeverity: Severity.nullable(),
    bySeverity: z.record(Severity, z.number().int()),
    byLayer: z.record(Layer, z.number().int()),
    /** Findings a suppression accepts; the other counts leave them out. Added in 1.0 (absent before: 0). */
    suppressed: z.number().int().default(0),
  }),
  findings: z.array(Finding),
  notChecked: z.array(NotCheckedEntry),
  policies: z.array(PolicySummary),
  /** Added in 1.0 (absent from earlier 1.0 reports, read as empty). */
  passed: z.array(PassedEntry).default([]),
  /** Added in 1.0 (absent from earlier 1.0 reports, read as empty). */
  coverage: z.array(LayerCoverage).default([]),
});
export type AuditReport = z.infer<typeof AuditReport>;

const LAYER_ORDER: readonly Layer[] = ['input', 'config', 'control-plane', 'node'];

/** Most severe first, then by layer from configuration down to the node, then by check and resource. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    LAYER_ORDER.indexOf(a.layer) - LAYER_ORDER.indexOf(b.layer) ||
    a.checkId.localeCompare(b.checkId) ||
    (a.resource.namespace ?? '').localeCompare(b.resource.namespace ?? '') ||
    a.resource.name.localeCompare(b.resource.name) ||
    (a.resource.node ?? '').localeCompare(b.resource.node ?? '') ||
    a.message.localeCompare(b.message)
  );
}

/** Counts the findings no suppression accepts; the accepted ones only as `suppressed`. */
export function summarise(findings: readonly Finding[]): AuditReport['summary'] {
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  const byLayer: Record<Layer, number> = { input: 0, config: 0, 'control-plane': 0, node: 0 };
  let highest: Severity | null = null;
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed !== undefined) {
      suppressed += 1;
      continue;
    }
    bySeverity[finding.severity] += 1;
    byLayer[finding.layer] += 1;
    if (highest === null || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[highest]) highest = finding.severity;
  }
  return { totalFindings: findings.length - suppressed, highestSeverity: highest, bySeverity, byLayer, suppressed };
}
