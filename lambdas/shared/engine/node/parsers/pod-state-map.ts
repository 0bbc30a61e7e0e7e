import type { NodeOutputParseError, Result } from '../../errors';
import { POD_STATE, type MapDumpOutcome, type PodStateEntry, type PodStateMapDump, type PodStateName } from '../model';
import { readCliPreamble } from './cli-outcome';
import { afterLabel, LineCursor, runParser, uintField } from './line-cursor';
import { expectEnd, expectEntryEnd } from './map-walk';

const DONE_HASH = 'Done reading all entries in BPF_MAP_TYPE_HASH';
const KEY_MEANING: readonly PodStateEntry['keyMeaning'][] = ['network-policy', 'cluster-network-policy'];

/** `aws-eks-na-cli ebpf dump-maps <id>` on an `*_pod_state_map` (IPv4 CLI v1.2.0+, §1.3.6). */
export function parsePodStateMapDump(
  text: string,
  fileName: string,
): Result<MapDumpOutcome<PodStateMapDump>, NodeOutputParseError> {
  return runParser(() => readPodStateMapDump(LineCursor.of(fileName, text)));
}

export function readPodStateMapDump(cursor: LineCursor): MapDumpOutcome<PodStateMapDump> {
  const preamble = readCliPreamble(cursor, { mapDump: true });
  if (preamble.outcome !== null) return preamble.outcome;
  const entries: PodStateEntry[] = [];
  for (;;) {
    const line = cursor.next(`a "Key :" line or "${DONE_HASH}"`);
    const text = line.norm;
    if (text === DONE_HASH) break;
    if (preamble.header !== null) cursor.fail(line, 'the IPv6 CLI prints nothing after the header of a HASH map');
    const keyText = afterLabel(text, 'Key :');
    if (keyText === undefined) cursor.fail(line, 'expected "Key : <n>"');
    const key = uintField(cursor, line, keyText, 'pod-state key');
    const stateLine = cursor.next('"State - <n>"');
    const stateText = afterLabel(stateLine.norm, 'State -');
    if (stateText === undefined) cursor.fail(stateLine, 'expected "State - <n>"');
    const state = uintField(cursor, stateLine, stateText, 'pod state', 255);
    expectEntryEnd(cursor);
    entries.push({
      line: line.no,
      key,
      keyMeaning: KEY_MEANING[key] ?? 'unknown',
      state,
      stateName: podStateName(state),
    });
  }
  expectEnd(cursor);
  return { kind: 'pod-state-map', entries };
}

export function podStateName(state: number): PodStateName | null {
  for (const [name, value] of Object.entries(POD_STATE)) if (value === state) return name as PodStateName;
  return null;
}
