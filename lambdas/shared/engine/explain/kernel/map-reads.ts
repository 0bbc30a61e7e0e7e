import type { ParsedNodeBundle } from '../../node/bundle';
import type { CpEntry, LoadedProgram, LpmEntry, MapRole, PodStateEntry } from '../../node/model';

export interface MapRead<T> {
  readonly ok: true;
  readonly mapId: number;
  readonly file: string;
  readonly role: MapRole;
  readonly entries: readonly T[];
}
export interface MapReadFailure {
  readonly ok: false;
  /** The map is not referenced by the program (as opposed to referenced but not readable). */
  readonly unreferenced: boolean;
  readonly reason: string;
}

type Wanted = { lpm: LpmEntry; cp: CpEntry; 'pod-state': PodStateEntry };

/** The dump of the map `role` that `program` references, or why it cannot be read. */
export function readMap<K extends keyof Wanted>(
  bundle: ParsedNodeBundle,
  program: LoadedProgram,
  role: MapRole,
  kind: K,
): MapRead<Wanted[K]> | MapReadFailure {
  const reference = program.maps.find((map) => map.role === role);
  if (reference === undefined) {
    return { ok: false, unreferenced: true, reason: `${program.pinPath} references no ${role}` };
  }
  const id = reference.id;
  const file = `maps/${id}.txt`;
  const parsed = bundle.mapDump(id);
  if (parsed === undefined) {
    const parseError = bundle.parseErrors.find((error) => error.file.startsWith(`maps/${id}.`));
    const collection = bundle.collectionErrors.find((error) => error.mapId === id);
    const why =
      parseError !== undefined
        ? `could not be parsed (${parseError.message})`
        : collection !== undefined
          ? `was not collected (${collection.message})`
          : `was not dumped (${file} is missing)`;
    return { ok: false, unreferenced: false, reason: `${role} (map ${id}) on node ${bundle.nodeName} ${why}` };
  }
  const outcome = parsed.outcome;
  switch (outcome.kind) {
    case 'empty-map':
      return { ok: true, mapId: id, file: parsed.file, role, entries: [] };
    case 'lpm-map':
    case 'cp-map':
    case 'pod-state-map': {
      const expected = kind === 'lpm' ? 'lpm-map' : kind === 'cp' ? 'cp-map' : 'pod-state-map';
      if (outcome.kind !== expected) {
        return {
          ok: false,
          unreferenced: false,
          reason: `${parsed.file} holds a ${outcome.kind} dump, not the ${role}`,
        };
      }
      return { ok: true, mapId: id, file: parsed.file, role, entries: outcome.entries as readonly Wanted[K][] };
    }
    case 'conntrack-map':
      return { ok: false, unreferenced: false, reason: `${parsed.file} holds a conntrack dump, not the ${role}` };
    case 'cli-error':
    case 'cli-usage-error':
      return { ok: false, unreferenced: false, reason: `dump of ${role} (map ${id}) failed: ${outcome.message}` };
    case 'header-only':
      return {
        ok: false,
        unreferenced: false,
        reason: `the CLI printed only a header for ${role} (map ${id}): contents unknown`,
      };
  }
}
