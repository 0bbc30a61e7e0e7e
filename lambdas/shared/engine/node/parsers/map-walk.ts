import { familyLabel, type IpFamily } from '../../facts/cidr';
import type { MapKey, MapReadError } from '../model';
import { parseCidrText } from './ip-text';
import { isRule, type LineCursor, type SourceLine } from './line-cursor';

export const DONE_READING = 'Done reading all entries';

/** G3 `error reading NetworkPolicy entry: …` line, or undefined. */
/**
 * The next entry line of a map dump, with the CLI's `error reading … entry:` lines collected into `readErrors`;
 * `undefined` at `Done reading all entries`.
 */
export function nextEntryLine(
  cursor: LineCursor,
  expecting: string,
  readErrors: MapReadError[],
): SourceLine | undefined {
  for (;;) {
    const line = cursor.next(expecting);
    if (line.norm === DONE_READING) return undefined;
    const readError = readErrorLine(line);
    if (readError === undefined) return line;
    readErrors.push(readError);
  }
}

export function readErrorLine(line: SourceLine): MapReadError | undefined {
  const text = line.norm;
  for (const policyKind of ['NetworkPolicy', 'ClusterNetworkPolicy'] as const) {
    const prefix = `error reading ${policyKind} entry:`;
    if (text.startsWith(prefix)) return { line: line.no, policyKind, message: text.slice(prefix.length).trim() };
  }
  return undefined;
}

/** Tracks that every key of a dump has the family of the first one (or of the IPv6 header). */
export class FamilyTracker {
  constructor(private family: IpFamily | undefined) {}

  get value(): IpFamily | undefined {
    return this.family;
  }

  key(cursor: LineCursor, line: SourceLine, cidrText: string): MapKey {
    const cidr = parseCidrText(cidrText);
    if (cidr === undefined) cursor.fail(line, 'expected an IP/prefix-length key');
    this.check(cursor, line, cidr.family);
    return { line: line.no, ip: cidr.ip, prefixLen: cidr.prefixLen, cidr: `${cidr.ip}/${cidr.prefixLen}` };
  }

  check(cursor: LineCursor, line: SourceLine, family: IpFamily): void {
    if (this.family !== undefined && this.family !== family) {
      cursor.fail(line, `${familyLabel(family)} address in a dump of ${familyLabel(this.family)} entries`);
    }
    this.family = family;
  }
}

/** Consumes the `*` rule that closes an entry. */
export function expectEntryEnd(cursor: LineCursor): void {
  const line = cursor.next('the "*******" entry separator');
  if (!isRule(line.norm, '*')) cursor.fail(line, 'expected the "*******" entry separator');
}

/** After `Done reading all entries` nothing may follow. */
export function expectEnd(cursor: LineCursor): void {
  const extra = cursor.peek();
  if (extra !== undefined) cursor.fail(extra, `output continues after "${DONE_READING}"`);
}
