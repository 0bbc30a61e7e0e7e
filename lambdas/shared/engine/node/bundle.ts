/**
 * One node's raw outputs (docs/snapshot.md `nodes/<node-name>/`) parsed into lookups, without throwing:
 * `loaded-ebpfdata.txt`, `maps/<id>.txt`, `tc/<veth>.<ingress|egress>.txt` (text or `tc -j` JSON), optional
 * `node.json` (SSM collector, ssm-documents/collect-node-policy-state.sh), `pins.txt`, `agent-log-errors.txt`.
 * Parse failures become `parseErrors` (file + line); what the collector could not gather becomes `collectionErrors`.
 */
import { z } from 'zod';
import { NodeOutputParseError, type Result } from '../errors';
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
import { parseConntrackDump } from './parsers/conntrack-map';
import { parseCpMapDump } from './parsers/cp-map';
import { mapRole, parseLoadedEbpfData } from './parsers/loaded-ebpfdata';
import { parseLpmMapDump } from './parsers/lpm-map';
import { parseNodeOutput } from './parsers/node-output';
import { parsePodStateMapDump } from './parsers/pod-state-map';
import { parseTcFilterJson } from './parsers/tc-filter-json';
import { parseTcFilterText } from './parsers/tc-filter-text';

export const LOADED_EBPFDATA_FILE = 'loaded-ebpfdata.txt';
export const NODE_JSON_FILE = 'node.json';
export const PINS_FILE = 'pins.txt';
export const AGENT_LOG_ERRORS_FILE = 'agent-log-errors.txt';

/** `node.json` as written by the SSM collector; every field optional (hand-made snapshots write fewer). */
export const NodeCollectionInfo = z.looseObject({
  schemaVersion: z.number().optional(),
  collector: z.string().optional(),
  nodeName: z.string().optional(),
  kernel: z.string().optional(),
  os: z.string().optional(),
  collectedAt: z.string().optional(),
  tools: z
    .looseObject({
      awsEksNaCli: z.boolean().optional(),
      awsEksNaCliPath: z.string().optional(),
      tc: z.boolean().optional(),
      ip: z.boolean().optional(),
      apiclient: z.boolean().optional(),
    })
    .optional(),
  agentVersion: z.string().optional(),
  agentVersionSource: z.string().optional(),
  ipFamily: z.string().optional(),
  bpffs: z.array(z.string()).optional(),
  pinRoot: z.string().optional(),
  pinCounts: z.looseObject({ programs: z.number().optional(), maps: z.number().optional() }).optional(),
  veths: z.array(z.string()).optional(),
  maps: z.array(z.looseObject({ id: z.number(), name: z.string() })).optional(),
  unnamedMapIds: z.array(z.number()).optional(),
  complete: z.boolean().optional(),
  errors: z.array(z.string()).optional(),
});
export type NodeCollectionInfo = z.infer<typeof NodeCollectionInfo>;

export type MapDumpKind = 'lpm' | 'cp' | 'pod-state' | 'conntrack';
export type AnyMapDump = LpmMapDump | CpMapDump | PodStateMapDump | ConntrackDump;

