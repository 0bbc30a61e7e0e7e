/**
 * One node's raw outputs (docs/snapshot.md `nodes/<node-name>/`) parsed into lookups, without throwing:
 * `loaded-ebpfdata.txt`, `maps/<id>.txt`, `tc/<veth>.<ingress|egress>.txt` (text or `tc -j` JSON), optional
 * `node.json` (SSM collector, ssm-documents/collect-node-policy-state.sh), `pins.txt`, `agent-log-errors.txt`;
 * or the EKS log collector's `networking/ebpf-data.txt` and all-maps files (readers/log-collector.ts).
 * Parse failures become `parseErrors` (file + line); what the collector could not gather becomes `collectionErrors`.
 */
import type { NodeOutputParseError } from '../errors';
import type { RawNodeOutput } from '../model/node-output';
import type {
  CliFailure,
  ConntrackDump,
  CpMapDump,
  LoadedEbpfDataOutput,
  LoadedProgram,
  LpmMapDump,
  MapDumpOutcome,
  MapRole,
  PodStateMapDump,
  PolicyDirection,
  TcFilterOutput,
  TcHook,
} from './model';
import type { BundleErrors } from './readers/errors';
import { detectLayout, type NodeBundleLayout } from './readers/layout';
import { indexPrograms, LOADED_EBPFDATA_FILE, readLoadedEbpfData } from './readers/loaded-ebpfdata';
import { isLogCollectorMapFile, splitMapSections, withoutLoadedDataHeader } from './readers/log-collector';
import { MAP_FILE, MapFileReader } from './readers/map-file';
import { NODE_JSON_FILE, readNodeJson, type NodeCollectionInfo } from './readers/node-json';
import { AGENT_LOG_ERRORS_FILE, PINS_FILE, readAgentLogErrors, readPins } from './readers/plain-text';
import { TC_FILE, TcFileReader, vethsOfTcFiles } from './readers/tc-file';

export { AGENT_LOG_ERRORS_FILE, LOADED_EBPFDATA_FILE, NODE_JSON_FILE, PINS_FILE };
export type { NodeBundleLayout, NodeCollectionInfo };

export type MapDumpKind = 'lpm' | 'cp' | 'pod-state' | 'conntrack';
export type AnyMapDump = LpmMapDump | CpMapDump | PodStateMapDump | ConntrackDump;

export interface ParsedMapFile {
  readonly id: number;
  /** Relative to the node directory, e.g. `maps/93.txt` (`networking/ebpf-maps-data.txt#93` in the log collector's). */
  readonly file: string;
  /** Role from `loaded-ebpfdata` (or node.json `maps`); null when no program references the id by name. */
  readonly role: MapRole | null;
  /** How the dump was parsed: by role, else by format detection; null when neither tells (CLI message only). */
  readonly kind: MapDumpKind | null;
  readonly outcome: MapDumpOutcome<AnyMapDump>;
}

export interface ParsedTcFile {
  readonly veth: string;
  readonly hook: TcHook;
  readonly file: string;
  readonly output: TcFilterOutput;
}

export type CollectionErrorCategory =
  /** `node.json` `errors[]` line that does not fit a more specific category. */
  | 'collector-error'
  | 'cli-missing'
  | 'tc-missing'
  | 'bpffs-not-mounted'
  | 'pin-directory-missing'
  | 'bottlerocket'
  | 'timeout'
  /** The CLI printed `Failed to execute the cmd -` (or a usage error) instead of the report. */
  | 'cli-error'
  | 'file-missing'
  /** The file is empty: the command's output was not captured. */
  | 'empty-output'
  | 'incomplete';

export interface CollectionError {
  /** File (relative to the node directory) the error was read from or is about. */
  readonly source: string;
  readonly category: CollectionErrorCategory;
  readonly message: string;
  /** Map id for dump failures. */
  readonly mapId?: number;
}

export interface ParsedNodeBundle {
  readonly nodeName: string;
  readonly sourceDirectory: string;
  /** Whose files the node directory holds, and so where each output was read from. */
  readonly layout: NodeBundleLayout;
  /** Number of files in the node directory. */
  readonly fileCount: number;
  /** null when the file is missing, unparseable or a CLI error (see `collectionErrors` / `parseErrors`). */
  readonly loadedEbpfData: LoadedEbpfDataOutput | null;
  readonly loadedEbpfDataFailure: CliFailure | null;
  readonly nodeInfo: NodeCollectionInfo | null;
  /** Pin file names from `pins.txt` (program and map pins mixed); null without the file. */
  readonly pins: readonly string[] | null;
  readonly agentLogErrorLines: readonly string[];
  readonly maps: ReadonlyMap<number, ParsedMapFile>;
  /** veth → hook → parsed file. */
  readonly tc: ReadonlyMap<string, ReadonlyMap<TcHook, ParsedTcFile>>;
  readonly parseErrors: readonly NodeOutputParseError[];
  readonly collectionErrors: readonly CollectionError[];
  /** Files the layout does not define (kept for the report, otherwise ignored). */
  readonly ignoredFiles: readonly string[];
  /** Map id → role, merged from loaded-ebpfdata and node.json `maps`. */
  readonly mapRoles: ReadonlyMap<number, MapRole>;
  /** Identifier (as pinned) → programs; normally one per direction. */
  programsOf(podIdentifier: string): readonly LoadedProgram[];
  program(podIdentifier: string, direction: PolicyDirection): LoadedProgram | undefined;
  mapDump(id: number): ParsedMapFile | undefined;
  tcFilters(veth: string, hook: TcHook): ParsedTcFile | undefined;
  /** The veth has a tc file, or the collector's link list (node.json `veths`) names it. */
  vethKnown(veth: string): boolean;
  /** Whether veths can be looked up at all (tc files present or node.json lists veths). */
  readonly vethListAvailable: boolean;
}

