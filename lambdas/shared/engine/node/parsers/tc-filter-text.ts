import type { NodeOutputParseError, Result } from '../../errors';
import type { TcFilter, TcFilterOutput, TcHook } from '../model';
import { LineCursor, parseUint, runParser, type SourceLine } from './line-cursor';

const FLAG_TOKENS = new Set(['direct-action', 'not_in_hw', 'in_hw', 'skip_hw', 'skip_sw']);
const OPTION_KEYWORDS = new Set([...FLAG_TOKENS, 'in_hw_count', 'id', 'name', 'tag', 'jited', 'flowid', 'classid']);

export interface TcParseOptions {
  /** The hook the command asked for (`tc filter show dev <veth> ingress|egress`). */
  readonly hook?: TcHook;
}

/**
 * `tc filter show dev <veth> ingress|egress` text (§3.1), iproute2 with and without the program `name` token.
 * Empty output (no filters) is a valid result with no filters.
 */
export function parseTcFilterText(
  text: string,
  fileName: string,
  options: TcParseOptions = {},
): Result<TcFilterOutput, NodeOutputParseError> {
  return runParser(() => readTcFilterText(LineCursor.of(fileName, text), options.hook ?? null));
}

export function readTcFilterText(cursor: LineCursor, hook: TcHook | null): TcFilterOutput {
  const filters: TcFilter[] = [];
  let chainHeaderCount = 0;
  while (!cursor.done) {
    const line = cursor.next('a filter line');
    const filter = readFilterLine(cursor, line);
    if (filter === null) chainHeaderCount++;
    else filters.push(filter);
  }
  return {
    kind: 'tc-filters',
    source: 'text',
    hook,
    chainHeaderCount,
    filters,
    programNameToken: nameTokenPresence(filters),
  };
}

export function nameTokenPresence(filters: readonly TcFilter[]): TcFilterOutput['programNameToken'] {
  const withProgram = filters.filter((f) => f.programId !== null);
  if (withProgram.length === 0) return null;
  return withProgram.every((f) => f.programName !== null) ? 'present' : 'absent';
}

class Tokens {
  private index = 0;
  constructor(
    private readonly cursor: LineCursor,
    private readonly line: SourceLine,
    private readonly tokens: readonly string[],
  ) {}

  /** Next non-empty token, or undefined at the end. */
  peek(): string | undefined {
    while (this.index < this.tokens.length && this.tokens[this.index] === '') this.index++;
    return this.tokens[this.index];
  }

  take(what: string): string {
    const token = this.peek();
    if (token === undefined) this.fail(`filter line ends before ${what}`);
    this.index++;
    return token;
  }

  /** The raw next token, possibly empty (`name ` followed by an empty program name). */
  takeRaw(): string {
    const token = this.tokens[this.index] ?? '';
    this.index++;
    return token;
  }

  uint(what: string): number {
    const value = parseUint(this.take(what));
    if (value === undefined) this.fail(`${what} is not an unsigned integer`);
    return value;
  }

  fail(reason: string): never {
    return this.cursor.fail(this.line, reason);
  }
}

/** Returns null for the `filter protocol all pref 1 bpf chain 0` header line. */
function readFilterLine(cursor: LineCursor, line: SourceLine): TcFilter | null {
  const t = new Tokens(cursor, line, line.text.split(' '));
  if (t.take('"filter"') !== 'filter') t.fail('expected a line starting with "filter"');
  if (t.peek() === 'parent') {
    t.take('parent');
    t.take('the parent handle');
  }
  if (t.take('"protocol"') !== 'protocol') t.fail('expected "protocol <proto>"');
  const protocol = t.take('the protocol');
  if (t.take('"pref"') !== 'pref') t.fail('expected "pref <n>"');
  const pref = t.uint('pref');
  const kind = t.take('the classifier kind');
  let chain: number | null = null;
  if (t.peek() === 'chain') {
    t.take('chain');
    chain = t.uint('chain');
  }
  if (t.peek() === undefined) return null;
  if (t.take('"handle"') !== 'handle') t.fail('expected "handle <hex>" after the classifier kind');
  const handleText = t.take('the handle');
  if (!/^0x[0-9a-f]{1,8}$/i.test(handleText)) t.fail('handle is not a hex number');
  const handle = Number.parseInt(handleText.slice(2), 16);

  const filter = {
    line: line.no,
    protocol,
    pref,
    kind,
    chain,
    handle,
    name: null as string | null,
    directAction: false,
    notInHw: false,
    programId: null as number | null,
    programName: null as string | null,
    tag: null as string | null,
    jited: false,
  };
  for (let token = t.peek(); token !== undefined; token = t.peek()) {
    t.take('an option');
    if (token === 'flowid' || token === 'classid') t.take(`the ${token}`);
    else if (token === 'direct-action') filter.directAction = true;
    else if (token === 'not_in_hw') filter.notInHw = true;
    else if (FLAG_TOKENS.has(token)) continue;
    else if (token === 'in_hw_count') t.uint('in_hw_count');
    else if (token === 'id') filter.programId = t.uint('program id');
    else if (token === 'name') filter.programName = t.takeRaw();
    else if (token === 'tag') filter.tag = readTag(t);
    else if (token === 'jited') filter.jited = true;
    else if (filter.name === null && filter.programId === null && !OPTION_KEYWORDS.has(token)) filter.name = token;
    else t.fail(`unexpected token "${token}" in the filter options`);
  }
  return filter;
}

function readTag(t: Tokens): string {
  const tag = t.take('the program tag');
  if (!/^[0-9a-f]{1,64}$/i.test(tag)) t.fail('program tag is not hex');
  return tag;
}
