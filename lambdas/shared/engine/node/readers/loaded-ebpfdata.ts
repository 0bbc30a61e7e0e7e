import type { CliFailure, LoadedEbpfDataOutput, LoadedProgram, MapRole } from '../model';
import { mapRole, parseLoadedEbpfData } from '../parsers/loaded-ebpfdata';
import { knownCliError, notCollected, recordNotCollected, type BundleErrors } from './errors';
import type { NodeCollectionInfo } from './node-json';

export const LOADED_EBPFDATA_FILE = 'loaded-ebpfdata.txt';

export interface LoadedEbpfDataReading {
  readonly loadedEbpfData: LoadedEbpfDataOutput | null;
  readonly loadedEbpfDataFailure: CliFailure | null;
}

const LOADED_EBPFDATA_STEP = 'aws-eks-na-cli ebpf loaded-ebpfdata';

/**
 * Records loaded-ebpfdata as not collected when its step timed out, or when the file is empty although the node may
 * pin programs (only node.json `pinCounts.programs: 0` makes an empty listing the node's real state).
 */
function recordedNotCollected(
  text: string,
  errors: BundleErrors,
  file: string,
  pinnedPrograms: number | undefined,
): boolean {
  const unusable = notCollected(errors, [LOADED_EBPFDATA_STEP], text);
  if (unusable === undefined || (unusable.category === 'empty-output' && pinnedPrograms === 0)) return false;
  recordNotCollected(errors, [LOADED_EBPFDATA_STEP], {
    source: file,
    category: unusable.category,
    message: `${file} not collected, because ${unusable.reason}`,
  });
  return true;
}

/**
 * `loaded-ebpfdata.txt` (or `file`): the programs, or the CLI failure printed instead; a missing, empty or timed-out
 * file is a collection error (the programs and maps are then not checked, never reported missing).
 */
export function readLoadedEbpfData(
  text: string | undefined,
  errors: BundleErrors,
  file: string = LOADED_EBPFDATA_FILE,
  pinnedPrograms?: number,
): LoadedEbpfDataReading {
  const none = { loadedEbpfData: null, loadedEbpfDataFailure: null };
  if (text === undefined) {
    const explained = errors.collection.some((e) => e.category === 'cli-missing' || e.category === 'bottlerocket');
    if (!explained) {
      errors.collection.push({
        source: file,
        category: 'file-missing',
        message: `${file} is missing`,
      });
    }
    return none;
  }
  if (recordedNotCollected(text, errors, file, pinnedPrograms)) return none;
  const parsed = parseLoadedEbpfData(text, file);
  if (!parsed.ok) {
    errors.parse.push(parsed.error);
    return none;
  }
  if (parsed.value.kind === 'loaded-ebpfdata') return { loadedEbpfData: parsed.value, loadedEbpfDataFailure: null };
  const failure = parsed.value;
  if (knownCliError(errors, failure.message) === -1) {
    errors.collection.push({ source: file, category: 'cli-error', message: failure.message });
  }
  return { loadedEbpfData: null, loadedEbpfDataFailure: failure };
}

export interface ProgramIndex {
  /** Map id → role, from the programs' maps first, then node.json `maps`. */
  readonly mapRoles: Map<number, MapRole>;
  readonly programsByIdentifier: ReadonlyMap<string, readonly LoadedProgram[]>;
}

function named(role: MapRole): boolean {
  return role !== 'unnamed' && role !== 'unknown';
}

export function indexPrograms(loaded: LoadedEbpfDataOutput | null, nodeInfo: NodeCollectionInfo | null): ProgramIndex {
  const mapRoles = new Map<number, MapRole>();
  const programsByIdentifier = new Map<string, LoadedProgram[]>();
  for (const program of loaded?.programs ?? []) {
    const list = programsByIdentifier.get(program.podIdentifier.raw);
    if (list === undefined) programsByIdentifier.set(program.podIdentifier.raw, [program]);
    else list.push(program);
    for (const map of program.maps) {
      if (named(map.role) && !mapRoles.has(map.id)) mapRoles.set(map.id, map.role);
    }
  }
  for (const map of nodeInfo?.maps ?? []) {
    if (mapRoles.has(map.id)) continue;
    const role = mapRole(map.name);
    if (named(role)) mapRoles.set(map.id, role);
  }
  return { mapRoles, programsByIdentifier };
}
