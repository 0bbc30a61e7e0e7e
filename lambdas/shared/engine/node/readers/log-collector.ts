/**
 * The EKS log collector's bundle (awslabs/amazon-eks-ami `log-collector-script/linux/eks-log-collector.sh`,
 * `get_network_policy_ebpf_info`; agent.md §1.5). Under `networking/` it writes:
 * - `ebpf-data.txt`: the line `*** EBPF loaded data ***`, then `aws-eks-na-cli ebpf loaded-ebpfdata`;
 * - `ebpf-maps-data.txt`: for every `ingress_map`/`egress_map` id, `*** EBPF Maps Data for Map ID <id> ***` and
 *   `dump-maps <id>`;
 * - `ebpf-cp-maps-data.txt`: the same for `cp_ingress_map`/`cp_egress_map` with `dump-cp-maps <id>`.
 * It dumps no pod-state or conntrack maps and collects no tc output.
 */
import { NodeOutputParseError } from '../../errors';
import type { BundleErrors } from './errors';

export const LOG_COLLECTOR_LOADED_EBPFDATA_FILE = 'networking/ebpf-data.txt';
export const LOG_COLLECTOR_MAPS_FILE = 'networking/ebpf-maps-data.txt';
export const LOG_COLLECTOR_CP_MAPS_FILE = 'networking/ebpf-cp-maps-data.txt';

const LOG_COLLECTOR_FILES: ReadonlySet<string> = new Set([
  LOG_COLLECTOR_LOADED_EBPFDATA_FILE,
  LOG_COLLECTOR_MAPS_FILE,
  LOG_COLLECTOR_CP_MAPS_FILE,
]);

export const LOADED_DATA_HEADER = '*** EBPF loaded data ***';
const MAP_SECTION_HEADER = /^\*\*\* EBPF Maps Data for Map ID (\d+) \*\*\*[ \t]*\r?$/gm;

/** Every run writes `networking/` (iptables, routes, resolv.conf): a bundle with no ebpf file still has it. */
const LOG_COLLECTOR_DIRECTORY = 'networking/';

/** What of the log collector's bundle the node directory holds. */
export function logCollectorFilesIn(files: Iterable<string>): 'ebpf-files' | 'bundle-without-ebpf-files' | 'none' {
  let bundle = false;
  for (const file of files) {
    if (LOG_COLLECTOR_FILES.has(file)) return 'ebpf-files';
    if (file.startsWith(LOG_COLLECTOR_DIRECTORY)) bundle = true;
  }
  return bundle ? 'bundle-without-ebpf-files' : 'none';
}

/** Why a log collector bundle has no ebpf files at all (line 644 of the script). */
export const NO_EBPF_FILES_REASON =
  'the EKS log collector wrote no networking/ebpf-*.txt: it runs aws-eks-na-cli only when /opt/cni/bin/aws-eks-na-cli is executable (network policy agent not installed?)';

export function isLogCollectorMapFile(file: string): boolean {
  return file === LOG_COLLECTOR_MAPS_FILE || file === LOG_COLLECTOR_CP_MAPS_FILE;
}

/** `<file>#<id>`: one map's dump inside an all-maps file; its lines are counted from the line after the header. */
export function mapSectionName(file: string, id: number): string {
  return `${file}#${id}`;
}

/** `ebpf-data.txt` without its header line; the line stays (empty) so line numbers still match the file. */
export function withoutLoadedDataHeader(text: string): string {
  const start = text.search(/\S/);
  if (start < 0 || !text.startsWith(LOADED_DATA_HEADER, start)) return text;
  const end = start + LOADED_DATA_HEADER.length;
  const rest = text.slice(end);
  return /^[ \t]*(\r?\n|$)/.test(rest) ? text.slice(0, start) + rest : text;
}

export interface MapSection {
  readonly id: number;
  /** `mapSectionName(file, id)`. */
  readonly file: string;
  /** The CLI's output for this map, exactly as between its header and the next one. */
  readonly text: string;
}

function lineNumberAt(text: string, index: number, from: { index: number; line: number }): number {
  let line = from.line;
  for (let i = text.indexOf('\n', from.index); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  from.index = index;
  from.line = line;
  return line;
}

/**
 * Splits an all-maps file at its `*** EBPF Maps Data for Map ID <id> ***` headers. Output before the first header
 * and a second section for the same id are parse errors (the first section of an id is kept).
 */
export function splitMapSections(file: string, text: string, errors: BundleErrors): MapSection[] {
  const sections: MapSection[] = [];
  const headerLineOf = new Map<number, number>();
  const position = { index: 0, line: 1 };
  const headers = [...text.matchAll(MAP_SECTION_HEADER)];
  const firstHeader = headers[0]?.index ?? text.length;
  const leading = text.slice(0, firstHeader).search(/\S/);
  if (leading >= 0) {
    errors.parse.push(
      new NodeOutputParseError(
        file,
        lineNumberAt(text, leading, position),
        'output before the first "*** EBPF Maps Data for Map ID <id> ***" header',
      ),
    );
  }
  headers.forEach((header, index) => {
    const id = Number(header[1]);
    const line = lineNumberAt(text, header.index, position);
    const bodyStart = text.indexOf('\n', header.index) + 1 || text.length;
    const bodyEnd = headers[index + 1]?.index ?? text.length;
    const first = headerLineOf.get(id);
    if (first !== undefined) {
      errors.parse.push(new NodeOutputParseError(file, line, `map ${id} is dumped twice (first at line ${first})`));
      return;
    }
    headerLineOf.set(id, line);
    sections.push({ id, file: mapSectionName(file, id), text: text.slice(bodyStart, bodyEnd) });
  });
  return sections;
}
