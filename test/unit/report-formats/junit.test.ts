import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkResults, renderJunit, type AuditReport } from '#engine';
import { exampleReport, nth } from './support/example-report';

interface Case {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_type': string; '@_message': string };
  skipped?: { '@_message': string };
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  testcase: Case[];
}
interface Parsed {
  testsuites: { '@_tests': string; '@_failures': string; '@_skipped': string; testsuite: Suite[] };
}

function parse(xml: string): Parsed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} at line ${valid.err.line}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  return parser.parse(xml) as Parsed;
}

describe('renderJunit', () => {
  let drift: AuditReport;
  beforeAll(async () => {
    drift = await exampleReport('drift-cluster');
  });

  it('writes well-formed XML with one test case per check × resource, passed ones included', () => {
    // Act
    const parsed = parse(renderJunit(drift));
    // Assess
    const suites = parsed.testsuites.testsuite;
    const cases = suites.flatMap((suite) => suite.testcase);
    const failing = cases.filter((c) => c.failure !== undefined);
    const passing = cases.filter((c) => c.failure === undefined && c.skipped === undefined);
    expect(failing).toHaveLength(drift.findings.length);
    expect(passing.length).toBe(checkResults(drift).filter((result) => result.status === 'pass').length);
    expect(passing.length).toBeGreaterThan(0);
    expect(Number(parsed.testsuites['@_failures'])).toBe(drift.findings.length);
    expect(Number(parsed.testsuites['@_tests'])).toBe(cases.length);
    for (const suite of suites) expect(Number(suite['@_tests'])).toBe(suite.testcase.length);
    expect(failing.find((c) => c['@_classname'] === 'control-plane.CP-PE-MISSING')).toMatchObject({
      '@_name': 'NetworkPolicy payments/ledger-ingress',
      failure: { '@_type': 'high' },
    });
  });

  it('lists what was not checked as skipped, never as passed', () => {
    const parsed = parse(renderJunit(drift));
    const skipped = parsed.testsuites.testsuite.flatMap((suite) => suite.testcase).filter((c) => c.skipped);
    expect(skipped.map((c) => c['@_name'])).toEqual(drift.notChecked.map((entry) => entry.scope));
    expect(Number(parsed.testsuites['@_skipped'])).toBe(drift.notChecked.length);
    expect(skipped.map((c) => c.skipped?.['@_message'])).toEqual(
      drift.notChecked.map((entry) => `${entry.reason} (${entry.kind ?? 'no kind'})`),
    );
  });

  it('uses the report’s passed outcomes when the report has them', () => {
    const withPassed = {
      ...drift,
      passed: [
        {
          checkId: 'CP-PE-MISSING',
          layer: 'control-plane' as const,
          resources: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'web-egress' }],
        },
      ],
    };
    const cases = parse(renderJunit(withPassed)).testsuites.testsuite.flatMap((suite) => suite.testcase);
    const passing = cases.filter((c) => c.failure === undefined && c.skipped === undefined);
    expect(passing.map((c) => [c['@_classname'], c['@_name']])).toEqual([
      ['control-plane.CP-PE-MISSING', 'NetworkPolicy shop/web-egress'],
    ]);
  });

  it('escapes markup and drops control characters in messages', () => {
    const report: AuditReport = {
      ...drift,
      findings: [{ ...nth(drift.findings, 0, 'finding'), message: 'a <b> & "c" \u0007 end' }],
    };
    const xml = renderJunit(report);
    const failure = parse(xml).testsuites.testsuite.flatMap((suite) => suite.testcase)[0]?.failure;
    expect(failure?.['@_message']).toBe('a <b> & "c"  end');
    expect(xml).not.toContain('\u0007');
  });
});
