import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { audit, AuditReport, coverageLines, renderMarkdown, renderSummary, type AuditPhase } from '#engine';

const NOW = new Date('2026-11-26T12:00:00Z');

async function auditExample(name: 'seed-cluster' | 'drift-cluster', withNodes = true): Promise<AuditReport> {
  const source = new SnapshotDirectory(`examples/${name}`);
  const inventory = await source.readInventory();
  const nodeOutputs = withNodes ? await source.readNodeOutputs() : undefined;
  return audit(
    { inventory, ...(nodeOutputs === undefined ? {} : { nodeOutputs }), source: { kind: 'snapshot', location: name } },
    { now: NOW, engineVersion: 'test' },
  );
}

const resourceKey = (resource: AuditReport['findings'][number]['resource']): string =>
  JSON.stringify([resource.kind, resource.namespace ?? '', resource.name, resource.node ?? '']);

describe('passed outcomes', () => {
  it('a clean audit says what each layer checked instead of only counting findings', async () => {
    // Act
    const report = await auditExample('seed-cluster');
    // Assess
    expect(coverageLines(report)).toEqual([
      'configuration: 28 checks passed, clean (1 note)',
      'control plane: 1 policy checked, clean',
      'node layer: 1 node, 5 pods checked, clean',
    ]);
    expect(renderSummary(report, [])).toContain('node layer: 1 node, 5 pods checked, clean');
    expect(renderMarkdown(report)).toContain('- node layer: 1 node, 5 pods checked, clean');
  });

  it('records each passed check per resource: the seed policy passed every PolicyEndpoint content check', async () => {
    // Act
    const report = await auditExample('seed-cluster');
    // Assess
    const missing = report.passed.find((entry) => entry.checkId === 'CP-PE-MISSING');
    expect(missing?.resources).toEqual([{ kind: 'NetworkPolicy', namespace: 'default', name: 'access-nginx' }]);
    const filters = report.passed.find((entry) => entry.checkId === 'NODE-FILTER-MISSING');
    expect(filters?.layer).toBe('node');
    expect(filters?.resources.map((resource) => resource.kind)).toEqual(['Pod', 'Pod', 'Pod', 'Pod', 'Pod']);
  });

  it('never records a check as passed on a resource where it has a finding (drift example)', async () => {
    // Act
    const report = await auditExample('drift-cluster');
    // Assess
    const passed = new Set(
      report.passed.flatMap((entry) => entry.resources.map((resource) => `${entry.checkId}|${resourceKey(resource)}`)),
    );
    const failedHere = report.findings.filter((finding) =>
      passed.has(`${finding.checkId}|${resourceKey(finding.resource)}`),
    );
    expect(failedHere).toEqual([]);
    const passedOnCluster = new Set(
      report.passed
        .filter((entry) => entry.resources.some((resource) => resource.kind === 'Cluster'))
        .map((e) => e.checkId),
    );
    expect(report.findings.filter((finding) => passedOnCluster.has(finding.checkId))).toEqual([]);
    expect(report.coverage.find((entry) => entry.layer === 'node')).toMatchObject({ ran: true, findings: 9 });
  });

  it('a layer that cannot run is shown as not checked, with nothing passed', async () => {
    // Act
    const report = await auditExample('seed-cluster', false);
    // Assess
    expect(coverageLines(report)).toContain(
      'node layer: not checked: the source has no node outputs (nodes/ in a snapshot)',
    );
    expect(report.passed.filter((entry) => entry.layer === 'node')).toEqual([]);
  });

  it('reads a 1.0 report written before passed and coverage existed as having none', async () => {
    // Prepare
    const report = await auditExample('seed-cluster');
    const older: Record<string, unknown> = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    delete older.passed;
    delete older.coverage;
    // Act
    const parsed = AuditReport.parse(older);
    // Assess
    expect(parsed.passed).toEqual([]);
    expect(parsed.coverage).toEqual([]);
  });

  it('hands every phase to the timer exactly once per run (node phases once per node)', async () => {
    // Prepare
    const source = new SnapshotDirectory('examples/drift-cluster');
    const inventory = await source.readInventory();
    const nodeOutputs = await source.readNodeOutputs();
    const seen: AuditPhase[] = [];
    // Act
    audit(
      { inventory, nodeOutputs, source: { kind: 'snapshot', location: 'drift' } },
      { now: NOW, engineVersion: 'test', timer: { time: (phase, run) => (seen.push(phase), run()) } },
    );
    // Assess
    const parsedNodes = seen.filter((phase) => phase === 'node-parse').length;
    expect(parsedNodes).toBe(nodeOutputs.length);
    expect(seen.slice(0, 3)).toEqual(['configuration', 'control-plane-resolve', 'control-plane-diff']);
    expect(seen.filter((phase) => phase === 'node-compare').length).toBeGreaterThan(0);
  });
});