export interface ParsedMapFile {
  readonly id: number;
  /** Relative to the node directory, e.g. `maps/93.txt`. */
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

const MAP_FILE = /^maps\/(\d+)\.(txt|json)$/;
const TC_FILE = /^tc\/([^/]+)\.(ingress|egress)\.(txt|json)$/;

const ROLE_KIND: Readonly<Partial<Record<MapRole, MapDumpKind>>> = {
  ingress_map: 'lpm',
  egress_map: 'lpm',
  cp_ingress_map: 'cp',
  cp_egress_map: 'cp',
  ingress_pod_state_map: 'pod-state',
  egress_pod_state_map: 'pod-state',
  aws_conntrack_map: 'conntrack',
};

const FORMAT_KIND: Readonly<Record<string, MapDumpKind>> = {
  'lpm-map': 'lpm',
  'cp-map': 'cp',
  'pod-state-map': 'pod-state',
  'conntrack-map': 'conntrack',
};

/** Posix-style relative path (snapshots written on Windows use `\`). */
function normalisePath(path: string): string {
  return path.replaceAll('\\', '/').replace(/^\.\//, '');
}

function parseMapByKind(
  kind: MapDumpKind,
  text: string,
  file: string,
): Result<MapDumpOutcome<AnyMapDump>, NodeOutputParseError> {
  switch (kind) {
    case 'lpm':
      return parseLpmMapDump(text, file);
    case 'cp':
      return parseCpMapDump(text, file);
    case 'pod-state':
      return parsePodStateMapDump(text, file);
    case 'conntrack':
      return parseConntrackDump(text, file);
  }
}

/**
 * Identifiers that share PolicyEndpoints have byte-identical dumps: each distinct text is parsed once per bundle
 * (outcomes are immutable; failures are re-parsed so the error names its own file).
 */
function cachedParse(
  cache: Map<MapDumpKind, Map<string, MapDumpOutcome<AnyMapDump>>>,
  kind: MapDumpKind,
  text: string,
  file: string,
): Result<MapDumpOutcome<AnyMapDump>, NodeOutputParseError> {
  let byText = cache.get(kind);
  if (byText === undefined) {
    byText = new Map();
    cache.set(kind, byText);
  }
  const cached = byText.get(text);
  if (cached !== undefined) return { ok: true, value: cached };
  const parsed = parseMapByKind(kind, text, file);
  if (parsed.ok) byText.set(text, parsed.value);
  return parsed;
}

function parseMapDetected(
  text: string,
  file: string,
): Result<{ kind: MapDumpKind | null; outcome: MapDumpOutcome<AnyMapDump> }, NodeOutputParseError> {
  const parsed = parseNodeOutput(text, file);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  switch (value.kind) {
    case 'lpm-map':
    case 'cp-map':
    case 'pod-state-map':
    case 'conntrack-map':
      return { ok: true, value: { kind: FORMAT_KIND[value.kind] ?? null, outcome: value } };
    case 'cli-error':
    case 'cli-usage-error':
    case 'empty-map':
    case 'header-only':
      return {
        ok: true,
        value: { kind: value.kind === 'cli-usage-error' ? null : headerKind(value.header?.mapType), outcome: value },
      };
    case 'bpf-maps':
    case 'bpf-programs':
    case 'empty-output':
    case 'loaded-ebpfdata':
    case 'tc-filters':
    case 'tc-qdiscs':
      return {
        ok: false,
        error: new NodeOutputParseError(file, 1, `expected an aws-eks-na-cli map dump, found ${value.kind} output`),
      };
  }
}

/** IPv6 CLI `Walking map:` header type → dump kind. */
function headerKind(type: number | undefined): MapDumpKind | null {
  if (type === 11) return 'lpm';
  if (type === 1) return 'pod-state';
  if (type === 9) return 'conntrack';
  return null;
}

function parseTc(text: string, file: string, hook: TcHook): Result<TcFilterOutput, NodeOutputParseError> {
  const first = text.trimStart()[0];
  return first === '[' || first === '{'
    ? parseTcFilterJson(text, file, { hook })
    : parseTcFilterText(text, file, { hook });
}

function lineOfJsonError(text: string, error: unknown): number {
  const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
  if (position === undefined) return 1;
  return text.slice(0, Number(position)).split('\n').length;
}

const ERROR_PATTERNS: readonly [RegExp, CollectionErrorCategory][] = [
  [/aws-eks-na-cli not found/i, 'cli-missing'],
  [/no bpffs mounted|bpf fs|bpffs/i, 'bpffs-not-mounted'],
  [/pin directory .* not found/i, 'pin-directory-missing'],
  [/bottlerocket/i, 'bottlerocket'],
  [/^tc not found/i, 'tc-missing'],
  [/time budget|timed out/i, 'timeout'],
  [/Failed to execute the cmd/, 'cli-error'],
];

export function categoriseCollectorError(message: string): CollectionErrorCategory {
  for (const [pattern, category] of ERROR_PATTERNS) if (pattern.test(message)) return category;
  return 'collector-error';
}

function parseNodeJson(text: string, parseErrors: NodeOutputParseError[]): NodeCollectionInfo | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    parseErrors.push(new NodeOutputParseError(NODE_JSON_FILE, lineOfJsonError(text, error), 'not valid JSON'));
    return null;
  }
  const parsed = NodeCollectionInfo.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? '' : issue.path.join('.');
    parseErrors.push(
      new NodeOutputParseError(
        NODE_JSON_FILE,
        1,
        `unexpected shape${path === '' ? '' : ` at ${path}`}: ${issue?.message ?? 'invalid'}`,
      ),
    );
    return null;
  }
  return parsed.data;
}

