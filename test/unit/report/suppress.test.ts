import {
  applySuppressions,
  AuditReport,
  baselineSuppressions,
  defaultBaselineExpiry,
  InputError,
  parseSuppressionFile,
  type Finding,
  type Suppression,
} from '#engine';
import { compareFindings } from '#engine/report/report';
import { exampleReport, NOW } from '../report-formats/support/example-report';

const FILE = '.netpol-audit.yaml';

function suppression(entry: Partial<Suppression>): Suppression {
  return { reason: 'accepted', expires: '2026-12-31', source: `${FILE} line 3`, origin: 'file', ...entry };
}

function findingOf(report: AuditReport, checkId: string): Finding {
  const finding = report.findings.find((candidate) => candidate.checkId === checkId);
  if (finding === undefined) throw new Error(`the drift example has no ${checkId} finding`);
  return finding;
}

const suppressedIds = (report: AuditReport): string[] =>
  report.findings.filter((finding) => finding.suppressed !== undefined).map((finding) => finding.checkId);

describe('parseSuppressionFile', () => {
  it('reads entries with their line as the source', () => {
    const text = [
      'version: 1',
      'suppressions:',
      '  - check: CP-PE-ORPHAN',
      '    resource: NetworkPolicy/shop/legacy-*',
      '    reason: kept until the shop migration',
      '    expires: 2027-01-31',
      '    owner: team-shop',
    ].join('\n');

    expect(parseSuppressionFile(text, FILE)).toEqual([
      {
        check: 'CP-PE-ORPHAN',
        resource: 'NetworkPolicy/shop/legacy-*',
        reason: 'kept until the shop migration',
        expires: '2027-01-31',
        owner: 'team-shop',
        source: `${FILE} line 3`,
        origin: 'file',
      },
    ]);
  });

  it('names the line and field of a missing reason', () => {
    const text = 'version: 1\nsuppressions:\n  - check: CP-PE-ORPHAN\n    expires: 2027-01-31\n';

    expect(() => parseSuppressionFile(text, FILE)).toThrow(
      new InputError('line 3, suppressions[0].reason: Invalid input: expected string, received undefined', FILE),
    );
  });

  it('rejects an expiry that is not a calendar day, naming its line', () => {
    const text = 'version: 1\nsuppressions:\n  - check: X\n    reason: r\n    expires: 2027-02-30\n';

    expect(() => parseSuppressionFile(text, FILE)).toThrow(/line 5, suppressions\[0\]\.expires: not a calendar day/);
  });

  it('rejects an entry with neither fingerprint nor check', () => {
    const text = 'version: 1\nsuppressions:\n  - resource: Pod/shop/*\n    reason: r\n    expires: 2027-01-31\n';

    expect(() => parseSuppressionFile(text, FILE)).toThrow(/line 3, suppressions\[0\]: give a fingerprint or a check/);
  });

  it('rejects a resource that is not kind/namespace/name, an unknown field and a wrong version', () => {
    const entry = '  - check: X\n    reason: r\n    expires: 2027-01-31\n';

    expect(() => parseSuppressionFile(`version: 1\nsuppressions:\n${entry}    resource: shop/web\n`, FILE)).toThrow(
      /line 6, suppressions\[0\]\.resource: expected <kind>\/<namespace>\/<name>/,
    );
    expect(() => parseSuppressionFile(`version: 1\nsuppressions:\n${entry}    until: 2027-01-31\n`, FILE)).toThrow(
      /suppressions\[0\]: Unrecognized key: "until"/,
    );
    expect(() => parseSuppressionFile(`version: 2\nsuppressions: []\n`, FILE)).toThrow(/line 1, version/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => parseSuppressionFile('version: 1\nsuppressions: [\n  - x: : :\n', FILE)).toThrow(
      /^\.netpol-audit\.yaml: line \d+: not YAML/,
    );
  });
});

