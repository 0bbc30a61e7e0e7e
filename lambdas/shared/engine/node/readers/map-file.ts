import { NodeOutputParseError, type Result } from '../../errors';
import type { AnyMapDump, MapDumpKind, ParsedMapFile } from '../bundle';
import type { MapDumpOutcome, MapRole } from '../model';
import { parseConntrackDump } from '../parsers/conntrack-map';
import { parseCpMapDump } from '../parsers/cp-map';
import { parseLpmMapDump } from '../parsers/lpm-map';
import { parseNodeOutput } from '../parsers/node-output';
import { parsePodStateMapDump } from '../parsers/pod-state-map';
import { knownCliError, notCollected, recordNotCollected, type BundleErrors } from './errors';

export const MAP_FILE = /^maps\/(\d+)\.(txt|json)$/;

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

type MapParse = Result<MapDumpOutcome<AnyMapDump>, NodeOutputParseError>;

function parseMapByKind(kind: MapDumpKind, text: string, file: string): MapParse {
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

/** IPv6 CLI `Walking map:` header type → dump kind. */
function headerKind(type: number | undefined): MapDumpKind | null {
  if (type === 11) return 'lpm';
  if (type === 1) return 'pod-state';
  if (type === 9) return 'conntrack';
  return null;
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

/**
 * `maps/<id>.txt|json`: parsed by the role loaded-ebpfdata gives the id, else by format detection. Identifiers
 * that share PolicyEndpoints have byte-identical dumps: each distinct text is parsed once per bundle (outcomes
 * are immutable; failures are re-parsed so the error names its own file).
 */
export class MapFileReader {
  readonly maps = new Map<number, ParsedMapFile>();
  private readonly parsedByKind = new Map<MapDumpKind, Map<string, MapDumpOutcome<AnyMapDump>>>();

  constructor(
    private readonly mapRoles: ReadonlyMap<number, MapRole>,
    private readonly errors: BundleErrors,
  ) {}

  read(id: number, file: string, text: string): void {
    if (this.recordedNotCollected(id, file, text)) return;
    const role = this.mapRoles.get(id) ?? null;
    const roleKind = role === null ? undefined : ROLE_KIND[role];
    if (roleKind !== undefined) {
      const parsed = this.cachedParse(roleKind, text, file);
      if (parsed.ok) this.maps.set(id, { id, file, role, kind: roleKind, outcome: parsed.value });
      else this.errors.parse.push(parsed.error);
    } else {
      const parsed = parseMapDetected(text, file);
      if (parsed.ok) this.maps.set(id, { id, file, role, kind: parsed.value.kind, outcome: parsed.value.outcome });
      else this.errors.parse.push(parsed.error);
    }
    this.recordCliError(id, file);
  }

  /** A dump whose `dump-maps` / `dump-cp-maps` step timed out, or an empty file: the map is not checked. */
  private recordedNotCollected(id: number, file: string, text: string): boolean {
    const steps = [`aws-eks-na-cli ebpf dump-maps ${id}`, `aws-eks-na-cli ebpf dump-cp-maps ${id}`];
    const unusable = notCollected(this.errors, steps, text);
    if (unusable === undefined) return false;
    recordNotCollected(this.errors, steps, {
      source: file,
      category: unusable.category,
      message: `not collected, because ${unusable.reason}`,
      mapId: id,
    });
    return true;
  }

  private cachedParse(kind: MapDumpKind, text: string, file: string): MapParse {
    let byText = this.parsedByKind.get(kind);
    if (byText === undefined) {
      byText = new Map();
      this.parsedByKind.set(kind, byText);
    }
    const cached = byText.get(text);
    if (cached !== undefined) return { ok: true, value: cached };
    const parsed = parseMapByKind(kind, text, file);
    if (parsed.ok) byText.set(text, parsed.value);
    return parsed;
  }

  /** A dump that is a CLI error message: one collection error per message, naming the last map that printed it. */
  private recordCliError(id: number, file: string): void {
    const stored = this.maps.get(id);
    if (stored === undefined || (stored.outcome.kind !== 'cli-error' && stored.outcome.kind !== 'cli-usage-error')) {
      return;
    }
    const message = stored.outcome.message;
    const collection = this.errors.collection;
    const index = knownCliError(this.errors, message);
    const existing = collection[index];
    if (existing === undefined) collection.push({ source: file, category: 'cli-error', message, mapId: id });
    else collection[index] = { ...existing, source: file, mapId: id };
  }
}
