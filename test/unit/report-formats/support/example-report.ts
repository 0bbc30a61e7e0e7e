import { join } from 'node:path';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { audit, type AuditReport, type Finding } from '#engine';

export const REPO_ROOT = join(__dirname, '../../../..');
export const NOW = new Date('2026-11-26T12:00:00Z');

const cache = new Map<string, Promise<AuditReport>>();

/** The front door's report of an example snapshot, as the CLI would write it (fixed clock). */
export function exampleReport(name: 'seed-cluster' | 'drift-cluster'): Promise<AuditReport> {
  let report = cache.get(name);
  if (report === undefined) {
    report = (async () => {
      const snapshot = new SnapshotDirectory(join(REPO_ROOT, 'examples', name));
      const inventory = await snapshot.readInventory();
      const nodeOutputs = await snapshot.readNodeOutputs();
      return audit(
        { inventory, nodeOutputs, source: { kind: 'snapshot', location: `examples/${name}` } },
        { now: NOW, engineVersion: 'test' },
      );
    })();
    cache.set(name, report);
  }
  return report;
}

/** A report of `count` synthetic high findings on distinct policies (for batching and scale). */
export function syntheticReport(base: AuditReport, count: number): AuditReport {
  const findings: Finding[] = Array.from({ length: count }, (_, index) => ({
    checkId: 'CP-PE-MISSING',
    severity: 'high',
    layer: 'control-plane',
    resource: { kind: 'NetworkPolicy', namespace: `ns-${index % 7}`, name: `policy-${index}` },
    message: `NetworkPolicy ns-${index % 7}/policy-${index} has no PolicyEndpoint`,
    fingerprint: `fp-${index.toString().padStart(5, '0')}`,
  }));
  return { ...base, findings, notChecked: [] };
}

/** Element `index`, or a test failure naming what is missing. */
export function nth<T>(items: readonly T[], index: number, what: string): T {
  const item = items[index];
  if (item === undefined) throw new Error(`expected ${what} at index ${index}, found ${items.length} item(s)`);
  return item;
}
