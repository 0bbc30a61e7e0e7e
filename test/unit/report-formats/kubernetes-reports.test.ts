import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import {
  applySuppressions,
  openReports,
  policyReports,
  renderOpenReports,
  renderPolicyReport,
  type AuditReport,
} from '#engine';
import { exampleReport, NOW, nth, REPO_ROOT } from './support/example-report';

// Upstream CRDs kept as fixtures; their sources are named in test/fixtures/report-formats/crds/SOURCES.md.
const CRDS = join(REPO_ROOT, 'test/fixtures/report-formats/crds');

interface Crd {
  spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] };
}

/** The CRD's structural schema as JSON Schema (the x-kubernetes-* extensions are ignored, as ajv is not strict). */
function crdValidator(file: string, version: string): (object: unknown) => string[] {
  const crd = parseYaml(readFileSync(join(CRDS, file), 'utf8')) as Crd;
  const schema = crd.spec.versions.find((entry) => entry.name === version)?.schema.openAPIV3Schema;
  if (schema === undefined) throw new Error(`${file} has no version ${version}`);
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The OpenAPI integer formats the apiserver enforces.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  const validate = ajv.compile(schema);
  return (object) =>
    validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe.each([
  {
    name: 'PolicyReport',
    objects: policyReports,
    yaml: renderPolicyReport,
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    namespaced: crdValidator('wgpolicyk8s.io_policyreports.yaml', 'v1alpha2'),
    cluster: crdValidator('wgpolicyk8s.io_clusterpolicyreports.yaml', 'v1alpha2'),
    kinds: ['PolicyReport', 'ClusterPolicyReport'],
  },
  {
    name: 'OpenReports',
    objects: openReports,
    yaml: renderOpenReports,
    apiVersion: 'openreports.io/v1alpha1',
    namespaced: crdValidator('openreports.io_reports.yaml', 'v1alpha1'),
    cluster: crdValidator('openreports.io_clusterreports.yaml', 'v1alpha1'),
    kinds: ['Report', 'ClusterReport'],
  },
])('$name of the drift example', ({ objects, yaml, apiVersion, namespaced, cluster, kinds }) => {
  let drift: AuditReport;
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
  });

  it('gives one report per namespace with results plus one cluster report, each valid against the upstream CRD', () => {
    // Act
    const rendered = objects(drift);
    // Assess
    const namespaces = [...new Set(drift.findings.flatMap((f) => f.resource.namespace ?? []))].sort();
    expect(rendered.map((object) => object.metadata.namespace ?? '')).toEqual([...namespaces, '']);
    expect(rendered.map((object) => object.kind)).toEqual([...namespaces.map(() => kinds[0]), kinds[1]]);
    for (const object of rendered) {
      expect(object.apiVersion).toBe(apiVersion);
      expect((object.metadata.namespace === undefined ? cluster : namespaced)(object)).toEqual([]);
      expect(object.summary.pass + object.summary.fail).toBe(object.results.length);
    }
  });

  it('gives a suppressed finding a skip result with the reason, still valid against the CRD', () => {
    const suppression = {
      check: 'CP-PE-MISSING',
      reason: 'ledger moves to Cilium',
      expires: '2026-12-31',
      source: '.netpol-audit.yaml line 3',
      origin: 'file',
    } as const;
    const rendered = objects(applySuppressions(drift, [suppression], NOW));

    const payments = rendered.find((object) => object.metadata.namespace === 'payments');
    expect(payments === undefined ? ['no payments report'] : namespaced(payments)).toEqual([]);
    expect(payments?.results.find((r) => r.policy === 'CP-PE-MISSING')).toMatchObject({
      result: 'skip',
      properties: { suppressed: 'ledger moves to Cilium (through 2026-12-31)' },
    });
    expect(payments?.summary.skip).toBe(1);
  });

  it('carries every finding as a fail result and the passed checks as pass results', () => {
    const results = objects(drift).flatMap((object) => object.results);
    expect(results.filter((r) => r.result === 'fail')).toHaveLength(drift.findings.length);
    expect(results.filter((r) => r.result === 'pass').length).toBeGreaterThan(0);
    const missing = results.find((r) => r.policy === 'CP-PE-MISSING' && r.resources[0]?.name === 'ledger-ingress');
    expect(missing).toMatchObject({
      result: 'fail',
      severity: 'high',
      category: 'control-plane',
      resources: [{ kind: 'NetworkPolicy', namespace: 'payments', name: 'ledger-ingress' }],
      properties: { layer: 'control-plane', cluster: 'drift-cluster' },
    });
    const clusterReport = objects(drift).at(-1);
    expect(clusterReport?.summary.skip).toBe(drift.notChecked.length);
  });

  it('the CRD validation rejects a wrong result value (the validation can fail)', () => {
    const broken = JSON.parse(JSON.stringify(objects(drift)[0])) as { results: { result: string }[] };
    nth(broken.results, 0, 'result').result = 'failed';
    expect(namespaced(broken).join('\n')).toMatch(/enum|allowed/);
  });

  it('writes multi-document YAML that parses back to the same objects', () => {
    const documents = parseAllDocuments(yaml(drift)).map((document) => document.toJS() as unknown);
    expect(documents).toEqual(JSON.parse(JSON.stringify(objects(drift))));
  });
});
