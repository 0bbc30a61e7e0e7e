import type { NodeOutputParseError, Result } from '../../errors';
import type {
  CliFailure,
  LoadedEbpfDataOutput,
  LoadedProgram,
  LoadedProgramMap,
  MapRole,
  PodIdentifier,
  PolicyDirection,
} from '../model';
import { readCliPreamble } from './cli-outcome';
import { afterLabel, isRule, LineCursor, runParser, uintField, type SourceLine } from './line-cursor';

export const PROGRAM_PIN_DIR = '/sys/fs/bpf/globals/aws/programs/';

/** Longest suffix first, so `cp_ingress_map` is not taken for `ingress_map`. */
const ROLE_SUFFIXES: readonly Exclude<MapRole, 'unnamed' | 'unknown'>[] = [
  'ingress_pod_state_map',
  'egress_pod_state_map',
  'aws_conntrack_map',
  'cp_ingress_map',
  'cp_egress_map',
  'policy_events',
  'ingress_map',
  'egress_map',
];

/** `aws-eks-na-cli ebpf loaded-ebpfdata` (§1.3.3): `Prog ID`/`Prog FD` forms, `-`/`@` identifiers, empty map names. */
export function parseLoadedEbpfData(
  text: string,
  fileName: string,
): Result<LoadedEbpfDataOutput | CliFailure, NodeOutputParseError> {
  return runParser(() => readLoadedEbpfData(LineCursor.of(fileName, text)));
}

export function readLoadedEbpfData(cursor: LineCursor): LoadedEbpfDataOutput | CliFailure {
  const preamble = readCliPreamble(cursor, { mapDump: false });
  if (preamble.outcome !== null) {
    if (preamble.outcome.kind === 'cli-error' || preamble.outcome.kind === 'cli-usage-error') return preamble.outcome;
    const line = cursor.peek();
    if (line !== undefined) cursor.fail(line, 'unexpected map-dump output in loaded-ebpfdata');
  }
  const programs: LoadedProgram[] = [];
  let lastBlock: ProgramBlock | undefined;
  while (!cursor.done) {
    lastBlock = readBlock(cursor);
    programs.push(lastBlock.program);
  }
  if (lastBlock !== undefined && !lastBlock.separated) requireCompleteLastBlock(cursor, programs);
  return {
    kind: 'loaded-ebpfdata',
    programReference: summarise(programs.map((p) => (p.programId === null ? 'fd' : 'id'))),
    identifierSeparator: summarise(programs.map((p) => p.podIdentifier.separator)),
    programs,
  };
}

function summarise<T extends string>(values: readonly T[]): T | 'mixed' | null {
  const first = values[0];
  if (first === undefined) return null;
  return values.every((v) => v === first) ? first : 'mixed';
}

interface ProgramBlock {
  readonly program: LoadedProgram;
  /** The block ended with its `=======` separator line (false: the output ended after a Map ID line). */
  readonly separated: boolean;
}

const BLOCK_END = '"Map Name:" or the "=======" block separator';

/** Maps every NPA tc program references, by generation (§1.3.1): ≤ v1.1.x, v1.2.x (pod state), v1.3.0+ (cp). */
const MAPS_PER_PROGRAM = { base: 3, podState: 4, cp: 5 } as const;

/**
 * The last block may lack its separator (copied or collected output that stops after the last Map ID) when it
 * lists as many maps as its generation references and as the separated blocks before it; fewer is a truncation.
 */
function requireCompleteLastBlock(cursor: LineCursor, programs: readonly LoadedProgram[]): void {
  const last = programs.at(-1);
  if (last === undefined) return;
  const roles = new Set(programs.flatMap((program) => program.maps.map((map) => map.role)));
  const has = (...names: MapRole[]): boolean => names.some((name) => roles.has(name));
  let generation: number = MAPS_PER_PROGRAM.base;
  if (has('cp_ingress_map', 'cp_egress_map')) generation = MAPS_PER_PROGRAM.cp;
  else if (has('ingress_pod_state_map', 'egress_pod_state_map')) generation = MAPS_PER_PROGRAM.podState;
  const separated = programs.slice(0, -1).map((program) => program.maps.length);
  if (last.maps.length >= Math.max(generation, ...separated)) return;
  cursor.failAt(cursor.lastLineNo, `output ends after this line, expected ${BLOCK_END} (truncated?)`);
}

