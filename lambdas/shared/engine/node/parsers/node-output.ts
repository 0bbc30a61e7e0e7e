import { NodeOutputParseError, type Result } from '../../errors';
import type {
  BpfMapList,
  BpfProgramList,
  ConntrackDump,
  CpMapDump,
  LoadedEbpfDataOutput,
  LpmMapDump,
  MapDumpOutcome,
  PodStateMapDump,
  TcFilterOutput,
  TcQdiscOutput,
} from '../model';
import { parseBpfMapList, parseBpfProgramList } from './bpf-inventory';
import { CLI_ERROR_PREFIX, parseCliMessageOutput, type CliOutcome } from './cli-outcome';
import { parseConntrackDump } from './conntrack-map';
import { parseCpMapDump } from './cp-map';
import { collapse, splitLines } from './line-cursor';
import { parseLoadedEbpfData } from './loaded-ebpfdata';
import { parseLpmMapDump } from './lpm-map';
import { parsePodStateMapDump } from './pod-state-map';
import { parseTcFilterJson } from './tc-filter-json';
import { parseTcFilterText, type TcParseOptions } from './tc-filter-text';
import { parseTcQdiscText } from './tc-qdisc';

export type NodeOutputFormat =
  | 'tc-filter-json'
  | 'tc-filter-text'
  | 'tc-qdisc'
  | 'loaded-ebpfdata'
  | 'bpf-programs'
  | 'bpf-maps'
  | 'lpm-map'
  | 'cp-map'
  | 'pod-state-map'
  | 'conntrack-map'
  /** An error, usage error, empty-map message or bare header: the command cannot be told from the text. */
  | 'cli-message'
  | 'empty-output'
  | 'unknown';

const MAP_TYPE_FORMAT: ReadonlyMap<number, NodeOutputFormat> = new Map([
  [11, 'lpm-map'],
  [9, 'conntrack-map'],
  [1, 'pod-state-map'],
]);

/** Cheap format detection from the first significant lines (no full parse). */
export function detectNodeOutputFormat(text: string): NodeOutputFormat {
  const lines = splitLines(text).filter((line) => line.text !== '');
  const first = lines[0];
  if (first === undefined) return 'empty-output';
  const head = first.norm;
  if (head.startsWith('[') || head.startsWith('{')) return 'tc-filter-json';
  if (head.startsWith('filter ')) return 'tc-filter-text';
  if (head.startsWith('qdisc ')) return 'tc-qdisc';
  if (head.startsWith('PinPath:')) return 'loaded-ebpfdata';
  if (head === 'Programs currently loaded :') return 'bpf-programs';
  if (head === 'Maps currently loaded :') return 'bpf-maps';
  if (head.startsWith('Walking map:')) {
    const second = lines[1];
    if (second === undefined || second.text.startsWith(CLI_ERROR_PREFIX)) return 'cli-message';
    const type = /\(type=(\d+),/.exec(head)?.[1];
    return MAP_TYPE_FORMAT.get(Number(type)) ?? 'unknown';
  }
  if (head.startsWith('Conntrack Key :')) return 'conntrack-map';
  if (head.startsWith('Key : IP/Prefixlen -')) return 'lpm-map';
  if (head.startsWith('Key : ')) return 'pod-state-map';
  if (head.startsWith('Key: '))
    return lines[1] !== undefined && collapse(lines[1].text) === head ? 'cp-map' : 'lpm-map';
  if (head.startsWith('error reading ClusterNetworkPolicy entry:')) return 'cp-map';
  if (head.startsWith('error reading NetworkPolicy entry:')) return 'lpm-map';
  if (head === 'Done reading all entries') return 'lpm-map';
  if (head === 'Done reading all entries in BPF_MAP_TYPE_HASH') return 'pod-state-map';
  if (parseCliMessageOutput(text, '').ok) return 'cli-message';
  return 'unknown';
}

export type NodeOutput =
  | TcFilterOutput
  | TcQdiscOutput
  | LoadedEbpfDataOutput
  | BpfProgramList
  | BpfMapList
  | CliOutcome
  | MapDumpOutcome<LpmMapDump | CpMapDump | PodStateMapDump | ConntrackDump>
  | { readonly kind: 'empty-output' };

/**
 * Detects the format and parses. Empty text gives `empty-output` (valid for `tc filter show` and
 * `loaded-ebpfdata` with nothing attached); text matching no documented format gives a NodeOutputParseError.
 */
export function parseNodeOutput(
  text: string,
  fileName: string,
  options: TcParseOptions = {},
): Result<NodeOutput, NodeOutputParseError> {
  const format = detectNodeOutputFormat(text);
  switch (format) {
    case 'tc-filter-json':
      return parseTcFilterJson(text, fileName, options);
    case 'tc-filter-text':
      return parseTcFilterText(text, fileName, options);
    case 'tc-qdisc':
      return parseTcQdiscText(text, fileName);
    case 'loaded-ebpfdata':
      return parseLoadedEbpfData(text, fileName);
    case 'bpf-programs':
      return parseBpfProgramList(text, fileName);
    case 'bpf-maps':
      return parseBpfMapList(text, fileName);
    case 'lpm-map':
      return parseLpmMapDump(text, fileName);
    case 'cp-map':
      return parseCpMapDump(text, fileName);
    case 'pod-state-map':
      return parsePodStateMapDump(text, fileName);
    case 'conntrack-map':
      return parseConntrackDump(text, fileName);
    case 'cli-message':
      return parseCliMessageOutput(text, fileName);
    case 'empty-output':
      return { ok: true, value: { kind: 'empty-output' } };
    case 'unknown': {
      const first = splitLines(text).find((line) => line.text !== '');
      return {
        ok: false,
        error: new NodeOutputParseError(
          fileName,
          first?.no ?? 1,
          'output does not match any documented node output format',
        ),
      };
    }
  }
}
