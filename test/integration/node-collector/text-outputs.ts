/**
 * Reads the collector's text outputs with the project's own node parsers, so this test also checks them against
 * what the real `aws-eks-na-cli` and iproute2 print.
 */
import { parseLoadedEbpfData, parseTcFilterText } from '#engine/node/parsers/index';

export interface LoadedBlock {
  readonly pinPath: string;
  readonly podIdentifier: string;
  readonly direction: string;
  readonly programId: number | null;
  readonly maps: readonly { readonly name: string; readonly id: number }[];
}

export function readLoadedEbpfData(text: string): LoadedBlock[] {
  const parsed = parseLoadedEbpfData(text, 'loaded-ebpfdata.txt');
  if (!parsed.ok) throw parsed.error;
  if (parsed.value.kind !== 'loaded-ebpfdata')
    throw new Error(`loaded-ebpfdata.txt: CLI failure ${parsed.value.message}`);
  return parsed.value.programs.map((program) => ({
    pinPath: program.pinPath,
    podIdentifier: program.podIdentifier.raw,
    direction: program.direction,
    programId: program.programId,
    maps: program.maps.map(({ name, id }) => ({ name, id })),
  }));
}

export interface TcFilterLine {
  readonly programId: number;
}

/** Filters that carry a BPF program. */
export function readTcFilters(text: string): TcFilterLine[] {
  const parsed = parseTcFilterText(text, 'tc');
  if (!parsed.ok) throw parsed.error;
  return parsed.value.filters.flatMap((filter) =>
    filter.kind === 'bpf' && filter.programId !== null ? [{ programId: filter.programId }] : [],
  );
}
