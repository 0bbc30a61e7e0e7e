import {
  kubernetesReports,
  toYamlDocuments,
  type KubernetesReportObject,
  type ReportFlavour,
} from './kubernetes-reports';
import type { AuditReport } from './report';

export const POLICY_REPORT_FLAVOUR: ReportFlavour = {
  apiVersion: 'wgpolicyk8s.io/v1alpha2',
  namespacedKind: 'PolicyReport',
  clusterKind: 'ClusterPolicyReport',
  extraFields: {},
};

/** wg-policy PolicyReports (`wgpolicyk8s.io/v1alpha2`): one per namespace plus a ClusterPolicyReport. */
export function policyReports(report: AuditReport): KubernetesReportObject[] {
  return kubernetesReports(report, POLICY_REPORT_FLAVOUR);
}

export function renderPolicyReport(report: AuditReport): string {
  return toYamlDocuments(policyReports(report));
}