function readBlock(cursor: LineCursor): ProgramBlock {
  const pinLine = cursor.next('"PinPath:"');
  const pinPath = afterLabel(pinLine.norm, 'PinPath:');
  if (pinPath === undefined || pinPath === '' || pinPath.includes(' '))
    cursor.fail(pinLine, 'expected "PinPath:  <path>"');

  const podLine = cursor.next('"Pod Identifier : … Direction : …"');
  const podTokens = podLine.norm.split(' ');
  if (
    podTokens.length !== 7 ||
    podTokens.slice(0, 3).join(' ') !== 'Pod Identifier :' ||
    podTokens[4] !== 'Direction' ||
    podTokens[5] !== ':'
  ) {
    cursor.fail(podLine, 'expected "Pod Identifier : <id>  Direction : <direction>"');
  }
  const printedPodIdentifier = podTokens[3] ?? '';
  const printedDirection = podTokens[6] ?? '';

  const fromPin = identifierFromPinPath(pinPath);
  const direction = fromPin?.direction ?? asDirection(printedDirection);
  if (direction === undefined)
    cursor.fail(podLine, 'direction is neither in the pin path nor printed as ingress/egress');
  const podIdentifier = toPodIdentifier(fromPin?.identifier ?? printedPodIdentifier);
  if (podIdentifier === undefined) cursor.fail(pinLine, 'pod identifier has neither an "@" nor a "-" separator');

  const progLine = cursor.next('"Prog ID:" or "Prog FD:"');
  const progText = progLine.norm;
  const idText = afterLabel(progText, 'Prog ID:');
  const fdText = afterLabel(progText, 'Prog FD:');
  if (idText === undefined && fdText === undefined)
    cursor.fail(progLine, 'expected "Prog ID:  <id>" or "Prog FD:  <fd>"');
  const programId = idText === undefined ? null : uintField(cursor, progLine, idText, 'program id');
  const programFd = fdText === undefined ? null : uintField(cursor, progLine, fdText, 'program fd');

  const mapsLine = cursor.next('"Associated Maps ->"');
  if (mapsLine.norm !== 'Associated Maps ->') cursor.fail(mapsLine, 'expected "Associated Maps ->"');

  const maps: LoadedProgramMap[] = [];
  let separated = false;
  while (!separated && !(maps.length > 0 && cursor.done)) {
    const line = cursor.next(BLOCK_END);
    separated = isRule(line.norm, '=');
    if (!separated) maps.push(readMap(cursor, line, line.norm));
  }
  const program: LoadedProgram = {
    line: pinLine.no,
    pinPath,
    podIdentifier,
    direction,
    printedPodIdentifier,
    printedDirection,
    programId,
    programFd,
    maps,
  };
  return { program, separated };
}

function readMap(cursor: LineCursor, nameLine: SourceLine, text: string): LoadedProgramMap {
  const name = afterLabel(text, 'Map Name:');
  if (name === undefined || name.includes(' '))
    cursor.fail(nameLine, 'expected "Map Name:  <name>" (name may be empty)');
  const idLine = cursor.next('"Map ID:"');
  const idText = afterLabel(idLine.norm, 'Map ID:');
  if (idText === undefined) cursor.fail(idLine, 'expected "Map ID:  <id>"');
  return { line: nameLine.no, name, id: uintField(cursor, idLine, idText, 'map id'), role: mapRole(name) };
}

/** `<podIdentifier>_handle_<ingress|egress>` under the program pin directory, or undefined. */
export function identifierFromPinPath(
  pinPath: string,
): { readonly identifier: string; readonly direction: PolicyDirection } | undefined {
  const base = pinPath.slice(pinPath.lastIndexOf('/') + 1);
  for (const direction of ['ingress', 'egress'] as const) {
    const suffix = `_handle_${direction}`;
    if (base.endsWith(suffix) && base.length > suffix.length)
      return { identifier: base.slice(0, -suffix.length), direction };
  }
  return undefined;
}

/** Splits an identifier into its parts where that is unambiguous (`@` form, v1.4.0+). */
export function toPodIdentifier(raw: string): PodIdentifier | undefined {
  const at = raw.lastIndexOf('@');
  if (at > 0 && at < raw.length - 1) {
    return { raw, separator: '@', namePrefix: raw.slice(0, at), namespace: raw.slice(at + 1) };
  }
  if (at < 0 && raw.indexOf('-') > 0 && !raw.endsWith('-'))
    return { raw, separator: '-', namePrefix: null, namespace: null };
  return undefined;
}

/** Map role by suffix, since names of pods with `.` carry a prefix (`app-5f@ns_ingress_map`, §1.3.3). */
export function mapRole(name: string): MapRole {
  if (name === '') return 'unnamed';
  for (const role of ROLE_SUFFIXES) {
    if (name === role || name.endsWith(`_${role}`)) return role;
  }
  return 'unknown';
}

function asDirection(text: string): PolicyDirection | undefined {
  return text === 'ingress' || text === 'egress' ? text : undefined;
}
