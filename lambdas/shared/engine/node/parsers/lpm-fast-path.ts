/**
 * Allocation-light reader for the common shape of an LPM dump: G2 or G3 entries exactly as the CLI prints them
 * (optionally after the IPv6 `Walking map:` header), ending with `Done reading all entries`. It reads the text in
 * place, without splitting it into normalised lines. Anything it does not recognise (other spacing inside labels,
 * G1, read-error lines, CLI messages, malformed input) makes it return undefined, and the tolerant line-based
 * parser takes over; that one produces every parse error, so errors are unchanged.
 */
import type { IpFamily } from '../../facts/cidr';
import type { LpmEntry, LpmGeneration, LpmMapDump, PolicySlot, ProtocolNumber } from '../model';
import { readWalkingMapHeader } from './cli-outcome';
import { parseCidrText } from './ip-text';
import { LineCursor, sourceLine } from './line-cursor';
import { DONE_READING } from './map-walk';
import { PROTOCOL_BY_LABEL } from './policy-slot';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const DASH = 45;
const STAR = 42;
const COLON = 58;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;

const MAX_U32 = 4294967295;
const MAX_SLOT_INDEX = 23;

/** `utils.GetProtocol` labels, as printed. */
const PROTOCOLS: readonly (readonly [string, ProtocolNumber])[] = [...PROTOCOL_BY_LABEL];

/** A line label: with one space where blanks may run (matched as `[ \t]+`), and as the CLI prints it. */
interface Label {
  readonly label: string;
  /** The label and the blanks after it, in the CLI's exact spacing. */
  readonly printed: string;
}

interface GenerationLabels {
  readonly key: Label;
  readonly index: Label;
  readonly protocol: Label;
  readonly startPort: Label;
  readonly endPort: Label;
}

const G3: GenerationLabels = {
  key: { label: 'Key:', printed: 'Key: ' },
  index: { label: 'Entry', printed: 'Entry ' },
  protocol: { label: 'Protocol -', printed: 'Protocol  - ' },
  startPort: { label: 'StartPort -', printed: 'StartPort - ' },
  endPort: { label: 'EndPort -', printed: 'EndPort   - ' },
};
const G2: GenerationLabels = {
  key: { label: 'Key : IP/Prefixlen -', printed: 'Key : IP/Prefixlen - ' },
  index: { label: 'Value Entry :', printed: 'Value Entry :  ' },
  protocol: { label: 'Protocol -', printed: 'Protocol -  ' },
  startPort: { label: 'StartPort -', printed: 'StartPort -  ' },
  endPort: { label: 'Endport -', printed: 'Endport -  ' },
};

/** Signals "not the common shape": the caller falls back to the tolerant parser. Thrown as one shared instance. */
class NotFastPath extends Error {}
const NOT_FAST = new NotFastPath('not the common dump shape');

class TextScanner {
  /** Start of the next line. */
  private next = 0;
  /** 1-based number of the current line. */
  no = 0;
  /** Current line without trailing blanks (`[ \t\r]`). */
  start = 0;
  end = 0;
  /** Read position inside the current line. */
  at = 0;

  constructor(readonly text: string) {}

  /** Moves to the next line; false after the last one (`split('\n')` semantics). */
  advance(): boolean {
    const text = this.text;
    if (this.next > text.length) return false;
    let newline = text.indexOf('\n', this.next);
    if (newline === -1) newline = text.length;
    let end = newline;
    while (end > this.next) {
      const c = text.charCodeAt(end - 1);
      if (c !== SPACE && c !== TAB && c !== CR) break;
      end--;
    }
    this.start = this.next;
    this.at = this.next;
    this.end = end;
    this.next = newline + 1;
    this.no++;
    return true;
  }

  /** The current line as `split('\n')` yields it. */
  rawLine(): string {
    return this.text.slice(this.start, this.next - 1);
  }

  line(): void {
    if (!this.advance()) throw NOT_FAST;
  }

  get blank(): boolean {
    return this.start === this.end;
  }

