import { compareReports, renderMarkdown } from '#engine';
import type { Finding, ResourceRef } from '../../../lambdas/shared/engine/model/finding';
import { fingerprintOf, withFingerprints } from '../../../lambdas/shared/engine/report/fingerprint';
import { AFFECTED_LISTED, causeKeyOf, groupFindings } from '../../../lambdas/shared/engine/report/group';
import { REPORT_SCHEMA_VERSION, summarise, type AuditReport } from '../../../lambdas/shared/engine/report/report';
import { driftAlert } from '../../../lambdas/shared/service/alert';

const CLUSTER = 'prod';

function pod(index: number): ResourceRef {
  return {
    kind: 'Pod',
    namespace: 'shop',
    name: `web-${String(index).padStart(4, '0')}`,
    node: 'ip-10-0-1-5.ec2.internal',
  };
}

function mapDrift(resource: ResourceRef, missing = '10.0.0.9/32'): Finding {
  return {
    checkId: 'NODE-MAP-DRIFT',
    severity: 'high',
    layer: 'node',
    resource,
    message: `map of pod ${resource.namespace ?? ''}/${resource.name} on ${resource.node ?? ''} lacks ${missing}`,
    expected: { cidr: missing },
    actual: null,
    identity: `ingress ${missing}`,
  };
}

function podsRange(from: number, to: number): ResourceRef[] {
  return Array.from({ length: to - from }, (_, offset) => pod(from + offset));
}

function reportWith(findings: readonly Finding[]): AuditReport {
  const fingerprinted = withFingerprints(CLUSTER, groupFindings(findings));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    cluster: { name: CLUSTER, source: 'snapshot', location: 'test' },
    generatedAt: '2026-12-04T00:00:00.000Z',
    engine: { name: 'eks-netpol-audit', version: 'test' },
    inputs: {
      namespaces: 1,
      pods: 0,
      services: 0,
      nodes: 1,
      networkPolicies: 0,
      policyEndpoints: 0,
      applicationNetworkPolicies: 0,
      clusterNetworkPolicies: 0,
      clusterPolicyEndpoints: 0,
      nodeOutputs: 0,
      ignoredKinds: {},
    },
    configuration: {
      networkPolicyEnabled: true,
      enforcementMode: 'standard',
      desiredMode: null,
      cniVersion: null,
      agentVersion: null,
      autoMode: null,
      ipFamily: 'ipv4',
    },
    summary: summarise(fingerprinted),
    findings: fingerprinted,
    notChecked: [],
    policies: [],
    passed: [],
    coverage: [],
  };
}

describe('groupFindings', () => {
  it('makes one cause over 1,000 pods one finding that counts 1,000 and lists the first 20 in order', () => {
    const findings = podsRange(0, 1000)
      .reverse()
      .map((resource) => mapDrift(resource));
    const [grouped, ...rest] = groupFindings(findings);
    expect(rest).toHaveLength(0);
    expect(grouped?.affected?.count).toBe(1000);
    expect(grouped?.affected?.resources).toEqual(podsRange(0, AFFECTED_LISTED));
    expect(grouped?.resource).toEqual(pod(0));
    expect(grouped?.message).toContain('the same on 1000 Pods (first: shop/web-0000, shop/web-0001, shop/web-0002, …)');
  });

  it('keeps the fingerprint of a group when the set of pods with the same cause changes', () => {
    const before = withFingerprints(CLUSTER, groupFindings(podsRange(0, 1000).map((resource) => mapDrift(resource))));
    const after = withFingerprints(CLUSTER, groupFindings(podsRange(500, 1700).map((resource) => mapDrift(resource))));
    expect(before).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(after[0]?.fingerprint).toBe(before[0]?.fingerprint);
  });

  it('makes two different causes over the same pods two findings with different fingerprints', () => {
    const pods = podsRange(0, 50);
    const findings = [
      ...pods.map((resource) => mapDrift(resource, '10.0.0.9/32')),
      ...pods.map((resource) => mapDrift(resource, '10.0.0.10/32')),
    ];
    const grouped = withFingerprints(CLUSTER, groupFindings(findings));
    expect(grouped.map((finding) => finding.affected?.count)).toEqual([50, 50]);
    expect(new Set(grouped.map((finding) => finding.fingerprint)).size).toBe(2);
  });

  it('leaves a cause on one resource exactly as it was, fingerprint included', () => {
    const single = mapDrift(pod(7));
    const other = { ...mapDrift(pod(8), '10.0.0.10/32') };
    const grouped = groupFindings([single, other]);
    expect(grouped).toEqual([single, other]);
    expect(fingerprintOf(CLUSTER, grouped[0] as Finding)).toBe(fingerprintOf(CLUSTER, single));
  });

  it('leaves the same finding twice on one resource ungrouped', () => {
    const twice = [mapDrift(pod(1)), mapDrift(pod(1))];
    expect(groupFindings(twice)).toEqual(twice);
  });

  it('does not group findings of one cause under different checks or severities', () => {
    const findings = [
      mapDrift(pod(1)),
      { ...mapDrift(pod(2)), checkId: 'NODE-OTHER' },
      { ...mapDrift(pod(3)), severity: 'low' as const },
    ];
    expect(groupFindings(findings)).toHaveLength(3);
  });
});

