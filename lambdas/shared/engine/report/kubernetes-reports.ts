import { stringify } from 'yaml';
import { checkResults, type CheckResult } from './check-results';
import type { AuditReport } from './report';

/** The wg-policy PolicyReport and the OpenReports Report share one result shape; they differ by group and kind. */
export interface ReportFlavour {
  readonly apiVersion: string;
  readonly namespacedKind: string;
  readonly clusterKind: string;
  /** Top-level fields the flavour adds (OpenReports has `source`). */
  readonly extraFields: Readonly<Record<string, string>>;
}

export const SOURCE = 'eks-netpol-audit';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': SOURCE };

export interface ReportResult {
  readonly source: string;
  readonly policy: string;
  readonly rule: string;
  readonly category: string;
  readonly severity: string;
  /** `skip` for a suppressed finding (its reason in `properties.suppressed`). */
  readonly result: 'pass' | 'fail' | 'skip';
  readonly scored: boolean;
  readonly message: string;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly resources: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
  readonly properties: Readonly<Record<string, string>>;
}

export interface KubernetesReportObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly summary: {
    readonly pass: number;
    readonly fail: number;
    readonly warn: 0;
    readonly error: 0;
    readonly skip: number;
  };
  readonly results: readonly ReportResult[];
  readonly [extra: string]: unknown;
}

/** A DNS-1123 subdomain name from free text: lowercase, [a-z0-9.-], alphanumeric at both ends, at most 253. */
export function dnsName(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return (cleaned === '' ? 'cluster' : cleaned).slice(0, 253).replace(/[^a-z0-9]+$/, '');
}

function timestampOf(iso: string): { seconds: number; nanos: number } {
  const millis = Date.parse(iso);
  const safe = Number.isNaN(millis) ? 0 : millis;
  return { seconds: Math.floor(safe / 1000), nanos: (safe % 1000) * 1_000_000 };
}

function resultOf(report: AuditReport, result: CheckResult): ReportResult {
  const { kind, namespace, name, node } = result.resource;
  const suppressed = result.finding?.suppressed;
  return {
    source: SOURCE,
    policy: result.checkId,
    rule: result.title,
    category: result.layer,
    severity: result.severity,
    result: suppressed === undefined ? result.status : 'skip',
    scored: true,
    message: result.message,
    timestamp: timestampOf(report.generatedAt),
    resources: [{ kind, name, ...(namespace === undefined ? {} : { namespace }) }],
    properties: {
      layer: result.layer,
      fingerprint: result.fingerprint,
      cluster: report.cluster.name,
      ...(node === undefined ? {} : { node }),
      ...(suppressed === undefined ? {} : { suppressed: `${suppressed.reason} (through ${suppressed.expires})` }),
    },
  };
}

function reportObject(
  flavour: ReportFlavour,
  kind: string,
  metadata: KubernetesReportObject['metadata'],
  results: readonly ReportResult[],
  skip: number,
): KubernetesReportObject {
  const count = (outcome: ReportResult['result']): number =>
    results.filter((result) => result.result === outcome).length;
  return {
    apiVersion: flavour.apiVersion,
    kind,
    metadata,
    ...flavour.extraFields,
    summary: { pass: count('pass'), fail: count('fail'), warn: 0, error: 0, skip: skip + count('skip') },
    results,
  };
}

/**
 * One namespaced report per namespace that has results, plus one cluster report for the cluster-scoped results
 * (configuration, nodes, add-ons) whose `skip` counts what was not checked.
 */
export function kubernetesReports(report: AuditReport, flavour: ReportFlavour): KubernetesReportObject[] {
  const name = dnsName(`${SOURCE}-${report.cluster.name}`);
  const byNamespace = new Map<string, ReportResult[]>();
  const clusterScoped: ReportResult[] = [];
  for (const result of checkResults(report)) {
    const namespace = result.resource.namespace;
    const rendered = resultOf(report, result);
    if (namespace === undefined) clusterScoped.push(rendered);
    else byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), rendered]);
  }
  const namespaced = [...byNamespace]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, results]) =>
      reportObject(flavour, flavour.namespacedKind, { name, namespace, labels: MANAGED_BY }, results, 0),
    );
  const cluster = reportObject(
    flavour,
    flavour.clusterKind,
    { name, labels: MANAGED_BY },
    clusterScoped,
    report.notChecked.length,
  );
  return [...namespaced, cluster];
}

/** Multi-document YAML that `kubectl apply -f` takes as it is. */
export function toYamlDocuments(objects: readonly KubernetesReportObject[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}
