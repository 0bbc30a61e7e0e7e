import type { ClusterAccessCause } from '../errors';
import { defineCheck, type CheckDefinition } from '../model/check';
import type { Finding } from '../model/finding';
import { findingOf } from '../model/finding';
import {
  NC_INPUT_CLUSTER_UNREADABLE,
  NC_NODE_COLLECTION_FAILED,
  NC_NODE_NOT_COLLECTABLE,
  notCheckedOf,
} from '../not-checked-catalog';
import type { NotCollectedNode } from '../ports';
import { withFingerprints } from './fingerprint';
import { compareFindings, REPORT_SCHEMA_VERSION, summarise, type AuditReport } from './report';

const UNCHECKED = 'lambdas/shared/engine/report/unchecked.ts';

export const NODE_NOT_COLLECTED = defineCheck({
  id: 'NODE-NOT-COLLECTED',
  unverified: true,
  layer: 'node',
  severity: 'medium',
  title: 'Node outputs could not be collected',
  compares:
    'The nodes picked for collection against the node outputs that arrived (unreachable SSM agent, failed or timed-out command); such a node is not checked, never reported clean.',
  resource: 'on-node',
  remediation:
    'Make node {node} reachable for SSM Run Command (SSM agent running, instance role with AmazonSSMManagedInstanceCore) and collect it again; until then it is not checked.',
  verify:
    "kubectl get node {node} -o jsonpath='{.spec.providerID}' && aws ssm describe-instance-information --query 'InstanceInformationList[].[InstanceId,PingStatus]'",
  upstream: [],
  emittedBy: UNCHECKED,
});

export const INPUT_CLUSTER_UNREADABLE = defineCheck({
  id: 'INPUT-CLUSTER-UNREADABLE',
  unverified: true,
  layer: 'input',
  severity: 'high',
  title: 'Cluster could not be checked',
  compares:
    'Each configured cluster against the clusters whose EKS and Kubernetes APIs could be read in the run; no layer of such a cluster is checked.',
  resource: 'cluster-wide',
  remediation:
    'Give the audit role access to cluster {name}: eks:DescribeCluster and eks:ListAddons/DescribeAddon, an EKS access entry with read access to the Kubernetes API, and a reachable endpoint; then run the audit again.',
  verify:
    'aws eks describe-cluster --name {name} --query cluster.status && aws eks list-access-entries --cluster-name {name}',
  upstream: [],
  emittedBy: UNCHECKED,
});

export const UNCHECKED_CHECKS: readonly CheckDefinition[] = [NODE_NOT_COLLECTED, INPUT_CLUSTER_UNREADABLE];

/** Adds one `NODE-NOT-COLLECTED` finding and one not-checked entry per node whose outputs did not arrive. */
export function withNotCollectedNodes(report: AuditReport, nodes: readonly NotCollectedNode[]): AuditReport {
  if (nodes.length === 0) return report;
  const added = nodes.map((node) =>
    findingOf(NODE_NOT_COLLECTED, { kind: 'Node', name: node.nodeName, node: node.nodeName }, node.reason),
  );
  const findings = [...report.findings, ...withFingerprints(report.cluster.name, added)].sort(compareFindings);
  return {
    ...report,
    findings,
    summary: summarise(findings),
    notChecked: [
      ...report.notChecked,
      ...nodes.map((node) => notCheckedOf(NC_NODE_COLLECTION_FAILED, `node ${node.nodeName}`, node.reason)),
    ],
  };
}

/** Nodes the collector cannot run on (Fargate, hybrid, Auto Mode, Windows, no EC2 id), listed as not checked. */
export function withSkippedNodes(report: AuditReport, skippedNodes: readonly NotCollectedNode[]): AuditReport {
  if (skippedNodes.length === 0) return report;
  const skipped = skippedNodes.map((node) =>
    notCheckedOf(NC_NODE_NOT_COLLECTABLE, `node ${node.nodeName}`, node.reason),
  );
  return { ...report, notChecked: [...report.notChecked, ...skipped] };
}

export interface UncheckedCluster {
  readonly clusterName: string;
  readonly cause: ClusterAccessCause | 'error';
  readonly detail: string;
  readonly location: string;
  readonly now: Date;
  readonly engineVersion: string;
}

/** The report of a cluster whose APIs could not be read: one finding that says so, every layer not checked. */
export function uncheckedClusterReport(cluster: UncheckedCluster): AuditReport {
  const finding: Finding = findingOf(
    INPUT_CLUSTER_UNREADABLE,
    { kind: 'Cluster', name: cluster.clusterName },
    `cluster ${cluster.clusterName} could not be checked (${cluster.cause}): ${cluster.detail}`,
  );
  const findings = withFingerprints(cluster.clusterName, [finding]);
  const reason = `the cluster could not be read (${cluster.cause})`;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    cluster: { name: cluster.clusterName, source: 'live', location: cluster.location },
    generatedAt: cluster.now.toISOString(),
    engine: { name: 'eks-netpol-audit', version: cluster.engineVersion },
    inputs: {
      namespaces: 0,
      pods: 0,
      services: 0,
      nodes: 0,
      networkPolicies: 0,
      policyEndpoints: 0,
      applicationNetworkPolicies: 0,
      clusterNetworkPolicies: 0,
      clusterPolicyEndpoints: 0,
      nodeOutputs: 0,
      ignoredKinds: {},
    },
    configuration: {
      networkPolicyEnabled: null,
      enforcementMode: null,
      desiredMode: null,
      cniVersion: null,
      agentVersion: null,
      autoMode: null,
      cniManagement: 'unknown',
      ipFamily: null,
    },
    summary: summarise(findings),
    findings,
    notChecked: ['configuration layer', 'control-plane layer', 'node layer'].map((scope) =>
      notCheckedOf(NC_INPUT_CLUSTER_UNREADABLE, scope, reason),
    ),
    policies: [],
    passed: [],
    coverage: [],
  };
}
