import { assessConfiguration } from './config';
import { assessControlPlane, missingResolverInputs } from './control-plane/assess-control-plane';
import type { AuditOptions, ConfigAssessment, NotChecked } from './model/assessment';
import type { ClusterInventory, UnavailableKind } from './model/cluster';
import type { Finding } from './model/finding';
import type { RawNodeOutput } from './model/node-output';
import type { ResolvedPolicy } from './model/resolved-policy';
import { assessNodeLayer } from './node/compare';
import {
  NC_INPUT_KIND_FORBIDDEN,
  NC_INPUT_KIND_NOT_COLLECTED,
  NC_INPUT_KIND_NOT_INSTALLED,
  NC_INPUT_KIND_UNREADABLE,
  notCheckedOf,
} from './not-checked-catalog';
import { UNTIMED, type PhaseTimer } from './ports';
import { layerCoverage, passedEntries, type LayerResult } from './report/coverage';
import { withFingerprints } from './report/fingerprint';
import { groupFindings } from './report/group';
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
  /** Sees each phase run (bench, metrics); the default only runs it. */
  readonly timer?: PhaseTimer;
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

/** Runs every layer the inputs allow and assembles the report. Pure: same inputs, same report. */
export function runAudit(request: AuditRequest): AuditReport {
  const { inventory, options } = request;
  const timer = request.timer ?? UNTIMED;
  const config = timer.time('configuration', () =>
    assessConfiguration(inventory, options.desiredMode === undefined ? {} : { desiredMode: options.desiredMode }),
  );
  const controlPlane = assessControlPlane(inventory, config.effective, timer);
  const node = assessNodeLayer({
    inventory,
    effective: config.effective,
    nodeOutputs: request.nodeOutputs,
    missingInputs: missingResolverInputs(inventory),
    sha1Hex: request.sha1Hex,
    ...(options.agentVersion === undefined ? {} : { statedAgentVersion: options.agentVersion }),
    timer,
  });
  const layers: LayerResult[] = [
    { layer: 'config', ran: true, outcome: config },
    { layer: 'control-plane', ran: !notRun(controlPlane.notChecked, 'control-plane layer'), outcome: controlPlane },
    { layer: 'node', ran: !notRun(node.notChecked, 'node layer'), outcome: node },
  ];
  const notChecked = [
    ...config.notChecked,
    ...controlPlane.notChecked,
    ...inventory.unavailableKinds.map(unavailableKindNotChecked),
    ...node.notChecked,
  ];
  return buildReport(request, { config, resolved: controlPlane.resolved, layers, notChecked });
}

function unavailableKindNotChecked(unavailable: UnavailableKind): NotChecked {
  const kind =
    unavailable.cause === 'not-collected'
      ? NC_INPUT_KIND_NOT_COLLECTED
      : unavailable.cause === 'forbidden'
        ? NC_INPUT_KIND_FORBIDDEN
        : unavailable.cause === 'not-installed'
          ? NC_INPUT_KIND_NOT_INSTALLED
          : NC_INPUT_KIND_UNREADABLE;
  return notCheckedOf(kind, unavailable.kind, unavailable.reason);
}

function notRun(notChecked: LayerResult['outcome']['notChecked'], scope: string): boolean {
  return notChecked.some((entry) => entry.scope === scope);
}

interface AssessedLayers {
  readonly config: ConfigAssessment;
  readonly resolved: readonly ResolvedPolicy[];
  readonly layers: readonly LayerResult[];
  readonly notChecked: readonly NotChecked[];
}

function buildReport(request: AuditRequest, assessed: AssessedLayers): AuditReport {
  const { inventory, options } = request;
  const { config, resolved, layers, notChecked } = assessed;
  const ungrouped = [...inventory.inputFindings, ...layers.flatMap((layer) => layer.outcome.findings)];
  const findings = withFingerprints(inventory.clusterName, groupFindings(ungrouped)).sort(compareFindings);
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
      autoMode: config.effective.autoMode ?? null,
      cniManagement: config.cniManagement,
      ipFamily: config.effective.ipFamily ?? null,
    },
    summary: summarise(findings),
    findings,
    notChecked: [...notChecked],
    policies: summarisePolicies(inventory, resolved, ungrouped),
    passed: passedEntries(layers),
    coverage: layerCoverage(layers),
  };
}
