import { InvalidArgumentError, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  auditDay,
  baselineSuppressions,
  BASELINE_DAYS,
  CalendarDay,
  defaultBaselineExpiry,
  InputError,
  parseSuppressionFile,
  type Suppression,
} from '#engine';
import { readReportFile } from './report-files';
import { pathExists } from './path-exists';

/** The suppressions file `audit` reads from the current directory when no `--suppressions` names one. */
export const DEFAULT_SUPPRESSIONS_FILE = '.netpol-audit.yaml';

export interface SuppressionFlags {
  /** A file, `false` for `--no-suppressions`, `undefined` for the default file when present. */
  suppressions?: string | false;
  baseline?: string;
  baselineExpires?: string;
}

/** The suppressions of one audit, and what to tell the user about where they came from. */
export interface LoadedSuppressions {
  readonly suppressions: readonly Suppression[];
  readonly notes: readonly string[];
}

function parseDay(value: string): string {
  const parsed = CalendarDay.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return parsed.data;
}

export function suppressionOptions(): Option[] {
  return [
    new Option(
      '--suppressions <file>',
      `accepted findings with a reason and an expiry (default: ${DEFAULT_SUPPRESSIONS_FILE} when present)`,
    ),
    new Option('--no-suppressions', `ignore ${DEFAULT_SUPPRESSIONS_FILE}`),
    new Option('--baseline <report.json>', 'accept every finding of a previous report (by fingerprint)'),
    new Option(
      '--baseline-expires <YYYY-MM-DD>',
      `last day the baseline accepts its findings (default: ${BASELINE_DAYS} days after the audit)`,
    ).argParser(parseDay),
  ];
}

async function fileSuppressions(flags: SuppressionFlags, directory: string): Promise<LoadedSuppressions> {
  if (flags.suppressions === false) return { suppressions: [], notes: ['suppressions: off (--no-suppressions)'] };
  const file = flags.suppressions ?? DEFAULT_SUPPRESSIONS_FILE;
  const path = resolve(directory, file);
  if (flags.suppressions === undefined && !(await pathExists(path))) return { suppressions: [], notes: [] };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the suppressions: ${error instanceof Error ? error.message : String(error)}`,
      file,
    );
  }
  const suppressions = parseSuppressionFile(text, file);
  return { suppressions, notes: [`suppressions: ${file} (${suppressions.length} suppression(s))`] };
}

async function baseline(flags: SuppressionFlags, now: Date): Promise<LoadedSuppressions> {
  if (flags.baseline === undefined) {
    if (flags.baselineExpires !== undefined) throw new InputError('--baseline-expires needs --baseline <report.json>');
    return { suppressions: [], notes: [] };
  }
  const expires = flags.baselineExpires ?? defaultBaselineExpiry(now);
  if (expires < auditDay(now)) {
    throw new InputError(`--baseline-expires ${expires} is before the audit day ${auditDay(now)}`);
  }
  const report = await readReportFile(flags.baseline);
  const suppressions = baselineSuppressions(report, flags.baseline, expires);
  return {
    suppressions,
    notes: [
      `baseline: ${flags.baseline} of cluster ${report.cluster.name}, ${report.generatedAt} (${suppressions.length} finding(s) accepted through ${expires})`,
    ],
  };
}

/**
 * The suppressions file (named, or the default one in `directory` when present) followed by the baseline's
 * entries; file entries come first, so their reasons win over the baseline's.
 */
export async function loadSuppressions(
  flags: SuppressionFlags,
  now: Date,
  directory = process.cwd(),
): Promise<LoadedSuppressions> {
  const [file, base] = await Promise.all([fileSuppressions(flags, directory), baseline(flags, now)]);
  return { suppressions: [...file.suppressions, ...base.suppressions], notes: [...file.notes, ...base.notes] };
}
