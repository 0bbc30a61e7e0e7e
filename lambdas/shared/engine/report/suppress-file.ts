import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day as YYYY-MM-DD that exists (no 2026-02-30). */
export const CalendarDay = z
  .string()
  .regex(DAY, 'expected a date as YYYY-MM-DD')
  .refine((day) => new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), 'not a calendar day');

/**
 * `<kind>/<namespace>/<name>`, each part a glob (`*` any run of characters, `?` one); the namespace is empty for
 * cluster-wide resources (`Node//ip-10-0-1-5*`), and `*` matches an empty one too.
 */
const ResourceGlob = z
  .string()
  .regex(
    /^[^/]+\/[^/]*\/[^/]+$/,
    'expected <kind>/<namespace>/<name> (globs allowed, namespace empty if cluster-wide)',
  );

export const SuppressionEntry = z
  .object({
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'expected a finding fingerprint (32 hex digits)')
      .optional(),
    check: z.string().min(1).optional(),
    resource: ResourceGlob.optional(),
    reason: z.string().trim().min(1, 'a reason is required'),
    expires: CalendarDay,
    owner: z.string().min(1).optional(),
  })
  .strict()
  .refine((entry) => entry.fingerprint !== undefined || entry.check !== undefined, {
    message: 'give a fingerprint or a check (with an optional resource)',
  });
export type SuppressionEntry = z.infer<typeof SuppressionEntry>;

export const SuppressionFile = z.object({ version: z.literal(1), suppressions: z.array(SuppressionEntry) }).strict();

/** One accepted finding pattern, with where it was declared (`source`) for the report. */
export interface Suppression extends SuppressionEntry {
  readonly source: string;
  /** Baseline entries are not reported as unused: a finding of the baseline that is gone was fixed. */
  readonly origin: 'file' | 'baseline';
}

function lineOf(document: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range !== undefined && node.range !== null) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Reads a suppressions file (`.netpol-audit.yaml`); `fileName` names it in errors and in each entry's source.
 * Throws InputError naming the line and field of the first problem.
 */
export function parseSuppressionFile(text: string, fileName: string): Suppression[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    throw new InputError(`line ${lines.linePos(syntax.pos[0]).line}: not YAML (${syntax.code})`, fileName);
  }
  const parsed = SuppressionFile.safeParse(document.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    const line = lineOf(document, lines, path);
    const where = [line === undefined ? undefined : `line ${line}`, path.length === 0 ? undefined : pathText(path)]
      .filter((part) => part !== undefined)
      .join(', ');
    throw new InputError(`${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}`, fileName);
  }
  return parsed.data.suppressions.map((entry, index) => ({
    ...entry,
    source: `${fileName} line ${lineOf(document, lines, ['suppressions', index]) ?? '?'}`,
    origin: 'file',
  }));
}
