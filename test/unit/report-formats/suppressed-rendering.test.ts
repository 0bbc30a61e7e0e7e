import { XMLParser } from 'fast-xml-parser';
import {
  applySuppressions,
  renderHtml,
  renderJunit,
  renderMarkdown,
  renderSummary,
  renderTable,
  type AuditReport,
  type Suppression,
} from '#engine';
import { exampleReport, NOW } from './support/example-report';

const ORPHAN: Suppression = {
  check: 'CP-PE-ORPHAN',
  reason: 'legacy policy kept until Q1',
  expires: '2026-12-31',
  source: '.netpol-audit.yaml line 3',
  origin: 'file',
};

describe('renderers mark suppressed findings', () => {
  let drift: AuditReport;
  let report: AuditReport;
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
    report = applySuppressions(drift, [ORPHAN], NOW);
  });

  it('markdown lists a suppressed finding under Suppressed with its reason, not under What is wrong', () => {
    const markdown = renderMarkdown(report);

    const wrong = markdown.slice(markdown.indexOf('## What is wrong'), markdown.indexOf('## Configuration'));
    const suppressed = markdown.slice(markdown.indexOf('## Suppressed'), markdown.indexOf('## Policies'));
    expect(wrong).not.toContain('CP-PE-ORPHAN');
    expect(suppressed).toContain('- **MEDIUM** (suppressed) `CP-PE-ORPHAN` NetworkPolicy shop/legacy-allow-all');
    expect(suppressed).toContain(
      '  - suppressed: legacy policy kept until Q1 (through 2026-12-31; .netpol-audit.yaml line 3)',
    );
    expect(markdown).toContain(`**${drift.summary.totalFindings - 1} finding(s)**`);
    expect(markdown).toContain('. 1 suppressed.');
  });

  it('the terminal summary counts it apart and does not list it', () => {
    const summary = renderSummary(report, []);

    expect(summary.split('\n')[0]).toMatch(/, 1 suppressed$/);
    expect(summary).not.toContain('CP-PE-ORPHAN');
  });

  it('the table marks its message and counts it in the header', () => {
    const table = renderTable(report, { width: 200 });

    expect(table.split('\n')[0]).toMatch(/ · 1 suppressed$/);
    expect(table).toMatch(/CP-PE-ORPHAN\s+NetworkPolicy shop\/legacy-allow-all\s+\(suppressed\) /);
  });

  it('JUnit reports it as skipped with the reason, not as a failure', () => {
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(renderJunit(report)) as {
      testsuites: { '@_failures': string; '@_skipped': string };
    };
    const before = new XMLParser({ ignoreAttributes: false }).parse(renderJunit(drift)) as typeof parsed;

    expect(Number(parsed.testsuites['@_failures'])).toBe(Number(before.testsuites['@_failures']) - 1);
    expect(Number(parsed.testsuites['@_skipped'])).toBe(Number(before.testsuites['@_skipped']) + 1);
    expect(renderJunit(report)).toContain(
      '<skipped message="suppressed: legacy policy kept until Q1 (through 2026-12-31; .netpol-audit.yaml line 3)"/>',
    );
  });

  it('HTML badges the row and offers a status filter only when something is suppressed', () => {
    const html = renderHtml(report);

    expect(html).toMatch(/<tr [^>]*data-check="CP-PE-ORPHAN" data-status="suppressed">/);
    expect(html).toContain(
      'title="legacy policy kept until Q1 (through 2026-12-31; .netpol-audit.yaml line 3)">suppressed</span>',
    );
    expect(html).toContain('data-filter="status"');
    expect(renderHtml(drift)).not.toContain('data-filter="status"');
  });
});