  /** Whether the rest of the text is blank lines only (what the tolerant reader trims). */
  restIsBlank(): boolean {
    const text = this.text;
    for (let i = this.next; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== TAB && c !== CR && c !== 10) return false;
    }
    return true;
  }

  is(literal: string): boolean {
    return this.end - this.start === literal.length && this.text.startsWith(literal, this.start);
  }

  /** The line is one character repeated, at least three times (a `-` or `*` rule). */
  isRule(char: number): boolean {
    if (this.end - this.start < 3) return false;
    const text = this.text;
    for (let i = this.start; i < this.end; i++) if (text.charCodeAt(i) !== char) return false;
    return true;
  }

  /** Consumes the label and the blanks after it; false if the line does not start with it or has no value. */
  field({ label, printed }: Label): boolean {
    const at = this.start + printed.length;
    if (at < this.end && this.text.startsWith(printed, this.start)) {
      const c = this.text.charCodeAt(at);
      if (c !== SPACE && c !== TAB) {
        this.at = at;
        return true;
      }
    }
    return this.label(label);
  }

  /** Consumes `label` (its spaces match blank runs) and the blank run after it; false if the line differs. */
  private label(label: string): boolean {
    const text = this.text;
    let at = this.at;
    for (let i = 0; i < label.length; i++) {
      const want = label.charCodeAt(i);
      if (want === SPACE) {
        if (!this.isBlankAt(at)) return false;
        while (this.isBlankAt(at)) at++;
      } else {
        if (at >= this.end || text.charCodeAt(at) !== want) return false;
        at++;
      }
    }
    if (!this.isBlankAt(at)) return false;
    while (this.isBlankAt(at)) at++;
    this.at = at;
    return at < this.end;
  }

  private isBlankAt(at: number): boolean {
    if (at >= this.end) return false;
    const c = this.text.charCodeAt(at);
    return c === SPACE || c === TAB;
  }

  /** Decimal digits from the read position to `stop` (the strict `parseUint`), or -1. */
  uintUntil(stop: number, max: number): number {
    const text = this.text;
    const length = stop - this.at;
    if (length === 0 || length > 16) return -1;
    let value = 0;
    for (let i = this.at; i < stop; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) return -1;
      value = value * 10 + (c - ZERO);
    }
    return value <= max ? value : -1;
  }
}

function uintField(scan: TextScanner, label: Label, max: number): number {
  scan.line();
  if (!scan.field(label)) throw NOT_FAST;
  const value = scan.uintUntil(scan.end, max);
  if (value < 0) throw NOT_FAST;
  return value;
}

function readSlot(scan: TextScanner, labels: GenerationLabels, generation: LpmGeneration): PolicySlot {
  scan.line();
  const line = scan.no;
  if (!scan.field(labels.index)) throw NOT_FAST;
  const text = scan.text;
  let stop = scan.end;
  if (generation === 'G3') {
    if (text.charCodeAt(stop - 1) !== COLON) throw NOT_FAST;
    stop--;
  }
  const slot = scan.uintUntil(stop, MAX_SLOT_INDEX);
  if (slot < 0) throw NOT_FAST;

  scan.line();
  if (!scan.field(labels.protocol)) throw NOT_FAST;
  const length = scan.end - scan.at;
  let protocolLabel: string | undefined;
  let protocol: ProtocolNumber = null;
  for (const [candidate, number] of PROTOCOLS) {
    if (candidate.length === length && text.startsWith(candidate, scan.at)) {
      protocolLabel = candidate;
      protocol = number;
      break;
    }
  }
  if (protocolLabel === undefined) throw NOT_FAST;

  const startPort = uintField(scan, labels.startPort, MAX_U32);
  const endPort = uintField(scan, labels.endPort, MAX_U32);
  return { line, slot, protocol, protocolLabel, startPort, endPort };
}

/** Four-part decimal IPv4 without leading zeros, each part ≤ 255 (`isValidFourPartDecimal`), then `/len`. */
function ipv4Slash(text: string, from: number, to: number): number {
  let at = from;
  for (let part = 0; part < 4; part++) {
    const first = at;
    let value = 0;
    while (at < to) {
      const c = text.charCodeAt(at);
      if (c < ZERO || c > NINE) break;
      value = value * 10 + (c - ZERO);
      at++;
    }
    const digits = at - first;
    if (digits === 0 || digits > 3 || value > 255 || (digits > 1 && text.charCodeAt(first) === ZERO)) return -1;
    if (at >= to || text.charCodeAt(at) !== (part === 3 ? SLASH : DOT)) return -1;
    if (part < 3) at++;
  }
  return at;
}

