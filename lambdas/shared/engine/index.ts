/**
 * The engine's front door: everything a caller (the CLI, the Lambda handlers, bench, the tests of behaviour)
 * needs, and nothing else. Internals are reached only by the engine's own modules and by unit tests of them.
 */
import { sha1 } from '@noble/hashes/legacy';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { runAudit } from './audit';
import { assessConfiguration } from './config';
import { resolveNetworkPolicies } from './control-plane/resolver';
import { explainFlow, parseFlowEndpoint, type FlowExplanation } from './explain';
import type { EnforcementMode } from './model/assessment';
import type { ClusterInventory } from './model/cluster';
import type { Protocol } from './model/kubernetes';
import type { RawNodeOutput } from './model/node-output';
import type { ResolvedPolicy } from './model/resolved-policy';
import { parseNodeBundle } from './node/bundle';
import { computeExpectedNodeState, nodeInternalIPs, type ExpectedNodeState } from './node/expected/expected-node-state';
import { InputError } from './errors';
import type { PhaseTimer } from './ports';
import type { AuditReport } from './report/report';

/** One input shape for audit, explain and resolve: the cluster's documents (as an inventory) and the raw node outputs. */
export interface AuditInputs {
  readonly inventory: ClusterInventory;
  /** `undefined` when the source has no node outputs: the node layer is then listed as not checked. */
  readonly nodeOutputs?: readonly RawNodeOutput[];
  readonly source: { readonly kind: 'snapshot' | 'live'; readonly location: string };
}

export interface AuditRunOptions {
  readonly now: Date;
  readonly engineVersion: string;
  readonly desiredMode?: EnforcementMode;
  /** The agent version to assume where the cluster names none (a digest-pinned image, `latest`). */
  readonly agentVersion?: string;
  /** Sees each phase of the audit run (bench, Lambda metrics); the engine keeps no clock of its own. */
  readonly timer?: PhaseTimer;
}

/** One flow to explain: endpoints as `<namespace>/<pod>` or an IP. */
export interface FlowRequest {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol?: Protocol;
}

/** SHA-1 as lowercase hex: the agent names host veths after a SHA-1 of the pod. */
function sha1Hex(text: string): string {
  return bytesToHex(sha1(utf8ToBytes(text)));
}

/** Runs every layer the inputs allow and returns the report. Pure: the same inputs give the same report. */
export function audit(inputs: AuditInputs, options: AuditRunOptions): AuditReport {
  return runAudit({
    inventory: inputs.inventory,
    ...(inputs.nodeOutputs === undefined ? {} : { nodeOutputs: inputs.nodeOutputs }),
    options: {
      now: options.now,
      ...(options.desiredMode === undefined ? {} : { desiredMode: options.desiredMode }),
      ...(options.agentVersion === undefined ? {} : { agentVersion: options.agentVersion }),
    },
    source: inputs.source,
    engineVersion: options.engineVersion,
    sha1Hex,
    ...(options.timer === undefined ? {} : { timer: options.timer }),
  });
}

export interface ExplainOptions {
  /** The agent version to assume where neither node.json nor the aws-node image names one; else the kernel is unknown. */
  readonly agentVersion?: string;
}

/** The verdict for one flow at each layer. Throws UnknownEndpointError for an endpoint the inventory lacks. */
export function explain(inputs: AuditInputs, flow: FlowRequest, options: ExplainOptions = {}): FlowExplanation {
  const from = parseFlowEndpoint(flow.from);
  const to = parseFlowEndpoint(flow.to);
  return explainFlow({
    inventory: inputs.inventory,
    ...(inputs.nodeOutputs === undefined ? {} : { nodeBundles: inputs.nodeOutputs.map(parseNodeBundle) }),
    configuration: assessConfiguration(inputs.inventory).effective,
    flow: { from, to, port: flow.port, protocol: flow.protocol ?? 'TCP' },
    sha1Hex,
    ...(options.agentVersion === undefined ? {} : { statedAgentVersion: options.agentVersion }),
  });
}

/** The PolicyEndpoint content the controller must produce, one element per NetworkPolicy (unchunked, stable order). */
export function resolve(inputs: Pick<AuditInputs, 'inventory'>): ResolvedPolicy[] {
  return resolveNetworkPolicies(inputs.inventory).filter((policy) => policy.kind === 'NetworkPolicy');
}

/**
 * What the network policy agent must have programmed on one node (filters, programs, map contents per pod
 * identifier), for the agent version and mode the configuration layer establishes. Throws InputError for a node the
 * inventory lacks or an expected state that cannot be computed (the message says why).
 */
export function resolveNode(inputs: Pick<AuditInputs, 'inventory'>, nodeName: string): ExpectedNodeState {
  const { inventory } = inputs;
  const node = inventory.nodes.find((candidate) => candidate.metadata.name === nodeName);
  if (node === undefined) throw new InputError(`node ${nodeName} is not in the cluster inventory`);
  const effective = assessConfiguration(inventory).effective;
  const expected = computeExpectedNodeState({
    nodeName,
    nodeIPs: nodeInternalIPs(node),
    ...(effective.ipFamily === undefined ? {} : { ipFamily: effective.ipFamily }),
    pods: inventory.pods,
    policyEndpoints: inventory.policyEndpoints,
    clusterPolicyEndpoints: inventory.clusterPolicyEndpoints,
    agentVersion: effective.agentVersion,
    enforcementMode: effective.enforcementMode,
    sha1Hex,
  });
  if (!expected.ok) throw new InputError(expected.error.message, `node ${nodeName}`);
  return expected.value;
}

