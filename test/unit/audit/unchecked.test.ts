import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import {
  audit,
  AuditReport,
  INPUT_CLUSTER_UNREADABLE,
  compareReports,
  NODE_NOT_COLLECTED,
  uncheckedClusterReport,
  withNotCollectedNodes,
  withSkippedNodes,
} from '#engine';

const NOW = new Date('2026-12-01T02:00:00Z');

async function seedReport(): Promise<AuditReport> {
  const source = new SnapshotDirectory('examples/seed-cluster');
  return audit(
    {
      inventory: await source.readInventory(),
      nodeOutputs: await source.readNodeOutputs(),
      source: { kind: 'snapshot', location: 'seed' },
    },
    { now: NOW, engineVersion: 'test' },
  );
}

describe('withNotCollectedNodes', () => {
  it('adds one fingerprinted NODE-NOT-COLLECTED finding and one not-checked entry per node, summary recounted', async () => {
    const clean = await seedReport();
    const report = AuditReport.parse(
      withNotCollectedNodes(clean, [
        { nodeName: 'ip-10-0-9-9.ec2.internal', reason: 'SSM agent of i-0abc is not online' },
        { nodeName: 'ip-10-0-9-8.ec2.internal', reason: 'command TimedOut' },
      ]),
    );
    const added = report.findings.filter((finding) => finding.checkId === NODE_NOT_COLLECTED.id);
    expect(added.map((finding) => [finding.resource.name, finding.message, finding.severity, finding.layer])).toEqual([
      ['ip-10-0-9-8.ec2.internal', 'command TimedOut', 'medium', 'node'],
      ['ip-10-0-9-9.ec2.internal', 'SSM agent of i-0abc is not online', 'medium', 'node'],
    ]);
    expect(added.every((finding) => /^[0-9a-f]{32}$/.test(finding.fingerprint ?? ''))).toBe(true);
    expect(report.summary.totalFindings).toBe(clean.summary.totalFindings + 2);
    expect(report.summary.byLayer.node).toBe(clean.summary.byLayer.node + 2);
    expect(report.notChecked).toContainEqual({
      scope: 'node ip-10-0-9-8.ec2.internal',
      reason: 'command TimedOut',
      kind: 'NC-NODE-COLLECTION-FAILED',
    });
  });

  it('returns the report unchanged when every node was collected', async () => {
    const clean = await seedReport();
    expect(withNotCollectedNodes(clean, [])).toBe(clean);
  });

  it('keeps the same fingerprint for the same node on the next run, so the drift persists rather than recurs', async () => {
    const node = [{ nodeName: 'n1', reason: 'a' }];
    const first = withNotCollectedNodes(await seedReport(), node);
    const second = withNotCollectedNodes(await seedReport(), [{ nodeName: 'n1', reason: 'another reason' }]);
    expect(compareReports(first, second).newFindings).toEqual([]);
  });
});

describe('withSkippedNodes', () => {
  it('lists each node the collector cannot run on as not checked (NC-NODE-NOT-COLLECTABLE), with no finding', async () => {
    const clean = await seedReport();
    const report = AuditReport.parse(
      withSkippedNodes(clean, [{ nodeName: 'fargate-ip-10-0-9-7.ec2.internal', reason: 'Fargate node, not checked' }]),
    );
    expect(report.findings).toEqual(clean.findings);
    expect(report.notChecked).toEqual([
      ...clean.notChecked,
      {
        scope: 'node fargate-ip-10-0-9-7.ec2.internal',
        reason: 'Fargate node, not checked',
        kind: 'NC-NODE-NOT-COLLECTABLE',
      },
    ]);
  });
});

describe('the seed example without node outputs', () => {
  it('lists the node layer as not checked with NC-NODE-NO-OUTPUTS, and no node finding', async () => {
    const source = new SnapshotDirectory('examples/seed-cluster');
    const report = audit(
      { inventory: await source.readInventory(), source: { kind: 'snapshot', location: 'seed' } },
      { now: NOW, engineVersion: 'test' },
    );
    expect(report.notChecked).toContainEqual({
      scope: 'node layer',
      reason: 'the source has no node outputs (nodes/ in a snapshot)',
      kind: 'NC-NODE-NO-OUTPUTS',
    });
    expect(report.findings.filter((finding) => finding.layer === 'node')).toEqual([]);
  });
});

describe('uncheckedClusterReport', () => {
  it('is a schema-valid report with one high input finding and every layer not checked', () => {
    const report = AuditReport.parse(
      uncheckedClusterReport({
        clusterName: 'prod-b',
        cause: 'unreachable',
        detail: 'connect ECONNREFUSED',
        location: 'run r1',
        now: NOW,
        engineVersion: 'test',
      }),
    );
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      checkId: INPUT_CLUSTER_UNREADABLE.id,
      severity: 'high',
      layer: 'input',
      resource: { kind: 'Cluster', name: 'prod-b' },
      message: 'cluster prod-b could not be checked (unreachable): connect ECONNREFUSED',
    });
    expect(report.notChecked.map((entry) => [entry.scope, entry.kind])).toEqual([
      ['configuration layer', 'NC-INPUT-CLUSTER-UNREADABLE'],
      ['control-plane layer', 'NC-INPUT-CLUSTER-UNREADABLE'],
      ['node layer', 'NC-INPUT-CLUSTER-UNREADABLE'],
    ]);
    expect(report.summary).toMatchObject({ totalFindings: 1, highestSeverity: 'high' });
    expect(report.generatedAt).toBe(NOW.toISOString());
  });
});
