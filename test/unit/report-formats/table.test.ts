import { renderTable, type AuditReport } from '#engine';
import { exampleReport } from './support/example-report';

describe('renderTable', () => {
  let drift: AuditReport;
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
  });

  it('prints one line per finding, most severe first, within the width, then what was not checked', () => {
    // Act
    const lines = renderTable(drift, { width: 140 }).trimEnd().split('\n');
    // Assess
    const header = lines.findIndex((line) => line.startsWith('SEVERITY'));
    const rows = lines.slice(header + 1, header + 1 + drift.findings.length);
    expect(rows).toHaveLength(drift.findings.length);
    expect(rows[0]).toMatch(/^CRITICAL\s+config\s+CFG-AGENT-VERSION-SKEW\s+DaemonSet kube-system\/aws-node/);
    expect(rows.at(-1)).toMatch(/^INFO\s/);
    expect(Math.max(...rows.map((row) => row.length))).toBeLessThanOrEqual(140);
    expect(lines.slice(-2)).toEqual([
      'NOT CHECKED',
      `  ${drift.notChecked[0]?.scope ?? ''}: ${drift.notChecked[0]?.reason ?? ''} [${drift.notChecked[0]?.kind ?? ''}]`,
    ]);
  });

  it('colours the severity only when asked', () => {
    expect(renderTable(drift)).not.toContain('\u001b[');
    expect(renderTable(drift, { colour: true })).toContain('\u001b[1;31mCRITICAL');
  });

  it('says so when there is nothing to report', () => {
    const clean: AuditReport = { ...drift, findings: [], notChecked: [] };
    expect(renderTable(clean)).toContain('No findings.');
  });
});
