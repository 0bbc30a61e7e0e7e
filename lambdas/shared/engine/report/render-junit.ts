import type { Layer } from '../model/finding';
import { checkResults, resourceLabel, type CheckResult } from './check-results';
import type { AuditReport } from './report';

const LAYERS: readonly Layer[] = ['input', 'config', 'control-plane', 'node'];

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for XML 1.0 and drops the control characters it cannot carry at all. */
export function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

function attributes(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}="${xmlText(String(value))}"`)
    .join(' ');
}

function isSkipped(result: CheckResult): boolean {
  return result.finding?.suppressed !== undefined;
}

function testCase(result: CheckResult): string {
  const open = `    <testcase ${attributes({ classname: `${result.layer}.${result.checkId}`, name: resourceLabel(result.resource), time: 0 })}`;
  if (result.status === 'pass') return `${open}/>`;
  const mark = result.finding?.suppressed;
  if (mark !== undefined) {
    const message = `suppressed: ${mark.reason} (through ${mark.expires}; ${mark.source})`;
    return [`${open}>`, `      <skipped ${attributes({ message })}/>`, '    </testcase>'].join('\n');
  }
  const details = [
    result.message,
    `fingerprint: ${result.fingerprint}`,
    ...(result.finding?.upstreamIssue === undefined ? [] : [`upstream: ${result.finding.upstreamIssue}`]),
  ].join('\n');
  return [
    `${open}>`,
    `      <failure ${attributes({ message: result.message, type: result.severity })}>${xmlText(details)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

function testSuite(report: AuditReport, layer: Layer, results: readonly CheckResult[]): string {
  const skipped = results.filter(isSkipped).length;
  const failures = results.filter((result) => result.status === 'fail').length - skipped;
  const header = attributes({
    name: `${report.cluster.name}.${layer}`,
    tests: results.length,
    failures,
    errors: 0,
    skipped,
    time: 0,
    timestamp: report.generatedAt.replace(/Z$/, ''),
  });
  return [`  <testsuite ${header}>`, ...results.map(testCase), '  </testsuite>'].join('\n');
}

/** The reason, and the kind docs/limits.md explains (absent from reports written before it). */
function withKind(entry: AuditReport['notChecked'][number]): string {
  return entry.kind === undefined ? entry.reason : `${entry.reason} (${entry.kind})`;
}

function notCheckedSuite(report: AuditReport): string[] {
  if (report.notChecked.length === 0) return [];
  const cases = report.notChecked.map(
    (entry) =>
      `    <testcase ${attributes({ classname: 'not-checked', name: entry.scope, time: 0 })}>\n      <skipped ${attributes({ message: withKind(entry) })}/>\n    </testcase>`,
  );
  const header = attributes({
    name: `${report.cluster.name}.not-checked`,
    tests: cases.length,
    failures: 0,
    errors: 0,
    skipped: cases.length,
    time: 0,
  });
  return [`  <testsuite ${header}>`, ...cases, '  </testsuite>'];
}

/**
 * JUnit XML for CI dashboards: one test suite per layer, one test case per check × resource (passed ones
 * included), what was not checked and suppressed findings as skipped cases, never as passed.
 */
export function renderJunit(report: AuditReport): string {
  const byLayer = new Map<Layer, CheckResult[]>(LAYERS.map((layer) => [layer, []]));
  for (const result of checkResults(report)) byLayer.get(result.layer)?.push(result);
  const suites = LAYERS.flatMap((layer) => {
    const results = byLayer.get(layer) ?? [];
    return results.length === 0 ? [] : [testSuite(report, layer, results)];
  });
  const all = [...byLayer.values()].flat();
  const suppressed = all.filter(isSkipped).length;
  const header = attributes({
    name: `${report.engine.name} ${report.cluster.name}`,
    tests: all.length + report.notChecked.length,
    failures: all.filter((result) => result.status === 'fail').length - suppressed,
    errors: 0,
    skipped: report.notChecked.length + suppressed,
    time: 0,
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${header}>`,
    ...suites,
    ...notCheckedSuite(report),
    '</testsuites>',
    '',
  ].join('\n');
}
