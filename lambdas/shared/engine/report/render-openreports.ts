import {
  kubernetesReports,
  SOURCE,
  toYamlDocuments,
  type KubernetesReportObject,
  type ReportFlavour,
} from './kubernetes-reports';
import type { AuditReport } from './report';

export const OPEN_REPORTS_FLAVOUR: ReportFlavour = {
  apiVersion: 'openreports.io/v1alpha1',
  namespacedKind: 'Report',
  clusterKind: 'ClusterReport',
  extraFields: { source: SOURCE },
};

/** OpenReports (`openreports.io/v1alpha1`): one Report per namespace plus a ClusterReport. */
export function openReports(report: AuditReport): KubernetesReportObject[] {
  return kubernetesReports(report, OPEN_REPORTS_FLAVOUR);
}

export function renderOpenReports(report: AuditReport): string {
  return toYamlDocuments(openReports(report));
}