describe('applySuppressions', () => {
  let drift: AuditReport;
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
  });

  it('marks the finding with a matching fingerprint and leaves it in the report, out of the counts', () => {
    const target = findingOf(drift, 'CP-PE-MISSING');

    const report = applySuppressions(drift, [suppression({ fingerprint: target.fingerprint ?? '' })], NOW);

    expect(AuditReport.parse(report)).toEqual(report);
    expect(report.findings).toHaveLength(drift.findings.length);
    expect(report.findings.find((finding) => finding.fingerprint === target.fingerprint)?.suppressed).toEqual({
      reason: 'accepted',
      expires: '2026-12-31',
      source: `${FILE} line 3`,
    });
    expect(report.summary.suppressed).toBe(1);
    expect(report.summary.totalFindings).toBe(drift.summary.totalFindings - 1);
    expect(report.summary.bySeverity.high).toBe(drift.summary.bySeverity.high - 1);
  });

  it('matches a check and a resource glob part by part, the kind in any case', () => {
    const report = applySuppressions(
      drift,
      [suppression({ check: 'CP-PE-ORPHAN', resource: 'networkpolicy/sh?p/legacy-*' })],
      NOW,
    );

    expect(suppressedIds(report)).toEqual(['CP-PE-ORPHAN']);
  });

  it("leaves a suppressed finding out of its policy's finding count", () => {
    const report = applySuppressions(drift, [suppression({ check: 'CP-PE-MISSING' })], NOW);

    const ledger = (of: AuditReport) => of.policies.find((policy) => policy.name === 'ledger-ingress')?.findings;
    expect(ledger(drift)).toBe(1);
    expect(ledger(report)).toBe(0);
  });

  it('does not match a resource glob of another namespace or name', () => {
    const report = applySuppressions(
      drift,
      [
        suppression({ check: 'CP-PE-ORPHAN', resource: 'NetworkPolicy/payments/*' }),
        suppression({ check: 'CP-PE-ORPHAN', resource: 'NetworkPolicy/shop/legacy' }),
      ],
      NOW,
    );

    expect(suppressedIds(report)).toEqual([]);
    expect(report.findings.filter((finding) => finding.checkId === 'INPUT-SUPPRESSION-UNUSED')).toHaveLength(2);
  });

  it('matches cluster-wide resources with an empty namespace, and every resource of a check without a glob', () => {
    const report = applySuppressions(
      drift,
      [suppression({ check: 'CFG-ADDON-STATUS', resource: 'EksAddon//vpc-*' }), suppression({ check: 'CFG-MODE' })],
      NOW,
    );

    expect(suppressedIds(report).sort()).toEqual(['CFG-ADDON-STATUS', 'CFG-MODE']);
  });

  it('reports an expired suppression as a finding and does not suppress what it matched', () => {
    const expired = suppression({ check: 'CP-PE-ORPHAN', expires: '2026-11-25', owner: 'team-shop' });

    const report = applySuppressions(drift, [expired], NOW);

    expect(suppressedIds(report)).toEqual([]);
    const finding = findingOf(report, 'INPUT-SUPPRESSION-EXPIRED');
    expect(finding).toMatchObject({ layer: 'input', severity: 'low', resource: { kind: 'Suppression' } });
    expect(finding.message).toBe(
      `suppression CP-PE-ORPHAN */*/* (${FILE} line 3, owner team-shop, reason "accepted") expired on 2026-11-25; the 1 finding(s) it matched are reported again`,
    );
    expect(finding.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps the findings in report order, the added ones in their place', () => {
    const report = applySuppressions(
      drift,
      [suppression({ check: 'CP-PE-ORPHAN', expires: '2026-01-01' }), suppression({ check: 'NONE' })],
      NOW,
    );

    expect(report.findings.map((finding) => finding.checkId)).toEqual(
      [...report.findings].sort(compareFindings).map((finding) => finding.checkId),
    );
    expect(report.findings.at(-1)?.checkId).not.toBe('INPUT-SUPPRESSION-UNUSED');
  });

  it('holds a suppression through its expiry day', () => {
    const report = applySuppressions(drift, [suppression({ check: 'CP-PE-ORPHAN', expires: '2026-11-26' })], NOW);

    expect(suppressedIds(report)).toEqual(['CP-PE-ORPHAN']);
  });

  it('reports a suppression that matches nothing as an info note', () => {
    const report = applySuppressions(
      drift,
      [suppression({ check: 'CP-PE-MISSING', resource: 'NetworkPolicy/x/y' })],
      NOW,
    );

    expect(findingOf(report, 'INPUT-SUPPRESSION-UNUSED')).toMatchObject({
      severity: 'info',
      message: `suppression CP-PE-MISSING NetworkPolicy/x/y (${FILE} line 3, reason "accepted") matches no finding of this audit`,
    });
    expect(report.summary.suppressed).toBe(0);
  });

  it('gives the first matching suppression the finding, and applying again gives the same report', () => {
    const first = suppression({ check: 'CP-PE-ORPHAN', reason: 'first' });
    const second = suppression({ check: 'CP-PE-ORPHAN', reason: 'second', source: `${FILE} line 9` });

    const once = applySuppressions(drift, [first, second], NOW);

    expect(findingOf(once, 'CP-PE-ORPHAN').suppressed?.reason).toBe('first');
    expect(applySuppressions(once, [first, second], NOW)).toEqual(once);
    expect(applySuppressions(once, [], NOW)).toEqual(drift);
  });
});

describe('baselineSuppressions', () => {
  it('accepts every finding of the baseline report and reports none of them as unused once fixed', async () => {
    const drift = await exampleReport('drift-cluster');
    const entries = baselineSuppressions(drift, 'old/report.json', '2026-12-26');

    const report = applySuppressions(drift, entries, NOW);
    const fixed = applySuppressions({ ...drift, findings: drift.findings.slice(1) }, entries, NOW);

    expect(report.summary).toMatchObject({ totalFindings: 0, suppressed: drift.findings.length });
    expect(report.findings[0]?.suppressed).toEqual({
      reason: 'baseline old/report.json',
      expires: '2026-12-26',
      source: 'baseline old/report.json',
    });
    expect(fixed.findings.filter((finding) => finding.checkId.startsWith('INPUT-SUPPRESSION-'))).toEqual([]);
  });

  it('expires 30 days after the audit day by default', () => {
    expect(defaultBaselineExpiry(new Date('2026-12-04T23:59:00Z'))).toBe('2027-01-03');
  });
});
