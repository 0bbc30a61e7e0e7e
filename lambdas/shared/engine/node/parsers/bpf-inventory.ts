import type { NodeOutputParseError, Result } from '../../errors';
import type { BpfMapList, BpfMapSummary, BpfProgramList, BpfProgramSummary, CliFailure } from '../model';
import { readCliPreamble } from './cli-outcome';
import { isRule, LineCursor, runParser, uintField, type SourceLine } from './line-cursor';

/** `aws-eks-na-cli ebpf progs` (§1.3.1). */
export function parseBpfProgramList(
  text: string,
  fileName: string,
): Result<BpfProgramList | CliFailure, NodeOutputParseError> {
  return runParser(() => {
    const cursor: LineCursor = LineCursor.of(fileName, text);
    const failure = readFailure(cursor);
    if (failure !== null) return failure;
    expectTitle(cursor, 'Programs currently loaded :');
    const programs: BpfProgramSummary[] = [];
    while (!cursor.done) {
      const line = cursor.next('a program line');
      const [type = 0, id = 0, mapCount = 0] = labelled(cursor, line, [
        'Type',
        ':',
        null,
        'ID',
        ':',
        null,
        'Associated',
        'maps',
        'count',
        ':',
        null,
      ]);
      programs.push({ line: line.no, type, id, mapCount });
      expectBlockEnd(cursor);
    }
    return { kind: 'bpf-programs', programs };
  });
}

/** `aws-eks-na-cli ebpf maps` (§1.3.2). */
export function parseBpfMapList(text: string, fileName: string): Result<BpfMapList | CliFailure, NodeOutputParseError> {
  return runParser(() => {
    const cursor: LineCursor = LineCursor.of(fileName, text);
    const failure = readFailure(cursor);
    if (failure !== null) return failure;
    expectTitle(cursor, 'Maps currently loaded :');
    const maps: BpfMapSummary[] = [];
    while (!cursor.done) {
      const line = cursor.next('a map line');
      const [type = 0, id = 0] = labelled(cursor, line, ['Type', ':', null, 'ID', ':', null]);
      const sizeLine = cursor.next('"Keysize <k> Valuesize <v> MaxEntries <n>"');
      const [keySize = 0, valueSize = 0, maxEntries = 0] = labelled(cursor, sizeLine, [
        'Keysize',
        null,
        'Valuesize',
        null,
        'MaxEntries',
        null,
      ]);
      maps.push({ line: line.no, type, id, keySize, valueSize, maxEntries });
      expectBlockEnd(cursor);
    }
    return { kind: 'bpf-maps', maps };
  });
}

function readFailure(cursor: LineCursor): CliFailure | null {
  const { outcome } = readCliPreamble(cursor, { mapDump: false });
  return outcome !== null && (outcome.kind === 'cli-error' || outcome.kind === 'cli-usage-error') ? outcome : null;
}

function expectTitle(cursor: LineCursor, title: string): void {
  const line = cursor.next(`"${title}"`);
  if (line.norm !== title) cursor.fail(line, `expected "${title}"`);
}

function expectBlockEnd(cursor: LineCursor): void {
  const line = cursor.next('the "=======" separator');
  if (!isRule(line.norm, '=')) cursor.fail(line, 'expected the "=======" separator');
}

/** Matches fixed label tokens (null = number) and returns the numbers in order. */
function labelled(cursor: LineCursor, line: SourceLine, pattern: readonly (string | null)[]): number[] {
  const tokens = line.norm.split(' ');
  if (tokens.length !== pattern.length) cursor.fail(line, `expected "${pattern.map((p) => p ?? '<n>').join(' ')}"`);
  const numbers: number[] = [];
  pattern.forEach((expected, i) => {
    const token = tokens[i] ?? '';
    if (expected === null) numbers.push(uintField(cursor, line, token, `field ${i + 1}`));
    else if (token !== expected) cursor.fail(line, `expected "${expected}" at token ${i + 1}`);
  });
  return numbers;
}