export { ERROR_NAMES, type AuditErrorName, type ClusterAccessCause } from './errors';
export {
  AwsCallError,
  ClusterAccessError,
  InputError,
  NodeCollectionError,
  NodeOutputParseError,
  RunInputError,
  ServiceConfigError,
  StoreError,
  UnknownEndpointError,
} from './errors';
export type * from './ports';
export { buildInventory, InventoryAccumulator, type KubernetesDocument } from './inventory/build-inventory';
export type { ArrayStream, ObjectStream } from './inventory/streamed-document';
export { emptyInventory, type ClusterInventory, type UnavailableKind } from './model/cluster';
export type { RawNodeOutput } from './model/node-output';
export { mapDumpPlan, NA_CLI_PATH, type MapDump, type MapDumpPlan, type MapDumpSubcommand } from './node/map-dump-plan';
export { LOADED_EBPFDATA_FILE } from './node/readers/loaded-ebpfdata';
export { EXEC_COLLECTOR, NODE_JSON_FILE, type NodeCollectionInfo } from './node/readers/node-json';
export type { EnforcementMode, NotChecked } from './model/assessment';
export {
  atLeast,
  Finding,
  Layer,
  ResourceRef,
  Severity,
  SEVERITY_RANK,
  SuppressionMark,
  type CheckDefinition,
} from './model/finding';
export { Protocol } from './model/kubernetes';
export type {
  ApplicationNetworkPolicy,
  ClusterNetworkPolicy,
  ClusterPolicyEndpoint,
  ConfigMap,
  DaemonSet,
  EndpointInfo,
  Namespace,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  Node,
  Pod,
  PolicyEndpoint,
  Service,
} from './model/kubernetes';
export type { PassedCheck } from './model/outcome';
export {
  POD_STATE_VALUE,
  type ExpectedIdentifierState,
  type ExpectedNodeState,
  type ExpectedPod,
  type PodStateName,
} from './node/expected/expected-node-state';
export type { PortSlot } from './node/expected/slots';
export type { ResolvedPolicy } from './model/resolved-policy';
export type { BackendExplanation, FlowExplanation, LayerName, LayerVerdict, Disagreement, Verdict } from './explain';
export { AuditReport, LayerCoverage, PassedEntry, REPORT_SCHEMA_VERSION } from './report/report';
export { coverageLines } from './report/render-coverage';
export { compareReports, fingerprintOf, type ReportComparison } from './report/fingerprint';
export { groupFindings } from './report/group';
export { renderMarkdown, renderSummary } from './report/render-markdown';
export {
  INPUT_CLUSTER_UNREADABLE,
  NODE_NOT_COLLECTED,
  uncheckedClusterReport,
  withNotCollectedNodes,
  withSkippedNodes,
  type UncheckedCluster,
} from './report/unchecked';
export { UNVERIFIED_CHECK_IDS, unverifiedFindings } from './report/unverified';
export { renderCheckCatalog } from './report/render-check-catalog';
export { CHECK_CATALOG } from './checks-catalog';
export { renderNotCheckedCatalog, withNotCheckedSection } from './report/render-not-checked-catalog';
export { NOT_CHECKED_CATALOG, type NotCheckedKind } from './not-checked-catalog';
export type { NotCheckedDefinition } from './model/not-checked';
export {
  kubernetesDocumentPath,
  nodeOutputPath,
  SNAPSHOT_PATHS,
  SnapshotManifest,
  UnavailableKindEntry,
} from './snapshot-layout';
/** What a snapshot keeps of an object: the engine's projections and the few keys it reads (snapshot writers). */
export * as KubernetesSchemas from './model/kubernetes';
export { CONTROLLER_KEY } from './config/context';
export { POD_IPS_ANNOTATION } from './control-plane/resolver/pods';
export { checkResults, remediationOf, type CheckResult, type RemediationHints } from './report/check-results';
export { DEFAULT_HISTORY_RUNS, emptyHistory, HistoryRun, ReportHistory, updateHistory } from './report/history';
export { renderHtml, type HtmlOptions } from './report/render-html';
export { renderSarif, SARIF_SCHEMA_URI, type SarifLog } from './report/render-sarif';
export { renderJunit } from './report/render-junit';
export { policyReports, renderPolicyReport } from './report/render-policyreport';
export { openReports, renderOpenReports } from './report/render-openreports';
export { type KubernetesReportObject } from './report/kubernetes-reports';
export { ASFF_BATCH_SIZE, renderAsff, type AsffBatch, type AsffFinding, type AsffTarget } from './report/render-asff';
export { renderTable, type TableOptions } from './report/render-table';
export { applySuppressions, auditDay } from './report/suppress';
export { BASELINE_DAYS, baselineSuppressions, defaultBaselineExpiry } from './report/suppress-baseline';
export { INPUT_SUPPRESSION_EXPIRED, INPUT_SUPPRESSION_UNUSED } from './report/suppress-checks';
export { CalendarDay, parseSuppressionFile, type Suppression } from './report/suppress-file';
