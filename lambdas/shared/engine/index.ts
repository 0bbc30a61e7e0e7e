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
    options: { now: options.now, ...(options.desiredMode === undefined ? {} : { desiredMode: options.desiredMode }) },
    source: inputs.source,
    engineVersion: options.engineVersion,
    sha1Hex,
  });
}

/** The verdict for one flow at each layer. Throws UnknownEndpointError for an endpoint the inventory lacks. */
export function explain(inputs: AuditInputs, flow: FlowRequest): FlowExplanation {
  const from = parseFlowEndpoint(flow.from);
  const to = parseFlowEndpoint(flow.to);
  return explainFlow({
    inventory: inputs.inventory,
    ...(inputs.nodeOutputs === undefined ? {} : { nodeBundles: inputs.nodeOutputs.map(parseNodeBundle) }),
    configuration: assessConfiguration(inputs.inventory).effective,
    flow: { from, to, port: flow.port, protocol: flow.protocol ?? 'TCP' },
    sha1Hex,
  });
}

/** The PolicyEndpoint content the controller must produce, one element per NetworkPolicy (unchunked, stable order). */
export function resolve(inputs: Pick<AuditInputs, 'inventory'>): ResolvedPolicy[] {
  return resolveNetworkPolicies(inputs.inventory).filter((policy) => policy.kind === 'NetworkPolicy');
}

export { ERROR_NAMES, type AuditErrorName, type ClusterAccessCause } from './errors';
export {
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
export { emptyInventory, type ClusterInventory, type UnavailableKind } from './model/cluster';
export type { RawNodeOutput } from './model/node-output';
export type { EnforcementMode, NotChecked } from './model/assessment';
export { atLeast, Finding, Layer, ResourceRef, Severity, SEVERITY_RANK, type CheckDefinition } from './model/finding';
export { Protocol } from './model/kubernetes';
export type { ResolvedPolicy } from './model/resolved-policy';
export type { FlowExplanation, LayerName, LayerVerdict, Disagreement, Verdict } from './explain';
export { AuditReport, REPORT_SCHEMA_VERSION } from './report/report';
export { compareReports, fingerprintOf, type ReportComparison } from './report/fingerprint';
export { renderMarkdown, renderSummary } from './report/render-markdown';
export {
  CLUSTER_NOT_CHECKED,
  NODE_NOT_COLLECTED,
  uncheckedClusterReport,
  withNotCollectedNodes,
  type UncheckedCluster,
} from './report/unchecked';
export { renderCheckCatalog } from './report/render-check-catalog';
export { CHECK_CATALOG } from './checks-catalog';
export {
  kubernetesDocumentPath,
  nodeOutputPath,
  SNAPSHOT_PATHS,
  SnapshotManifest,
  UnavailableKindEntry,
} from './snapshot-layout';
