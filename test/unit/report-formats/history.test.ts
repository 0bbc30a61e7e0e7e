import { emptyHistory, InputError, ReportHistory, updateHistory, type AuditReport } from '#engine';
import { exampleReport } from './support/example-report';

function at(report: AuditReport, generatedAt: string, findings = report.findings): AuditReport {
  return { ...report, generatedAt, findings, summary: { ...report.summary, totalFindings: findings.length } };
}

describe('updateHistory', () => {
  let drift: AuditReport;
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
  });

  it('records the counts of a run, with new and resolved findings against the previous report', () => {
    // Prepare
    const first = at(drift, '2026-11-24T02:00:00.000Z');
    const second = at(drift, '2026-11-25T02:00:00.000Z', drift.findings.slice(2));
    // Act
    const history = updateHistory(updateHistory(emptyHistory('drift-cluster'), first, undefined), second, first);
    // Assess
    expect(ReportHistory.parse(history)).toEqual(history);
    expect(
      history.runs.map((run) => [run.generatedAt, run.totalFindings, run.newFindings, run.resolvedFindings]),
    ).toEqual([
      ['2026-11-24T02:00:00.000Z', drift.findings.length, drift.findings.length, 0],
      ['2026-11-25T02:00:00.000Z', drift.findings.length - 2, 0, 2],
    ]);
    expect(history.runs[0]?.bySeverity).toEqual(drift.summary.bySeverity);
  });

  it('keeps the last N runs, oldest first, and replaces a retried run instead of counting it twice', () => {
    let history = emptyHistory('drift-cluster');
    for (let day = 1; day <= 5; day += 1)
      history = updateHistory(history, at(drift, `2026-11-0${day}T02:00:00.000Z`), undefined, 3);
    history = updateHistory(history, at(drift, '2026-11-05T02:00:00.000Z', []), undefined, 3);
    expect(history.runs.map((run) => [run.generatedAt.slice(0, 10), run.totalFindings])).toEqual([
      ['2026-11-03', drift.findings.length],
      ['2026-11-04', drift.findings.length],
      ['2026-11-05', 0],
    ]);
  });

  it('refuses a report of another cluster with a clear error and leaves the history as it was', () => {
    const history = emptyHistory('other');
    expect(() => updateHistory(history, drift, undefined)).toThrow(InputError);
    expect(() => updateHistory(history, drift, undefined)).toThrow(
      'history of cluster other cannot take a report of cluster drift-cluster',
    );
    expect(history.runs).toEqual([]);
  });

  it('rejects a malformed history.json at the boundary', () => {
    expect(ReportHistory.safeParse({ schemaVersion: '1', cluster: 'c', runs: [{ generatedAt: 'x' }] }).success).toBe(
      false,
    );
  });
});
