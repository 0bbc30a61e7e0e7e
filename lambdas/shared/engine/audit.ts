import { assessConfiguration } from './config';
import {
  checkServicePortMapping,
  ClusterIndex,
  resolveClusterNetworkPolicies,
  resolveNetworkPolicies,
} from './control-plane/resolver';
import { diffClusterPolicyEndpoints, diffPolicyEndpoints } from './control-plane/diff';
import { checkStaticLimits } from './control-plane/static-limits';
import { auditNodeLayer } from './node/compare';
import type { AuditOptions, NotChecked } from './model/assessment';
import type { ClusterInventory } from './model/cluster';
import type { Finding } from './model/finding';
import type { RawNodeOutput } from './model/node-output';
import type { ResolvedPolicy } from './model/resolved-policy';
import { withFingerprints } from './report/fingerprint';
import {
  compareFindings,
  REPORT_SCHEMA_VERSION,
  summarise,
  type AuditReport,
  type PolicySummary,
} from './report/report';

export interface AuditRequest {
  readonly inventory: ClusterInventory;
  /** `undefined` when the source has no node outputs: the node layer is then listed as not checked. */
  readonly nodeOutputs?: readonly RawNodeOutput[];
  readonly options: AuditOptions;
  readonly source: { readonly kind: 'snapshot' | 'live'; readonly location: string };
  readonly engineVersion: string;
  /** SHA-1 as lowercase hex, injected so the domain stays free of node:crypto (host veth names). */
  readonly sha1Hex?: (text: string) => string;
}

function policyEndpointCounts(inventory: ClusterInventory): Map<string, number> {
  const counts = new Map<string, number>();
  for (const endpoint of inventory.policyEndpoints) {
    const key = `${endpoint.spec.policyRef.namespace}/${endpoint.spec.policyRef.name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function summarisePolicies(
  inventory: ClusterInventory,
  resolved: readonly ResolvedPolicy[],
  findings: readonly Finding[],
): PolicySummary[] {
  const endpointCounts = policyEndpointCounts(inventory);
  const findingCounts = new Map<string, number>();
  for (const finding of findings) {
    const key = `${finding.resource.kind}/${finding.resource.namespace ?? ''}/${finding.resource.name}`;
    findingCounts.set(key, (findingCounts.get(key) ?? 0) + 1);
  }
  return resolved.map((policy) => ({
    kind: policy.kind,
    namespace: policy.policyRef.namespace,
    name: policy.policyRef.name,
    podIsolation: [...policy.podIsolation],
    selectedPods: policy.podSelectorEndpoints.length,
    ingressEntries: policy.ingress.length,
    egressEntries: policy.egress.length,
    policyEndpoints: endpointCounts.get(`${policy.policyRef.namespace}/${policy.policyRef.name}`) ?? 0,
    findings: findingCounts.get(`${policy.kind}/${policy.policyRef.namespace}/${policy.policyRef.name}`) ?? 0,
  }));
}

/** Kinds the resolver cannot do without: if one could not be read, any expected content would be wrong. */
const RESOLVER_INPUT_KINDS: ReadonlySet<string> = new Set(['Namespace', 'Pod', 'Service', 'NetworkPolicy']);

function missingResolverInputs(inventory: ClusterInventory): string[] {
  return inventory.unavailableKinds.filter((entry) => RESOLVER_INPUT_KINDS.has(entry.kind)).map((entry) => entry.kind);
}

/** Runs every layer the inputs allow and assembles the report. Pure: same inputs, same report. */
export function runAudit(request: AuditRequest): AuditReport {
  const { inventory, options } = request;
  const notChecked: NotChecked[] = [];
  const config = assessConfiguration(
    inventory,
    options.desiredMode === undefined ? {} : { desiredMode: options.desiredMode },
  );
  notChecked.push(...config.notChecked);

  const missingInputs = missingResolverInputs(inventory);
  const index = new ClusterIndex(inventory);
  const resolved = missingInputs.length === 0 ? resolveNetworkPolicies(inventory, index) : [];
  const resolvedCluster = missingInputs.length === 0 ? resolveClusterNetworkPolicies(inventory, index) : [];
  const controlPlane: Finding[] = [];
  if (missingInputs.length === 0) {
    controlPlane.push(
      ...diffPolicyEndpoints(inventory, resolved),
      ...diffClusterPolicyEndpoints(inventory, resolvedCluster),
      ...checkStaticLimits(inventory, resolved, config.effective),
      ...checkServicePortMapping(inventory, index),
    );
  } else {
    notChecked.push({
      scope: 'control-plane layer',
      reason: `${missingInputs.join(', ')} could not be read, so the expected PolicyEndpoints cannot be computed without false drift`,
    });
  }
  for (const unavailable of inventory.unavailableKinds) {
    notChecked.push({ scope: unavailable.kind, reason: unavailable.reason });
  }
  const nodeFindings: Finding[] = [];
  if (request.nodeOutputs === undefined) {
    notChecked.push({ scope: 'node layer', reason: 'the source has no node outputs (nodes/ in a snapshot)' });
  } else if (missingInputs.length > 0) {
    notChecked.push({ scope: 'node layer', reason: `${missingInputs.join(', ')} could not be read` });
  } else if (request.sha1Hex === undefined) {
    notChecked.push({ scope: 'node layer', reason: 'no SHA-1 implementation was provided to derive host veth names' });
  } else {
    const node = auditNodeLayer({
      inventory,
      effective: config.effective,
      nodeOutputs: request.nodeOutputs,
      sha1Hex: request.sha1Hex,
    });
    nodeFindings.push(...node.findings);
    notChecked.push(...node.notChecked);
  }

  const findings = withFingerprints(inventory.clusterName, [
    ...inventory.inputFindings,
    ...config.findings,
    ...controlPlane,
    ...nodeFindings,
  ]).sort(compareFindings);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    cluster: { name: inventory.clusterName, source: request.source.kind, location: request.source.location },
    generatedAt: options.now.toISOString(),
    engine: { name: 'eks-netpol-audit', version: request.engineVersion },
    inputs: {
      namespaces: inventory.namespaces.length,
      pods: inventory.pods.length,
      services: inventory.services.length,
      nodes: inventory.nodes.length,
      networkPolicies: inventory.networkPolicies.length,
      policyEndpoints: inventory.policyEndpoints.length,
      applicationNetworkPolicies: inventory.applicationNetworkPolicies.length,
      clusterNetworkPolicies: inventory.clusterNetworkPolicies.length,
      clusterPolicyEndpoints: inventory.clusterPolicyEndpoints.length,
      nodeOutputs: request.nodeOutputs?.length ?? 0,
      ignoredKinds: { ...inventory.ignoredKinds },
    },
    configuration: {
      networkPolicyEnabled: config.effective.networkPolicyEnabled ?? null,
      enforcementMode: config.effective.enforcementMode ?? null,
      desiredMode: options.desiredMode ?? null,
      cniVersion: config.effective.cniVersion ?? null,
      agentVersion: config.effective.agentVersion ?? null,
      autoMode: config.effective.autoMode,
      ipFamily: config.effective.ipFamily ?? null,
    },
    summary: summarise(findings),
    findings,
    notChecked,
    policies: summarisePolicies(inventory, resolved, findings),
  };
}
