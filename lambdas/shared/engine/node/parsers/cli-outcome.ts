import type {
  CliErrorCategory,
  CliErrorOutput,
  CliFailure,
  EmptyMapOutput,
  HeaderOnlyOutput,
  WalkingMapHeader,
} from '../model';
import type { NodeOutputParseError, Result } from '../../errors';
import { afterLabel, collapse, LineCursor, parseUint, runParser, type SourceLine } from './line-cursor';

export const CLI_ERROR_PREFIX = 'Failed to execute the cmd -';
const USAGE_ERROR_PREFIX = 'Error:';
const STDERR_ERROR_PREFIX = 'There was an error while executing your CLI';
const EMPTY_LPM_OR_LRU = 'No Entries found, Empty map';
const EMPTY_HASH = 'No entries found, empty HASH map (pod_state_map?)';
const FIRST_KEY_ENOENT = 'Unable to get First key: no such file or directory';

export function classifyCliError(message: string): CliErrorCategory {
  const lower = message.toLowerCase();
  if (lower.startsWith('unable to get first key')) return 'first-key-not-found';
  if (lower.includes('operation not permitted')) return 'permission-denied';
  if (lower.startsWith('unsupported map type')) return 'unsupported-map-type';
  if (lower.startsWith('invalid mapid')) return 'invalid-map-id';
  if (lower.startsWith('error checking bpf fs')) return 'bpffs-not-mounted';
  if (lower.startsWith('failed walking the bpfdirectory')) return 'bpf-directory-walk-failed';
  if (lower.includes('no such file or directory')) return 'map-not-found';
  return 'other';
}

/** `Walking map: <name> (type=<t>, id=<id>)`; undefined if the line is not such a header, a parse error if malformed. */
export function readWalkingMapHeader(cursor: LineCursor, line: SourceLine): WalkingMapHeader | undefined {
  const rest = afterLabel(line.norm, 'Walking map:');
  if (rest === undefined) return undefined;
  const tokens = rest.split(' ');
  const typeToken = tokens.at(-2) ?? '';
  const idToken = tokens.at(-1) ?? '';
  if (tokens.length < 2 || !typeToken.startsWith('(type=') || !typeToken.endsWith(',')) {
    cursor.fail(line, 'malformed "Walking map:" header, expected "(type=<n>, id=<n>)"');
  }
  if (!idToken.startsWith('id=') || !idToken.endsWith(')')) cursor.fail(line, 'malformed "Walking map:" header id');
  const mapType = parseUint(typeToken.slice(6, -1));
  const mapId = parseUint(idToken.slice(3, -1));
  if (mapType === undefined || mapId === undefined)
    cursor.fail(line, 'non-numeric map type or id in "Walking map:" header');
  return { line: line.no, mapName: tokens.slice(0, -2).join(' '), mapType, mapId };
}

export type CliOutcome = CliFailure | EmptyMapOutput | HeaderOnlyOutput;

export interface CliPreamble {
  /** Set when the whole output is an error, an empty-map message or a bare header. */
  readonly outcome: CliOutcome | null;
  /** The IPv6 CLI header, already consumed from the cursor. */
  readonly header: WalkingMapHeader | null;
}

/**
 * Recognises the outputs every aws-eks-na-cli command can produce instead of its report (§1.3.8):
 * the `Failed to execute the cmd -` line (always the last line), cobra usage errors, empty-map messages and
 * the IPv6 `Walking map:` header. Leaves the cursor at the start of the report body otherwise.
 */
export function readCliPreamble(cursor: LineCursor, options: { readonly mapDump: boolean }): CliPreamble {
  const count = cursor.remaining;
  const first = cursor.ahead(0);
  const last = cursor.ahead(count - 1);
  if (first === undefined || last === undefined) return { outcome: null, header: null };

  const usage = usageError(first);
  if (usage !== undefined) return { outcome: usage, header: null };

  const header = options.mapDump ? readWalkingMapHeader(cursor, first) : undefined;
  for (let i = 0; i < count - 1; i++) {
    const line = cursor.ahead(i);
    if (line !== undefined && line.text.startsWith(CLI_ERROR_PREFIX)) {
      cursor.fail(line, 'CLI error line followed by more output');
    }
  }

  if (last.text.startsWith(CLI_ERROR_PREFIX)) {
    return { outcome: errorOutcome(last, header ?? null, count - 1), header: header ?? null };
  }
  if (header !== undefined) cursor.next('"Walking map:" header');

  const only = cursor.remaining === 1 ? cursor.ahead(0) : undefined;
  if (only !== undefined && options.mapDump) {
    const text = only.norm;
    if (text === EMPTY_LPM_OR_LRU || text === EMPTY_HASH) {
      const reportedAs = text === EMPTY_HASH ? 'hash' : 'lpm-or-lru';
      return {
        outcome: { kind: 'empty-map', line: only.no, message: text, reportedAs, header: header ?? null },
        header: header ?? null,
      };
    }
  }
  if (header !== undefined && cursor.remaining === 0) return { outcome: { kind: 'header-only', header }, header };
  return { outcome: null, header: header ?? null };
}

function usageError(first: SourceLine): CliFailure | undefined {
  if (first.text.startsWith(USAGE_ERROR_PREFIX)) {
    return { kind: 'cli-usage-error', line: first.no, message: first.text.slice(USAGE_ERROR_PREFIX.length).trim() };
  }
  if (first.text.startsWith(STDERR_ERROR_PREFIX)) {
    const message = first.text.slice(STDERR_ERROR_PREFIX.length).trim();
    const unquoted =
      message.startsWith("'") && message.lastIndexOf("'") > 0 ? message.slice(1, message.lastIndexOf("'")) : message;
    return { kind: 'cli-usage-error', line: first.no, message: unquoted };
  }
  return undefined;
}

function errorOutcome(
  line: SourceLine,
  header: WalkingMapHeader | null,
  precedingLineCount: number,
): CliErrorOutput | EmptyMapOutput {
  const message = line.text.slice(CLI_ERROR_PREFIX.length).trim();
  const bodyLines = precedingLineCount - (header === null ? 0 : 1);
  if (collapse(message) === FIRST_KEY_ENOENT && bodyLines === 0) {
    return { kind: 'empty-map', line: line.no, message, reportedAs: 'ipv6-first-key-enoent', header };
  }
  return { kind: 'cli-error', line: line.no, message, category: classifyCliError(message), header, precedingLineCount };
}

/** An output that is only an error, usage error, empty-map message or bare `Walking map:` header. */
export function parseCliMessageOutput(text: string, fileName: string): Result<CliOutcome, NodeOutputParseError> {
  return runParser(() => {
    const cursor: LineCursor = LineCursor.of(fileName, text);
    const { outcome } = readCliPreamble(cursor, { mapDump: true });
    if (outcome !== null) return outcome;
    const reason = 'not an aws-eks-na-cli error, usage error or empty-map message';
    const line = cursor.peek();
    return line === undefined ? cursor.failAt(cursor.lastLineNo, reason) : cursor.fail(line, reason);
  });
}