interface FastKey {
  readonly ip: string;
  readonly prefixLen: number;
  readonly cidr: string;
  readonly family: IpFamily;
}

function readKey(scan: TextScanner): FastKey {
  const text = scan.text;
  const from = scan.at;
  const to = scan.end;
  const slash = ipv4Slash(text, from, to);
  if (slash > 0) {
    const digits = to - slash - 1;
    const first = text.charCodeAt(slash + 1);
    if (digits >= 1 && digits <= 2 && !(digits === 2 && first === ZERO)) {
      let prefixLen = first - ZERO;
      const second = digits === 2 ? text.charCodeAt(slash + 2) : ZERO;
      if (digits === 2) prefixLen = prefixLen * 10 + (second - ZERO);
      if (first >= ZERO && first <= NINE && second >= ZERO && second <= NINE && prefixLen <= 32) {
        return { ip: text.slice(from, slash), prefixLen, cidr: text.slice(from, to), family: 'ipv4' };
      }
    }
  }
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) throw NOT_FAST;
  }
  const parsed = parseCidrText(text.slice(from, to));
  if (parsed === undefined) throw NOT_FAST;
  return {
    ip: parsed.ip,
    prefixLen: parsed.prefixLen,
    cidr: `${parsed.ip}/${parsed.prefixLen}`,
    family: parsed.family,
  };
}

/** The `Walking map:` header through the tolerant reader, on that one line; undefined if it is malformed. */
function readHeader(scan: TextScanner, file: string): ReturnType<typeof readWalkingMapHeader> {
  const line = sourceLine(scan.no, scan.rawLine());
  try {
    return readWalkingMapHeader(new LineCursor(file, [line]), line);
  } catch {
    return undefined;
  }
}

function readDump(text: string, file: string): LpmMapDump {
  const scan = new TextScanner(text);
  do scan.line();
  while (scan.blank);
  let header: ReturnType<typeof readWalkingMapHeader> = undefined;
  if (scan.text.startsWith('Walking map:', scan.start)) {
    header = readHeader(scan, file);
    if (header === undefined) throw NOT_FAST;
    scan.line();
  }
  let family: IpFamily | undefined = header === undefined ? undefined : 'ipv6';
  let generation: LpmGeneration | null = null;
  let labels: GenerationLabels = G3;
  const entries: LpmEntry[] = [];
  for (;;) {
    if (scan.is(DONE_READING)) break;
    const line = scan.no;
    let lineGeneration: LpmGeneration;
    if (scan.field(G3.key)) lineGeneration = 'G3';
    else if (scan.field(G2.key)) lineGeneration = 'G2';
    else throw NOT_FAST;
    if (generation === null) {
      generation = lineGeneration;
      labels = lineGeneration === 'G3' ? G3 : G2;
      if (generation === 'G3' && header !== undefined) throw NOT_FAST;
    } else if (generation !== lineGeneration) throw NOT_FAST;
    const key = readKey(scan);
    if (family !== undefined && family !== key.family) throw NOT_FAST;
    family = key.family;

    const values: PolicySlot[] = [];
    for (;;) {
      scan.line();
      if (scan.isRule(STAR)) break;
      if (!scan.isRule(DASH)) throw NOT_FAST;
      values.push(readSlot(scan, labels, generation));
      scan.line();
      if (!scan.isRule(DASH)) throw NOT_FAST;
    }
    entries.push({ line, ip: key.ip, prefixLen: key.prefixLen, cidr: key.cidr, values });
    scan.line();
  }
  if (!scan.restIsBlank()) throw NOT_FAST;
  return {
    kind: 'lpm-map',
    family: family ?? 'ipv4',
    generation,
    header: header ?? null,
    entries,
    readErrors: [],
  };
}

/** The dump when it has the common shape; undefined when the tolerant parser must decide. */
export function readLpmDumpFast(text: string, file: string): LpmMapDump | undefined {
  try {
    return readDump(text, file);
  } catch (error) {
    if (error instanceof NotFastPath) return undefined;
    throw error;
  }
}
