import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import {
  audit,
  coverageLines,
  renderHtml,
  renderMarkdown,
  renderTable,
  type AuditReport,
  type ClusterInventory,
} from '#engine';

const NOW = new Date('2026-12-04T12:00:00Z');

/** The seed example as a live read that could not get the aws-node DaemonSet (forbidden). */
async function seedWithoutDaemonSet(): Promise<AuditReport> {
  const source = new SnapshotDirectory('examples/seed-cluster');
  const inventory: { -readonly [K in keyof ClusterInventory]: ClusterInventory[K] } = {
    ...(await source.readInventory()),
    unavailableKinds: [{ kind: 'DaemonSet', reason: 'forbidden (HTTP 403)', cause: 'forbidden' }],
  };
  delete inventory.awsNodeDaemonSet;
  return audit(
    { inventory, nodeOutputs: await source.readNodeOutputs(), source: { kind: 'live', location: 'test' } },
    { now: NOW, engineVersion: 'test' },
  );
}

describe('the summary of what each layer checked and could not check', () => {
  it('says per layer what was checked and found clean, and how much it could not check', async () => {
    // Act
    const report = await seedWithoutDaemonSet();
    // Assess
    const configNotChecked = report.notChecked.filter((entry) => entry.scope.startsWith('CFG-')).length;
    expect(configNotChecked).toBeGreaterThan(0);
    expect(report.coverage.find((entry) => entry.layer === 'config')?.notChecked).toBe(configNotChecked);
    expect(coverageLines(report)).toEqual([
      expect.stringMatching(
        new RegExp(`^configuration: \\d+ checks passed, clean \\(1 note\\); ${configNotChecked} not checked`),
      ),
      'control plane: 1 policy checked, clean',
      'node layer: 1 node, 1 pod checked, clean; 1 not checked (see Not checked)',
    ]);
  });

  it('lists each check not run with its reason: the unread kind and the pods the node layer could not judge', async () => {
    // Act
    const report = await seedWithoutDaemonSet();
    // Assess
    expect(report.notChecked).toContainEqual({
      scope: 'DaemonSet',
      reason: 'forbidden (HTTP 403)',
      kind: 'NC-INPUT-KIND-FORBIDDEN',
    });
    expect(report.notChecked).toContainEqual({
      scope: 'node ip-172-31-103-129.ap-northeast-1.compute.internal pods no policy selects',
      reason: expect.stringContaining('the enforcement mode is unknown') as unknown,
      kind: 'NC-NODE-UNSELECTED-PODS-MODE-UNKNOWN',
    });
  });

  it('the table, the Markdown and the HTML show the per-layer lines and list each check not run with its reason and kind', async () => {
    // Act
    const report = await seedWithoutDaemonSet();
    const table = renderTable(report);
    const markdown = renderMarkdown(report);
    // Assess
    for (const line of coverageLines(report)) {
      expect(table).toContain(line);
      expect(markdown).toContain(`- ${line}`);
    }
    expect(table).toContain(
      '  CFG-CNI-DAEMONSET-MISSING: The aws-node DaemonSet could not be read. [NC-CFG-DAEMONSET-UNAVAILABLE]',
    );
    expect(markdown).toContain(
      '| CFG-CNI-DAEMONSET-MISSING | The aws-node DaemonSet could not be read. | `NC-CFG-DAEMONSET-UNAVAILABLE` |',
    );
    expect(renderHtml(report)).toContain(
      '<tr><td>CFG-CNI-DAEMONSET-MISSING</td><td>The aws-node DaemonSet could not be read.</td><td><code>NC-CFG-DAEMONSET-UNAVAILABLE</code></td></tr>',
    );
  });
});