/** Parses every file of one node directory; never throws. */
export function parseNodeBundle(raw: RawNodeOutput): ParsedNodeBundle {
  const parseErrors: NodeOutputParseError[] = [];
  const collectionErrors: CollectionError[] = [];
  const ignoredFiles: string[] = [];
  const files = new Map<string, string>();
  for (const [path, text] of raw.files) files.set(normalisePath(path), text);

  const nodeJsonText = files.get(NODE_JSON_FILE);
  const nodeInfo = nodeJsonText === undefined ? null : parseNodeJson(nodeJsonText, parseErrors);
  for (const message of nodeInfo?.errors ?? []) {
    collectionErrors.push({ source: NODE_JSON_FILE, category: categoriseCollectorError(message), message });
  }
  if (nodeInfo?.complete === false && !collectionErrors.some((e) => e.category === 'timeout')) {
    collectionErrors.push({
      source: NODE_JSON_FILE,
      category: 'incomplete',
      message: 'the collector marked the bundle incomplete',
    });
  }

  let loadedEbpfData: LoadedEbpfDataOutput | null = null;
  let loadedEbpfDataFailure: CliFailure | null = null;
  const loadedText = files.get(LOADED_EBPFDATA_FILE);
  if (loadedText === undefined) {
    const explained = collectionErrors.some((e) => e.category === 'cli-missing' || e.category === 'bottlerocket');
    if (!explained) {
      collectionErrors.push({
        source: LOADED_EBPFDATA_FILE,
        category: 'file-missing',
        message: `${LOADED_EBPFDATA_FILE} is missing`,
      });
    }
  } else {
    const parsed = parseLoadedEbpfData(loadedText, LOADED_EBPFDATA_FILE);
    if (!parsed.ok) parseErrors.push(parsed.error);
    else if (parsed.value.kind === 'loaded-ebpfdata') loadedEbpfData = parsed.value;
    else {
      const failure = parsed.value;
      loadedEbpfDataFailure = failure;
      const known = collectionErrors.some((e) => e.category === 'cli-error' && e.message.includes(failure.message));
      if (!known)
        collectionErrors.push({ source: LOADED_EBPFDATA_FILE, category: 'cli-error', message: failure.message });
    }
  }

  const mapRoles = new Map<number, MapRole>();
  const programsByIdentifier = new Map<string, LoadedProgram[]>();
  for (const program of loadedEbpfData?.programs ?? []) {
    const list = programsByIdentifier.get(program.podIdentifier.raw);
    if (list === undefined) programsByIdentifier.set(program.podIdentifier.raw, [program]);
    else list.push(program);
    for (const map of program.maps) {
      if (map.role !== 'unnamed' && map.role !== 'unknown' && !mapRoles.has(map.id)) mapRoles.set(map.id, map.role);
    }
  }
  for (const map of nodeInfo?.maps ?? []) {
    if (mapRoles.has(map.id)) continue;
    const role = mapRole(map.name);
    if (role !== 'unnamed' && role !== 'unknown') mapRoles.set(map.id, role);
  }

  const maps = new Map<number, ParsedMapFile>();
  const parseCache = new Map<MapDumpKind, Map<string, MapDumpOutcome<AnyMapDump>>>();
  const tc = new Map<string, Map<TcHook, ParsedTcFile>>();
  let pins: string[] | null = null;
  let agentLogErrorLines: string[] = [];
  for (const [file, text] of files) {
    if (file === NODE_JSON_FILE || file === LOADED_EBPFDATA_FILE) continue;
    if (file === PINS_FILE) {
      pins = text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.endsWith(':'));
      continue;
    }
    if (file === AGENT_LOG_ERRORS_FILE) {
      agentLogErrorLines = text.split('\n').filter((line) => line.trim() !== '');
      continue;
    }
    const mapMatch = MAP_FILE.exec(file);
    if (mapMatch !== null) {
      const id = Number(mapMatch[1]);
      const role = mapRoles.get(id) ?? null;
      const roleKind = role === null ? undefined : ROLE_KIND[role];
      if (roleKind !== undefined) {
        const parsed = cachedParse(parseCache, roleKind, text, file);
        if (parsed.ok) maps.set(id, { id, file, role, kind: roleKind, outcome: parsed.value });
        else parseErrors.push(parsed.error);
      } else {
        const parsed = parseMapDetected(text, file);
        if (parsed.ok) maps.set(id, { id, file, role, kind: parsed.value.kind, outcome: parsed.value.outcome });
        else parseErrors.push(parsed.error);
      }
      const stored = maps.get(id);
      if (stored !== undefined && (stored.outcome.kind === 'cli-error' || stored.outcome.kind === 'cli-usage-error')) {
        const message = stored.outcome.message;
        if (!collectionErrors.some((e) => e.category === 'cli-error' && e.message.includes(message))) {
          collectionErrors.push({ source: file, category: 'cli-error', message, mapId: id });
        } else {
          const index = collectionErrors.findIndex((e) => e.category === 'cli-error' && e.message.includes(message));
          const existing = collectionErrors[index];
          if (existing !== undefined) collectionErrors[index] = { ...existing, source: file, mapId: id };
        }
      }
      continue;
    }
    const tcMatch = TC_FILE.exec(file);
    if (tcMatch !== null) {
      const veth = tcMatch[1] ?? '';
      const hook = tcMatch[2] === 'ingress' ? 'ingress' : 'egress';
      const parsed = parseTc(text, file, hook);
      if (!parsed.ok) {
        parseErrors.push(parsed.error);
        continue;
      }
      let hooks = tc.get(veth);
      if (hooks === undefined) {
        hooks = new Map();
        tc.set(veth, hooks);
      }
      hooks.set(hook, { veth, hook, file, output: parsed.value });
      continue;
    }
    ignoredFiles.push(file);
  }

  const listedVeths = new Set(nodeInfo?.veths ?? []);
  const parsedTcVeths = new Set(
    [...files.keys()].map((file) => TC_FILE.exec(file)?.[1]).filter((veth): veth is string => veth !== undefined),
  );
  const vethListAvailable = listedVeths.size > 0 || parsedTcVeths.size > 0;

  return {
    nodeName: raw.nodeName,
    sourceDirectory: raw.sourceDirectory,
    fileCount: files.size,
    loadedEbpfData,
    loadedEbpfDataFailure,
    nodeInfo,
    pins,
    agentLogErrorLines,
    maps,
    tc,
    parseErrors,
    collectionErrors,
    ignoredFiles: ignoredFiles.sort(),
    mapRoles,
    programsOf: (podIdentifier) => programsByIdentifier.get(podIdentifier) ?? [],
    program: (podIdentifier, direction) =>
      programsByIdentifier.get(podIdentifier)?.find((program) => program.direction === direction),
    mapDump: (id) => maps.get(id),
    tcFilters: (veth, hook) => tc.get(veth)?.get(hook),
    vethKnown: (veth) => parsedTcVeths.has(veth) || listedVeths.has(veth),
    vethListAvailable,
  };
}

/** All pinned identifiers (from loaded-ebpfdata), sorted. */
export function pinnedIdentifiers(bundle: ParsedNodeBundle): string[] {
  return [...new Set((bundle.loadedEbpfData?.programs ?? []).map((p) => p.podIdentifier.raw))].sort();
}
