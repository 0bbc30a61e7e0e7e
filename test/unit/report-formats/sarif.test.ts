import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { applySuppressions, CHECK_CATALOG, renderSarif, type AuditReport } from '#engine';
import { exampleReport, NOW, nth } from './support/example-report';

// The SARIF 2.1.0 (rtm.5, the OASIS standard's) JSON schema as shipped by @microsoft/jest-sarif.
const SCHEMA_PATH = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function sarifValidator(): (log: unknown) => string[] {
  const schema: unknown = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  // The schema's language-tag pattern is not valid under the `u` flag; JSON Schema patterns are ECMA 262 either way.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema as object);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

describe('renderSarif', () => {
  let drift: AuditReport;
  const validate = sarifValidator();
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
  });

  it('writes a log that the SARIF 2.1.0 JSON schema accepts, one result per finding', () => {
    // Act
    const log = renderSarif(drift);
    // Assess
    expect(validate(JSON.parse(JSON.stringify(log)))).toEqual([]);
    expect(log.runs[0].results).toHaveLength(drift.findings.length);
    expect(log.runs[0].tool.driver.rules.map((rule) => rule.id)).toEqual(CHECK_CATALOG.map((check) => check.id));
  });

  it('gives a suppressed result an external, accepted suppression with the reason, and others none', () => {
    const suppression = {
      check: 'CP-PE-ORPHAN',
      reason: 'legacy policy kept until Q1',
      expires: '2026-12-31',
      source: '.netpol-audit.yaml line 3',
      owner: 'team-shop',
      origin: 'file',
    } as const;
    const report = applySuppressions(drift, [suppression], NOW);

    const log = renderSarif(report);

    expect(validate(JSON.parse(JSON.stringify(log)))).toEqual([]);
    const results = log.runs[0].results;
    expect(results.find((result) => result.ruleId === 'CP-PE-ORPHAN')?.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'legacy policy kept until Q1',
        properties: { expires: '2026-12-31', source: '.netpol-audit.yaml line 3', owner: 'team-shop' },
      },
    ]);
    expect(results.filter((result) => result.suppressions !== undefined)).toHaveLength(1);
  });

  it('the schema validator rejects a broken log (the validation can fail)', () => {
    const log = JSON.parse(JSON.stringify(renderSarif(drift))) as { runs: { results: { level: string }[] }[] };
    const first = log.runs[0]?.results[0];
    if (first === undefined) throw new Error('drift example has no result');
    first.level = 'fatal';
    expect(validate(log).join('\n')).toMatch(/level|enum/);
  });

  it('maps severity to level, keeps the fingerprint and points each result at its rule', () => {
    const log = renderSarif(drift);
    const { results, tool } = log.runs[0];
    const critical = drift.findings.find((finding) => finding.severity === 'critical');
    const first = results[0];
    expect(first).toMatchObject({
      ruleId: critical?.checkId,
      level: 'error',
      partialFingerprints: { 'netpolAuditFingerprint/v1': critical?.fingerprint },
      properties: { severity: 'critical', 'security-severity': '9.5' },
    });
    for (const result of results) expect(tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    expect(results.filter((result) => result.level === 'note').length).toBe(
      drift.findings.filter((finding) => finding.severity === 'low' || finding.severity === 'info').length,
    );
  });

  it('adds a rule for a check the catalog lacks rather than pointing at the wrong one', () => {
    const report: AuditReport = {
      ...drift,
      findings: [{ ...nth(drift.findings, 0, 'finding'), checkId: 'X-FUTURE-CHECK' }],
    };
    const { results, tool } = renderSarif(report).runs[0];
    expect(tool.driver.rules[nth(results, 0, 'result').ruleIndex]?.id).toBe('X-FUTURE-CHECK');
    expect(validate(JSON.parse(JSON.stringify(renderSarif(report))))).toEqual([]);
  });
});