/** Posix-style relative path (snapshots written on Windows use `\\`). */
function normalisePath(path: string): string {
  return path.replaceAll('\\', '/').replace(/^\.\//, '');
}

/** The map dumps, tc files, pins and agent log lines, each file to the reader of its kind, in file order. */
function readOtherFiles(
  files: ReadonlyMap<string, string>,
  layout: NodeBundleLayout,
  readers: { readonly maps: MapFileReader; readonly tc: TcFileReader; readonly errors: BundleErrors },
): { pins: string[] | null; agentLogErrorLines: string[]; ignoredFiles: string[] } {
  const { maps, tc } = readers;
  let pins: string[] | null = null;
  let agentLogErrorLines: string[] = [];
  const ignoredFiles: string[] = [];
  for (const [file, text] of files) {
    if (file === NODE_JSON_FILE || file === layout.loadedEbpfDataFile) continue;
    if (layout.kind === 'eks-log-collector' && isLogCollectorMapFile(file)) {
      for (const section of splitMapSections(file, text, readers.errors))
        maps.read(section.id, section.file, section.text);
      continue;
    }
    if (file === PINS_FILE) {
      pins = readPins(text);
      continue;
    }
    if (file === AGENT_LOG_ERRORS_FILE) {
      agentLogErrorLines = readAgentLogErrors(text);
      continue;
    }
    const mapMatch = MAP_FILE.exec(file);
    if (mapMatch !== null) {
      maps.read(Number(mapMatch[1]), file, text);
      continue;
    }
    const tcMatch = TC_FILE.exec(file);
    if (tcMatch !== null) {
      tc.read(tcMatch[1] ?? '', tcMatch[2] === 'ingress' ? 'ingress' : 'egress', file, text);
      continue;
    }
    ignoredFiles.push(file);
  }
  return { pins, agentLogErrorLines, ignoredFiles: ignoredFiles.sort() };
}

/** Parses every file of one node directory; never throws. */
export function parseNodeBundle(raw: RawNodeOutput): ParsedNodeBundle {
  const errors: BundleErrors = { parse: [], collection: [] };
  const files = new Map<string, string>();
  for (const [path, text] of raw.files) files.set(normalisePath(path), text);

  const layout = detectLayout(files);
  const nodeInfo = readNodeJson(files.get(NODE_JSON_FILE), errors);
  if (layout.cliNotRun !== null) {
    errors.collection.push({ source: layout.loadedEbpfDataFile, category: 'cli-missing', message: layout.cliNotRun });
  }
  const loadedText = files.get(layout.loadedEbpfDataFile);
  const loaded = readLoadedEbpfData(
    loadedText !== undefined && layout.kind === 'eks-log-collector' ? withoutLoadedDataHeader(loadedText) : loadedText,
    errors,
    layout.loadedEbpfDataFile,
    nodeInfo?.pinCounts?.programs,
  );
  const { mapRoles, programsByIdentifier } = indexPrograms(loaded.loadedEbpfData, nodeInfo);
  const maps = new MapFileReader(mapRoles, errors);
  const tc = new TcFileReader(errors);
  const other = readOtherFiles(files, layout, { maps, tc, errors });

  const listedVeths = new Set(nodeInfo?.veths ?? []);
  const tcVeths = vethsOfTcFiles(files.keys());
  return {
    nodeName: raw.nodeName,
    sourceDirectory: raw.sourceDirectory,
    layout,
    fileCount: files.size,
    ...loaded,
    nodeInfo,
    ...other,
    maps: maps.maps,
    tc: tc.tc,
    parseErrors: errors.parse,
    collectionErrors: errors.collection,
    mapRoles,
    programsOf: (podIdentifier) => programsByIdentifier.get(podIdentifier) ?? [],
    program: (podIdentifier, direction) =>
      programsByIdentifier.get(podIdentifier)?.find((program) => program.direction === direction),
    mapDump: (id) => maps.maps.get(id),
    tcFilters: (veth, hook) => tc.tc.get(veth)?.get(hook),
    vethKnown: (veth) => tcVeths.has(veth) || listedVeths.has(veth),
    vethListAvailable: listedVeths.size > 0 || tcVeths.size > 0,
  };
}

/** All pinned identifiers (from loaded-ebpfdata), sorted. */
export function pinnedIdentifiers(bundle: ParsedNodeBundle): string[] {
  return [...new Set((bundle.loadedEbpfData?.programs ?? []).map((p) => p.podIdentifier.raw))].sort();
}
