import { NodeOutputParseError, type Result } from '../../errors';

export interface SourceLine {
  /** 1-based line number in the original text. */
  readonly no: number;
  /** The line with surrounding whitespace removed (trailing spaces are not reliable after copy/paste). */
  readonly text: string;
  /** `text` with inner whitespace runs collapsed to one space (Go `fmt` spacing differs between versions). */
  readonly norm: string;
}

/** Splits text into trimmed lines, keeping original numbering (CRLF tolerated). */
export function splitLines(text: string): SourceLine[] {
  const raw = text.split('\n');
  const lines: SourceLine[] = new Array<SourceLine>(raw.length);
  for (let i = 0; i < raw.length; i++) lines[i] = sourceLine(i + 1, raw[i] ?? '');
  return lines;
}

/** One line as `splitLines` reads it; `raw` is the line without its `\n`. */
export function sourceLine(no: number, raw: string): SourceLine {
  const text = trimmed(raw);
  return { no, text, norm: collapse(text) };
}

const WHITESPACE_RUN = /[ \t]+/g;

function trimmed(text: string): string {
  const n = text.length;
  return n === 0 || (text.charCodeAt(0) > 32 && text.charCodeAt(n - 1) > 32) ? text : text.trim();
}

/** Collapses runs of whitespace to one space (Go `fmt.Println` spacing varies between labels and versions). */
export function collapse(text: string): string {
  if (!text.includes('  ') && !text.includes('\t')) return text;
  return text.replace(WHITESPACE_RUN, ' ');
}

/** Sequential reader over the non-blank span of an output; every failure is a NodeOutputParseError. */
export class LineCursor {
  private index: number;
  private readonly end: number;

  constructor(
    readonly file: string,
    private readonly lines: readonly SourceLine[],
  ) {
    let start = 0;
    let end = lines.length;
    while (start < end && lines[start]?.text === '') start++;
    while (end > start && lines[end - 1]?.text === '') end--;
    this.index = start;
    this.end = end;
  }

  static of(file: string, text: string): LineCursor {
    return new LineCursor(file, splitLines(text));
  }

  get done(): boolean {
    return this.index >= this.end;
  }

  /** Number of the last significant line (or 1 for empty output); used when the output ends too early. */
  get lastLineNo(): number {
    return this.lines[this.end - 1]?.no ?? 1;
  }

  peek(): SourceLine | undefined {
    return this.index < this.end ? this.lines[this.index] : undefined;
  }

  /** Number of significant lines not yet consumed. */
  get remaining(): number {
    return this.end - this.index;
  }

  /** The significant line `offset` lines ahead, without consuming anything. */
  ahead(offset: number): SourceLine | undefined {
    return this.index + offset < this.end ? this.lines[this.index + offset] : undefined;
  }

  /** Consumes the next line; `expected` describes what was wanted, for the truncation message. */
  next(expected: string): SourceLine {
    const line = this.peek();
    if (line === undefined) {
      throw new NodeOutputParseError(
        this.file,
        this.lastLineNo,
        `output ends after this line, expected ${expected} (truncated?)`,
      );
    }
    this.index++;
    return line;
  }

  failAt(lineNo: number, reason: string): never {
    throw new NodeOutputParseError(this.file, lineNo, reason);
  }

  fail(line: SourceLine, reason: string): never {
    throw new NodeOutputParseError(this.file, line.no, `${reason}: "${excerpt(line.text)}"`);
  }
}

/** Control characters (C0, DEL, C1) and the bidi overrides, shown as `\u{..}` so no raw byte reaches a report. */
// eslint-disable-next-line no-control-regex -- matching control characters is the purpose
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** At most 80 characters of an input line, its control characters escaped. */
export function excerpt(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return shown.replace(UNPRINTABLE, (character) => `\\u{${(character.codePointAt(0) ?? 0).toString(16)}}`);
}

const MAX_U32 = 4294967295;

/** Strict decimal unsigned integer (no sign, no spaces, no exponent); undefined if invalid or above `max`. */
export function parseUint(text: string, max: number = MAX_U32): number | undefined {
  if (text.length === 0 || text.length > 16) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const value = Number(text);
  return value <= max ? value : undefined;
}

/** Like parseUint but fails the parse with a reason naming the field. */
export function uintField(cursor: LineCursor, line: SourceLine, text: string, field: string, max?: number): number {
  const value = parseUint(text, max);
  if (value === undefined)
    cursor.fail(line, `${field} is not an unsigned integer${max === undefined ? '' : ` ≤ ${max}`}`);
  return value;
}

/**
 * Reads `<label> <value>` from a collapsed line; the value is everything after the label (may be '').
 * Returns undefined if the line does not start with the label as a whole word.
 */
export function afterLabel(text: string, label: string): string | undefined {
  if (!text.startsWith(label)) return undefined;
  if (text.length === label.length) return '';
  if (text.charCodeAt(label.length) !== 32) return undefined;
  return text.slice(label.length + 1);
}

/** A separator line made of one repeated character (`-` × 19, `*` × 31, `=` × 88 in the CLI; length not enforced). */
export function isRule(text: string, char: '-' | '*' | '='): boolean {
  if (text.length < 3) return false;
  for (let i = 0; i < text.length; i++) if (text[i] !== char) return false;
  return true;
}

/** Runs a throwing parser and returns a Result; only NodeOutputParseError is converted, anything else is a bug. */
export function runParser<T>(parse: () => T): Result<T, NodeOutputParseError> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof NodeOutputParseError) return { ok: false, error };
    throw error;
  }
}
