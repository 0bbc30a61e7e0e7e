import { InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import {
  InputError,
  renderAsff,
  renderHtml,
  renderJunit,
  renderMarkdown,
  renderOpenReports,
  renderPolicyReport,
  renderSarif,
  renderTable,
  type AsffTarget,
  type AuditReport,
  type ReportHistory,
} from '#engine';
import { colourAllowed } from './colour';
import { readHistoryFile } from './report-files';
import { writeOutputFile } from './output-directory';

export const FORMATS = [
  'table',
  'json',
  'md',
  'html',
  'sarif',
  'junit',
  'policyreport',
  'openreports',
  'asff',
] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatFlags {
  format?: Format[];
  output?: string;
  history?: string;
  clusterArn?: string;
  /** `false` with `--no-color`. */
  color?: boolean;
}

/** File names in the output directory when `--output` is not given; table goes to the terminal. */
const FILE_NAMES: Readonly<Record<Exclude<Format, 'table'>, string>> = {
  json: 'report.json',
  md: 'report.md',
  html: 'report.html',
  sarif: 'report.sarif',
  junit: 'report.junit.xml',
  policyreport: 'policyreport.yaml',
  openreports: 'openreports.yaml',
  asff: 'asff.json',
};

function collectFormat(value: string, previous: Format[] | undefined): Format[] {
  const format = FORMATS.find((candidate) => candidate === value);
  if (format === undefined) throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}`);
  return [...(previous ?? []), format];
}

export function formatOptions(): Option[] {
  return [
    new Option('--format <format>', `output format, repeatable: ${FORMATS.join('|')}`).argParser(collectFormat),
    new Option('--output <file>', 'where the one --format goes: a file, or - for stdout'),
    new Option('--history <file>', 'history.json whose runs the HTML trend chart shows'),
    new Option('--cluster-arn <arn>', 'EKS cluster ARN for --format asff (account and region are read from it)'),
  ];
}

const CLUSTER_ARN = /^arn:(aws[\w-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/[\w.-]+$/;

function asffTarget(clusterArn: string | undefined): AsffTarget {
  const match = CLUSTER_ARN.exec(clusterArn ?? '');
  if (clusterArn === undefined || match === null) {
    throw new InputError('--format asff needs --cluster-arn arn:<partition>:eks:<region>:<account>:cluster/<name>');
  }
  return { clusterArn, region: match[2] ?? '', accountId: match[3] ?? '' };
}

interface RenderTarget {
  readonly history: ReportHistory | undefined;
  /** The text goes to stdout (`-`), not into a file: only then may the table fit the terminal and colour. */
  readonly toStdout: boolean;
}

function render(report: AuditReport, format: Format, flags: FormatFlags, target: RenderTarget): string {
  const { history, toStdout } = target;
  switch (format) {
    case 'table':
      return renderTable(report, {
        width: toStdout && process.stdout.isTTY ? process.stdout.columns : 160,
        colour: toStdout && colourAllowed(process.stdout, process.env, flags.color),
      });
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report, history === undefined ? {} : { history });
    case 'sarif':
      return `${JSON.stringify(renderSarif(report), null, 2)}\n`;
    case 'junit':
      return renderJunit(report);
    case 'policyreport':
      return renderPolicyReport(report);
    case 'openreports':
      return renderOpenReports(report);
    case 'asff':
      return `${JSON.stringify(renderAsff(report, asffTarget(flags.clusterArn)), null, 2)}\n`;
  }
}

/** True when the formats take stdout, so the summary must go to stderr. */
export function formatsUseStdout(flags: FormatFlags): boolean {
  return flags.output === '-' || (flags.output === undefined && (flags.format ?? []).includes('table'));
}

/**
 * Renders every `--format` (all before writing any, so a bad option loses nothing) and writes each to `--output`
 * (one format only), or to its file in the output directory; returns the files written. The HTML trend chart draws
 * `history` when given (the service's history.json read from S3), else the `--history` file.
 */
export async function writeFormats(
  report: AuditReport,
  flags: FormatFlags,
  outDirectory: string,
  history?: ReportHistory,
): Promise<string[]> {
  const formats = [...new Set(flags.format ?? [])];
  if (flags.output !== undefined && formats.length !== 1) {
    throw new InputError(`--output takes exactly one --format (got ${formats.length})`);
  }
  const historyFile = formats.includes('html') ? flags.history : undefined;
  const trend = history ?? (historyFile === undefined ? undefined : await readHistoryFile(historyFile));
  const rendered = formats.map((format) => {
    const target = flags.output ?? (format === 'table' ? '-' : join(outDirectory, FILE_NAMES[format]));
    return { target, text: render(report, format, flags, { history: trend, toStdout: target === '-' }) };
  });
  const written: string[] = [];
  for (const { target, text } of rendered) {
    if (target === '-') process.stdout.write(text);
    else {
      await writeOutputFile(target, text);
      written.push(target);
    }
  }
  return written;
}
