import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { audit, uncheckedClusterReport, type AuditReport } from '#engine';

const NOW = new Date('2026-12-04T12:00:00Z');

/** The engine's report of the clean example cluster (examples/seed-cluster, node layer included). */
export async function cleanSeedReport(clusterName = 'prod-a'): Promise<AuditReport> {
  const source = new SnapshotDirectory('examples/seed-cluster');
  const report = audit(
    {
      inventory: await source.readInventory(),
      nodeOutputs: await source.readNodeOutputs(),
      source: { kind: 'snapshot', location: 'examples/seed-cluster' },
    },
    { now: NOW, engineVersion: '0.1.0' },
  );
  return { ...report, cluster: { ...report.cluster, name: clusterName } };
}

/** What publish writes for a cluster the run could not check: one high INPUT-CLUSTER-UNREADABLE finding. */
export function uncheckedReport(clusterName: string): AuditReport {
  return uncheckedClusterReport({
    clusterName,
    cause: 'unreachable',
    detail: 'ClusterAccessError: connect ETIMEDOUT',
    location: 'run r-1',
    now: NOW,
    engineVersion: '0.1.0',
  });
}
