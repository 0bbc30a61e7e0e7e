import type { NodeOutputParseError, Result } from '../../errors';
import type { LpmEntry, LpmGeneration, LpmMapDump, MapDumpOutcome, MapReadError, PolicySlot } from '../model';
import { readCliPreamble } from './cli-outcome';
import { afterLabel, isRule, LineCursor, runParser } from './line-cursor';
import { readLpmDumpFast } from './lpm-fast-path';
import { DONE_READING, expectEnd, expectEntryEnd, FamilyTracker, nextEntryLine } from './map-walk';
import { G1_LABELS, G2_LABELS, G3_LABELS, readSlot, type RawSlot, type SlotLabels } from './policy-slot';

const G2_KEY = 'Key : IP/Prefixlen -';
const G3_KEY = 'Key:';

/**
 * `aws-eks-na-cli ebpf dump-maps <id>` on an `ingress_map`/`egress_map` (§1.3.4), generations G1, G2 and G3,
 * with or without the IPv6 CLI `Walking map:` header; also its error and empty-map outputs.
 */
export function parseLpmMapDump(
  text: string,
  fileName: string,
): Result<MapDumpOutcome<LpmMapDump>, NodeOutputParseError> {
  const fast = readLpmDumpFast(text, fileName);
  if (fast !== undefined) return { ok: true, value: fast };
  return runParser(() => readLpmMapDump(LineCursor.of(fileName, text)));
}

export function readLpmMapDump(cursor: LineCursor): MapDumpOutcome<LpmMapDump> {
  const preamble = readCliPreamble(cursor, { mapDump: true });
  if (preamble.outcome !== null) return preamble.outcome;
  const families = new FamilyTracker(preamble.header === null ? undefined : 'ipv6');
  const entries: LpmEntry[] = [];
  const readErrors: MapReadError[] = [];
  let generation: LpmGeneration | null = null;

  const expecting = `a key line or "${DONE_READING}"`;
  for (;;) {
    const line = nextEntryLine(cursor, expecting, readErrors);
    if (line === undefined) break;
    const text = line.norm;
    let keyText = afterLabel(text, G3_KEY);
    let lineGeneration: LpmGeneration = 'G3';
    if (keyText === undefined) {
      keyText = afterLabel(text, G2_KEY);
      const following = cursor.peek();
      lineGeneration = following !== undefined && following.norm === 'Value :' ? 'G1' : 'G2';
    }
    if (keyText === undefined) cursor.fail(line, 'expected a map key line ("Key: …" or "Key : IP/Prefixlen - …")');
    if (generation !== null && generation !== lineGeneration) {
      cursor.fail(line, `${lineGeneration} entry in a ${generation} dump`);
    }
    generation = lineGeneration;
    const key = families.key(cursor, line, keyText);
    if (lineGeneration === 'G3' && preamble.header !== null) {
      cursor.fail(line, 'G3 (IPv4 CLI) entry after an IPv6 CLI "Walking map:" header');
    }
    const values =
      lineGeneration === 'G1'
        ? [toPolicySlot(readSlot(cursor, G1_LABELS))]
        : readSlotBlocks(cursor, labelsOf(lineGeneration)).map(toPolicySlot);
    if (lineGeneration === 'G1') expectEntryEnd(cursor);
    entries.push({ ...key, values });
  }
  expectEnd(cursor);
  return {
    kind: 'lpm-map',
    family: families.value ?? 'ipv4',
    generation,
    header: preamble.header,
    entries,
    readErrors,
  };
}

function labelsOf(generation: 'G2' | 'G3'): SlotLabels {
  return generation === 'G2' ? G2_LABELS : G3_LABELS;
}

/** G2/G3: `-------------------` slot `-------------------` … `*******************************`. */
export function readSlotBlocks(cursor: LineCursor, labels: SlotLabels): RawSlot[] {
  const slots: RawSlot[] = [];
  for (;;) {
    const line = cursor.next('a "-------" slot separator or the "*******" entry separator');
    const text = line.norm;
    if (isRule(text, '*')) return slots;
    if (!isRule(text, '-')) cursor.fail(line, 'expected a "-------" slot separator or the "*******" entry separator');
    slots.push(readSlot(cursor, labels));
    const close = cursor.next('the closing "-------" slot separator');
    if (!isRule(close.norm, '-')) cursor.fail(close, 'expected the closing "-------" slot separator');
  }
}

export function toPolicySlot(raw: RawSlot): PolicySlot {
  return {
    line: raw.line,
    slot: raw.slot,
    protocol: raw.protocol,
    protocolLabel: raw.protocolLabel,
    startPort: raw.startPort,
    endPort: raw.endPort,
  };
}