describe('a grouped finding downstream', () => {
  it('is one new finding for compareReports, and persisting when its pods change', () => {
    const first = reportWith(podsRange(0, 1000).map((resource) => mapDrift(resource)));
    const second = reportWith(podsRange(10, 990).map((resource) => mapDrift(resource)));
    expect(compareReports(undefined, first).newFindings).toHaveLength(1);
    const comparison = compareReports(first, second);
    expect(comparison.newFindings).toHaveLength(0);
    expect(comparison.resolvedFindings).toHaveLength(0);
    expect(comparison.persistingFindings).toHaveLength(1);
    expect(first.summary.totalFindings).toBe(1);
  });

  it('is one new finding in the drift alert', () => {
    const report = reportWith(podsRange(0, 1000).map((resource) => mapDrift(resource)));
    const alert = driftAlert({
      report,
      comparison: compareReports(undefined, report),
      threshold: 'medium',
      reportLocation: 's3://bucket/reports/prod/run/',
    });
    expect(alert?.newFindings).toBe(1);
  });

  it('lists the affected resources and how many more in markdown', () => {
    const markdown = renderMarkdown(reportWith(podsRange(0, 1000).map((resource) => mapDrift(resource))));
    expect(markdown).toContain('  - affected (1000): Pod shop/web-0000 on ip-10-0-1-5.ec2.internal, ');
    expect(markdown).toContain('Pod shop/web-0019 on ip-10-0-1-5.ec2.internal and 980 more');
    expect(markdown).not.toContain('shop/web-0020');
  });
});

describe('causeKeyOf: the resource names taken out of a finding', () => {
  const on = (resource: ResourceRef, message: string): string =>
    causeKeyOf({ ...mapDrift(resource), message, expected: null, identity: '' });
  const web = { kind: 'Pod', namespace: 'shop', name: 'web', node: 'web.ec2' };

  it('takes out whole words only: not inside a longer name, nor after "x." or before ".x"', () => {
    const key = on(web, 'web shop/web web-2 my-web a.web web.x web. (web)');
    const message = (JSON.parse(key.replaceAll('\u0000', '<>')) as unknown[])[4];
    expect(message).toBe('<> <>/<> web-2 my-web a.web web.x <>. (<>)');
  });

  it('prefers the longest name at one position, and two findings differing only in their names share a key', () => {
    const first = on(web, 'node web.ec2 runs web');
    expect((JSON.parse(first.replaceAll('\u0000', '<>')) as unknown[])[4]).toBe('node <> runs <>');
    const other = { kind: 'Pod', namespace: 'shop', name: 'api', node: 'api.ec2' };
    expect(on(other, 'node api.ec2 runs api')).toBe(first);
  });
});
