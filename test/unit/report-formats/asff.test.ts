import { ASFF_BATCH_SIZE, renderAsff, type AuditReport } from '#engine';
import { exampleReport, syntheticReport } from './support/example-report';

const TARGET = {
  accountId: '123456789012',
  region: 'eu-west-1',
  clusterArn: 'arn:aws:eks:eu-west-1:123456789012:cluster/drift-cluster',
};

describe('renderAsff', () => {
  let drift: AuditReport;
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
  });

  it('gives the exact BatchImportFindings shape for a failed check, Id from the fingerprint', () => {
    // Act
    const [first] = renderAsff(drift, TARGET);
    // Assess
    const finding = drift.findings.find((f) => f.checkId === 'CP-PE-MISSING');
    expect(first?.Findings.find((f) => f.GeneratorId === 'eks-netpol-audit/CP-PE-MISSING')).toEqual({
      SchemaVersion: '2018-10-08',
      Id: `eks-netpol-audit/${finding?.fingerprint ?? ''}`,
      ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
      GeneratorId: 'eks-netpol-audit/CP-PE-MISSING',
      AwsAccountId: '123456789012',
      Types: ['Software and Configuration Checks/Industry and Regulatory Standards/Network Policy'],
      CreatedAt: '2026-11-26T12:00:00.000Z',
      UpdatedAt: '2026-11-26T12:00:00.000Z',
      Severity: { Label: 'HIGH' },
      Title: 'CP-PE-MISSING: Policy has no PolicyEndpoint',
      Description: `NetworkPolicy payments/ledger-ingress: ${finding?.message ?? ''}`,
      Resources: [
        {
          Type: 'AwsEksCluster',
          Id: TARGET.clusterArn,
          Partition: 'aws',
          Region: 'eu-west-1',
          Details: { AwsEksCluster: { Name: 'drift-cluster', Arn: TARGET.clusterArn } },
        },
      ],
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      ProductFields: {
        layer: 'control-plane',
        checkId: 'CP-PE-MISSING',
        resourceKind: 'NetworkPolicy',
        resourceName: 'ledger-ingress',
        resourceNamespace: 'payments',
        fingerprint: finding?.fingerprint ?? '',
      },
    });
  });

  it('marks passed checks Compliance PASSED and keeps every field within the ASFF limits', () => {
    const findings = renderAsff(drift, TARGET).flatMap((batch) => batch.Findings);
    const passed = findings.filter((f) => f.Compliance.Status === 'PASSED');
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.every((f) => f.RecordState === 'ACTIVE' && f.Severity.Label === 'INFORMATIONAL')).toBe(true);
    expect(findings.filter((f) => f.Compliance.Status === 'FAILED')).toHaveLength(drift.findings.length);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
    for (const f of findings) {
      expect(f.Id.length).toBeLessThanOrEqual(512);
      expect(f.Title.length).toBeLessThanOrEqual(256);
      expect(f.Description.length).toBeLessThanOrEqual(1024);
      expect(Object.keys(f.ProductFields).length).toBeLessThanOrEqual(50);
      expect(Buffer.byteLength(JSON.stringify(f))).toBeLessThan(240 * 1024);
    }
  });

  it('archives resolved drift under the Id it had, so Security Hub updates the finding it holds', () => {
    const current: AuditReport = { ...drift, findings: drift.findings.filter((f) => f.checkId !== 'CP-PE-MISSING') };
    const findings = renderAsff(current, TARGET, drift).flatMap((batch) => batch.Findings);
    const archived = findings.filter((f) => f.RecordState === 'ARCHIVED');
    const resolved = drift.findings.find((f) => f.checkId === 'CP-PE-MISSING');
    expect(archived.map((f) => [f.Id, f.Compliance.Status])).toEqual([
      [`eks-netpol-audit/${resolved?.fingerprint ?? ''}`, 'PASSED'],
    ]);
  });

  it('splits into batches of at most 100, in order, losing none', () => {
    const report = syntheticReport(drift, 250);
    const batches = renderAsff(report, TARGET);
    const sizes = batches.map((batch) => batch.Findings.length);
    expect(sizes.every((size) => size <= ASFF_BATCH_SIZE)).toBe(true);
    expect(sizes.slice(0, 2)).toEqual([100, 100]);
    const ids = batches.flatMap((batch) => batch.Findings.map((f) => f.Id));
    expect(ids.slice(0, 250)).toEqual(report.findings.map((f) => `eks-netpol-audit/${f.fingerprint ?? ''}`));
    expect(ids.length).toBe(sizes.reduce((a, b) => a + b, 0));
  });

  it('uses a product ARN given instead of the default one, and the partition of the cluster ARN', () => {
    const [batch] = renderAsff(drift, {
      ...TARGET,
      clusterArn: 'arn:aws-cn:eks:cn-north-1:123456789012:cluster/c',
      region: 'cn-north-1',
      productArn: 'arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default',
    });
    expect(batch?.Findings[0]?.ProductArn).toBe(
      'arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default',
    );
    expect(batch?.Findings[0]?.Resources[0]).toMatchObject({
      Partition: 'aws-cn',
      Details: { AwsEksCluster: { Name: 'c' } },
    });
  });
});
