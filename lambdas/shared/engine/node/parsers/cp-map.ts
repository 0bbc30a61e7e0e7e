import type { NodeOutputParseError, Result } from '../../errors';
import type { CpAction, CpEntry, CpMapDump, CpPolicySlot, CpTier, MapDumpOutcome, MapReadError } from '../model';
import { readCliPreamble } from './cli-outcome';
import { afterLabel, LineCursor, runParser } from './line-cursor';
import { DONE_READING, expectEnd, FamilyTracker, nextEntryLine } from './map-walk';
import { readSlotBlocks, toPolicySlot } from './lpm-map';
import { CP_LABELS, type RawSlot } from './policy-slot';

const KEY = 'Key:';
const ACTIONS: readonly CpAction[] = ['deny', 'accept', 'pass'];
const ADMIN_MAX_TIER_PRIORITY = 1000;
const BASELINE_OFFSET = 2000;

/** `aws-eks-na-cli ebpf dump-cp-maps <id>` (IPv4 CLI v1.3.0+, §1.3.5); every key is printed twice. */
export function parseCpMapDump(
  text: string,
  fileName: string,
): Result<MapDumpOutcome<CpMapDump>, NodeOutputParseError> {
  return runParser(() => readCpMapDump(LineCursor.of(fileName, text)));
}

export function readCpMapDump(cursor: LineCursor): MapDumpOutcome<CpMapDump> {
  const preamble = readCliPreamble(cursor, { mapDump: true });
  if (preamble.outcome !== null) return preamble.outcome;
  if (preamble.header !== null) {
    cursor.failAt(
      preamble.header.line,
      'dump-cp-maps output after an IPv6 "Walking map:" header (the IPv6 CLI has no dump-cp-maps)',
    );
  }
  const families = new FamilyTracker(undefined);
  const entries: CpEntry[] = [];
  const readErrors: MapReadError[] = [];

  const expecting = `a "Key:" line or "${DONE_READING}"`;
  for (;;) {
    const line = nextEntryLine(cursor, expecting, readErrors);
    if (line === undefined) break;
    const text = line.norm;
    const keyText = afterLabel(text, KEY);
    if (keyText === undefined) cursor.fail(line, 'expected a "Key:" line');
    const repeat = cursor.next('the repeated "Key:" line');
    if (repeat.norm !== text) cursor.fail(repeat, `expected the key to be printed twice ("${text}")`);
    const key = families.key(cursor, line, keyText);
    entries.push({ ...key, values: readSlotBlocks(cursor, CP_LABELS).map(toCpSlot) });
  }
  expectEnd(cursor);
  return { kind: 'cp-map', family: families.value ?? 'ipv4', entries, readErrors };
}

/** Decodes the stored `tierPriority*10 + action` (§1.3.5, §2.3). */
export function decodeCpPriority(
  priority: number,
): Pick<CpPolicySlot, 'tierPriority' | 'tier' | 'policyPriority' | 'actionCode' | 'action'> {
  const tierPriority = Math.floor(priority / 10);
  const actionCode = priority % 10;
  const tier: CpTier = tierPriority <= ADMIN_MAX_TIER_PRIORITY ? 'admin' : 'baseline';
  let policyPriority: number | null = tierPriority;
  if (tier === 'baseline') policyPriority = tierPriority >= BASELINE_OFFSET ? tierPriority - BASELINE_OFFSET : null;
  return { tierPriority, tier, policyPriority, actionCode, action: ACTIONS[actionCode] ?? 'unknown' };
}

function toCpSlot(raw: RawSlot): CpPolicySlot {
  const priority = raw.priority ?? 0;
  return { ...toPolicySlot(raw), priority, ...decodeCpPriority(priority) };
}
