import { createHash } from 'node:crypto';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { runAudit } from '#engine/audit';
import type { ClusterInventory } from '#engine/model/cluster';
import { AuditReport } from '#engine/report/report';

const sha1Hex = (text: string): string => createHash('sha1').update(text).digest('hex');
const NOW = new Date('2026-11-26T12:00:00Z');

async function drift(): Promise<{ inventory: ClusterInventory; source: SnapshotDirectory }> {
  const source = new SnapshotDirectory('examples/drift-cluster');
  return { inventory: await source.readInventory(), source };
}

function audit(inventory: ClusterInventory, nodeOutputs?: Parameters<typeof runAudit>[0]['nodeOutputs']): AuditReport {
  return runAudit({
    inventory,
    ...(nodeOutputs === undefined ? {} : { nodeOutputs }),
    options: { now: NOW },
    source: { kind: 'snapshot', location: 'examples/drift-cluster' },
    engineVersion: 'test',
    sha1Hex,
  });
}

describe('runAudit', () => {
  it('builds a schema-valid report with findings sorted most severe first and a consistent summary', async () => {
    const { inventory, source } = await drift();
    const report = AuditReport.parse(audit(inventory, await source.readNodeOutputs()));
    const ranks = report.findings.map((finding) =>
      ['info', 'low', 'medium', 'high', 'critical'].indexOf(finding.severity),
    );
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(report.summary.totalFindings).toBe(report.findings.length);
    expect(Object.values(report.summary.bySeverity).reduce((sum, count) => sum + count, 0)).toBe(
      report.findings.length,
    );
    expect(report.summary.byLayer.node).toBeGreaterThan(0);
    expect(report.summary.byLayer['control-plane']).toBeGreaterThan(0);
    expect(report.generatedAt).toBe(NOW.toISOString());
  });

  it('is deterministic: the same inputs give the same report', async () => {
    const { inventory, source } = await drift();
    const nodeOutputs = await source.readNodeOutputs();
    expect(audit(inventory, nodeOutputs)).toEqual(audit(inventory, nodeOutputs));
  });

  it('lists the node layer as not checked without node outputs', async () => {
    const { inventory } = await drift();
    const report = audit(inventory);
    expect(report.summary.byLayer.node).toBe(0);
    expect(report.notChecked).toContainEqual(expect.objectContaining({ scope: 'node layer' }));
  });

  it('does not compute expected PolicyEndpoints when pods could not be read, instead of reporting false drift', async () => {
    const { inventory, source } = await drift();
    const withoutPods: ClusterInventory = {
      ...inventory,
      pods: [],
      unavailableKinds: [{ kind: 'Pod', reason: 'permission denied (HTTP 403)', cause: 'forbidden' }],
    };
    const report = audit(withoutPods, await source.readNodeOutputs());
    expect(report.findings.filter((finding) => finding.layer === 'control-plane' || finding.layer === 'node')).toEqual(
      [],
    );
    expect(report.notChecked.map((entry) => entry.scope)).toEqual(
      expect.arrayContaining(['control-plane layer', 'node layer', 'Pod']),
    );
  });
});
