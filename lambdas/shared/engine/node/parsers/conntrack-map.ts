import type { NodeOutputParseError, Result } from '../../errors';
import type {
  ConntrackAge,
  ConntrackDump,
  ConntrackEntry,
  ConntrackKeyGeneration,
  ConntrackLastSeen,
  ConntrackValueGeneration,
  MapDumpOutcome,
} from '../model';
import { readCliPreamble } from './cli-outcome';
import { parseGoDuration } from './go-duration';
import { ipFamily } from './ip-text';
import { afterLabel, LineCursor, runParser, uintField, type SourceLine } from './line-cursor';
import { DONE_READING, expectEnd, expectEntryEnd, FamilyTracker } from './map-walk';

const KEY_PREFIX = 'Conntrack Key :';
const MAX_U64 = 18446744073709551615n;

/** Fixed label tokens of the one-line key; `_` marks a value position (§1.3.7). */
const pattern = (text: string): readonly (string | null)[] =>
  text.split(' ').map((token) => (token === '_' ? null : token));
const BASE_KEY = 'Source IP - _ Source port - _ Dest IP - _ Dest port - _ Protocol - _';

const KEY_LAYOUTS: readonly {
  readonly generation: ConntrackKeyGeneration;
  readonly tokens: readonly (string | null)[];
}[] = [
  { generation: 'no-owner', tokens: pattern(BASE_KEY) },
  { generation: 'owner-ip', tokens: pattern(`${BASE_KEY} Owner IP - _`) },
  { generation: 'owner-ip-ifindex', tokens: pattern(`${BASE_KEY} Owner IP - _ Ifindex - _`) },
];

/** `aws-eks-na-cli ebpf dump-maps <id>` on `aws_conntrack_map`, every key and value generation (§1.3.7). */
export function parseConntrackDump(
  text: string,
  fileName: string,
): Result<MapDumpOutcome<ConntrackDump>, NodeOutputParseError> {
  return runParser(() => readConntrackDump(LineCursor.of(fileName, text)));
}

export function readConntrackDump(cursor: LineCursor): MapDumpOutcome<ConntrackDump> {
  const preamble = readCliPreamble(cursor, { mapDump: true });
  if (preamble.outcome !== null) return preamble.outcome;
  const families = new FamilyTracker(preamble.header === null ? undefined : 'ipv6');
  const entries: ConntrackEntry[] = [];
  let keyGeneration: ConntrackKeyGeneration | null = null;
  let valueGeneration: ConntrackValueGeneration | null = null;

  for (;;) {
    const line = cursor.next(`a "${KEY_PREFIX}" line or "${DONE_READING}"`);
    const text = line.norm;
    if (text === DONE_READING) break;
    const keyText = afterLabel(text, KEY_PREFIX);
    if (keyText === undefined) cursor.fail(line, `expected "${KEY_PREFIX} …"`);
    const key = readKey(cursor, line, keyText, families);
    if (keyGeneration !== null && keyGeneration !== key.generation) {
      cursor.fail(line, `conntrack key of generation ${key.generation} in a dump of ${keyGeneration} keys`);
    }
    keyGeneration = key.generation;

    const valueLine = cursor.next('"Value :"');
    if (valueLine.norm !== 'Value :') cursor.fail(valueLine, 'expected "Value :"');
    const valLine = cursor.next('"Conntrack Val - <n>"');
    const valText = afterLabel(valLine.norm, 'Conntrack Val -');
    if (valText === undefined) cursor.fail(valLine, 'expected "Conntrack Val - <n>"');
    const value = uintField(cursor, valLine, valText, 'conntrack value');

    const lastSeen = readLastSeen(cursor);
    const entryValueGeneration: ConntrackValueGeneration = lastSeen === null ? 'value' : 'value-last-seen';
    if (valueGeneration !== null && valueGeneration !== entryValueGeneration) {
      cursor.fail(line, `conntrack value of generation ${entryValueGeneration} in a dump of ${valueGeneration} values`);
    }
    valueGeneration = entryValueGeneration;
    expectEntryEnd(cursor);
    entries.push({ line: line.no, ...key.fields, value, lastSeen });
  }
  expectEnd(cursor);
  return {
    kind: 'conntrack-map',
    family: families.value ?? 'ipv4',
    keyGeneration,
    valueGeneration,
    header: preamble.header,
    entries,
  };
}

type KeyFields = Pick<
  ConntrackEntry,
  'sourceIp' | 'sourcePort' | 'destIp' | 'destPort' | 'protocol' | 'ownerIp' | 'ifindex'
>;

function readKey(
  cursor: LineCursor,
  line: SourceLine,
  keyText: string,
  families: FamilyTracker,
): { readonly generation: ConntrackKeyGeneration; readonly fields: KeyFields } {
  const tokens = keyText.split(' ');
  const layout = KEY_LAYOUTS.find((candidate) => candidate.tokens.length === tokens.length);
  if (layout === undefined) cursor.fail(line, 'conntrack key does not match any documented key format');
  const values: string[] = [];
  layout.tokens.forEach((expected, i) => {
    const token = tokens[i] ?? '';
    if (expected === null) values.push(token);
    else if (token !== expected) cursor.fail(line, `expected "${expected}" at token ${i + 1} of the conntrack key`);
  });
  const ip = (text: string): string => {
    const family = ipFamily(text);
    if (family === undefined) cursor.fail(line, `"${text}" is not an IP address`);
    families.check(cursor, line, family);
    return text;
  };
  const port = (text: string): number => uintField(cursor, line, text, 'port', 65535);
  const [sourceIp = '', sourcePort = '', destIp = '', destPort = '', protocol = '', ownerIp, ifindex] = values;
  return {
    generation: layout.generation,
    fields: {
      sourceIp: ip(sourceIp),
      sourcePort: port(sourcePort),
      destIp: ip(destIp),
      destPort: port(destPort),
      protocol: uintField(cursor, line, protocol, 'protocol', 255),
      ownerIp: ownerIp === undefined ? null : ip(ownerIp),
      ifindex: ifindex === undefined ? null : uintField(cursor, line, ifindex, 'ifindex'),
    },
  };
}

/** Optional `Last Seen (ns) -  <u64>  (<age> ago | never)` line (main after v1.4.1). */
function readLastSeen(cursor: LineCursor): ConntrackLastSeen | null {
  const line = cursor.peek();
  if (line === undefined) return null;
  const rest = afterLabel(line.norm, 'Last Seen (ns) -');
  if (rest === undefined) return null;
  cursor.next('"Last Seen (ns)"');
  const space = rest.indexOf(' ');
  const ns = space < 0 ? rest : rest.slice(0, space);
  const ageText = space < 0 ? '' : rest.slice(space + 1);
  if (ns.length === 0 || ns.length > 20 || !/^\d+$/.test(ns) || BigInt(ns) > MAX_U64) {
    cursor.fail(line, 'last-seen nanoseconds is not an unsigned 64-bit integer');
  }
  if (!ageText.startsWith('(') || !ageText.endsWith(')')) cursor.fail(line, 'expected "(<age> ago)" or "(never)"');
  const age = parseAge(ageText.slice(1, -1));
  if (age === undefined) cursor.fail(line, 'unreadable last-seen age');
  return { ns, age };
}

function parseAge(text: string): ConntrackAge | undefined {
  if (text === 'never') return { kind: 'never' };
  if (!text.endsWith(' ago')) return undefined;
  const duration = text.slice(0, -4);
  const milliseconds = parseGoDuration(duration);
  return milliseconds === undefined ? undefined : { kind: 'ago', text: duration, milliseconds };
}
