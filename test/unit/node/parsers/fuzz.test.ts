import fc from 'fast-check';
import { NodeOutputParseError, type Result } from '#engine/errors';
import { parseBpfMapList, parseBpfProgramList } from '#engine/node/parsers/bpf-inventory';
import { parseCliMessageOutput } from '#engine/node/parsers/cli-outcome';
import { parseConntrackDump } from '#engine/node/parsers/conntrack-map';
import { parseCpMapDump } from '#engine/node/parsers/cp-map';
import { parseLoadedEbpfData } from '#engine/node/parsers/loaded-ebpfdata';
import { parseLpmMapDump } from '#engine/node/parsers/lpm-map';
import { parseNodeOutput } from '#engine/node/parsers/node-output';
import { parsePodStateMapDump } from '#engine/node/parsers/pod-state-map';
import { parseTcFilterJson } from '#engine/node/parsers/tc-filter-json';
import { parseTcFilterText } from '#engine/node/parsers/tc-filter-text';
import { parseTcQdiscText } from '#engine/node/parsers/tc-qdisc';
import { annotatedBlocks, sample, seed } from './support/fixtures';

type Parser = (text: string, file: string) => Result<unknown, NodeOutputParseError>;

const PARSERS: readonly [string, Parser][] = [
  ['tc text', parseTcFilterText],
  ['tc json', parseTcFilterJson],
  ['tc qdisc', parseTcQdiscText],
  ['loaded-ebpfdata', parseLoadedEbpfData],
  ['lpm', parseLpmMapDump],
  ['cp', parseCpMapDump],
  ['pod state', parsePodStateMapDump],
  ['conntrack', parseConntrackDump],
  ['progs', parseBpfProgramList],
  ['maps', parseBpfMapList],
  ['cli message', parseCliMessageOutput],
  ['auto', parseNodeOutput],
];

const tcText = annotatedBlocks(sample('tc_filter_show_dev_VETH_egress.txt'))[0]?.output ?? '';
const CORPUS: readonly [Parser, string][] = [
  [parseTcFilterText, tcText],
  [parseTcFilterJson, sample('tc_-j_filter_show_dev_VETH_egress.json')],
  [parseLoadedEbpfData, sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt')],
  [parseLoadedEbpfData, seed('seed-article_loaded-ebpfdata_nginx-f8d9c6576-default.txt')],
  [parseLpmMapDump, sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt')],
  [parseLpmMapDump, sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.7-v1.2.7.txt')],
  [parseLpmMapDump, sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.1-v1.0.6.txt')],
  [parseLpmMapDump, sample('aws-eks-na-cli-v6_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt')],
  [parseCpMapDump, sample('aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.main-after-v1.4.1.txt')],
  [parsePodStateMapDump, sample('aws-eks-na-cli_ebpf_dump-maps_ingress_pod_state_map.v1.3.0-plus.txt')],
  [parseConntrackDump, sample('aws-eks-na-cli_ebpf_dump-maps_aws_conntrack_map.main-after-v1.4.1.txt')],
  [parseConntrackDump, sample('aws-eks-na-cli-v6_ebpf_dump-maps_aws_conntrack_map.v1.3.7-v1.4.1.txt')],
  [parseBpfMapList, sample('aws-eks-na-cli_ebpf_maps.v1.3.7-v1.4.1.txt')],
];

/** Calls the parser; any thrown exception (of any type) fails the property. */
function outcomeIsTyped(parser: Parser, text: string): boolean {
  const result = parser(text, 'fuzz.txt');
  if (result.ok) return true;
  return result.error instanceof NodeOutputParseError && result.error.file === 'fuzz.txt' && result.error.line >= 1;
}

const mutation = (lineCount: number): fc.Arbitrary<(lines: string[]) => string[]> => {
  const index = fc.nat({ max: Math.max(lineCount - 1, 0) });
  return fc.oneof(
    index.map((i) => (lines: string[]) => lines.filter((_, k) => k !== i)),
    index.map((i) => (lines: string[]) => [...lines.slice(0, i + 1), ...lines.slice(i)]),
    fc.tuple(index, index).map(([i, j]) => (lines: string[]) => {
      const copy = [...lines];
      const a = copy[i] ?? '';
      copy[i] = copy[j] ?? '';
      copy[j] = a;
      return copy;
    }),
    index.map((i) => (lines: string[]) => lines.slice(0, i)),
    fc.tuple(index, fc.nat(), fc.string({ maxLength: 1, unit: 'binary' })).map(([i, at, ch]) => (lines: string[]) => {
      const copy = [...lines];
      const line = copy[i] ?? '';
      const pos = line.length === 0 ? 0 : at % line.length;
      copy[i] = `${line.slice(0, pos)}${ch}${line.slice(pos + 1)}`;
      return copy;
    }),
  );
};

describe('parser robustness (fast-check)', () => {
  it.each(PARSERS)('%s: random strings give a result or a NodeOutputParseError', (_name, parser) => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => outcomeIsTyped(parser, text)),
      { numRuns: 150 },
    );
  });

  it.each(PARSERS)(
    '%s: random line soups of documented tokens give a result or a NodeOutputParseError',
    (_name, parser) => {
      const fragments = fc.constantFrom(
        'Key: 10.0.0.0/8',
        'Key : IP/Prefixlen - ::/0',
        'Value :',
        'Value Entry :  0',
        'Entry 0:',
        'Protocol  - TCP',
        'Protocol -  254',
        'Priority  - 20501',
        'StartPort - 0',
        'EndPort   - 0',
        'Endport -  0',
        '-------------------',
        '*******************************',
        '='.repeat(88),
        'Done reading all entries',
        'Walking map:  (type=9, id=5)',
        'Conntrack Val -  5',
        'Last Seen (ns) -  0  (never)',
        'Key :  0',
        'State -  1',
        'PinPath:  /a_handle_ingress',
        'Map Name:  ',
        'Map ID:  9',
        'Prog ID:  1',
        'filter protocol all pref 1 bpf chain 0',
        'Failed to execute the cmd -  x',
        'No Entries found, Empty map',
        '[{"protocol":"all"}]',
        'Type : 3 ID : 1 Associated maps count : 5',
        '',
      );
      fc.assert(
        fc.property(fc.array(fragments, { maxLength: 30 }), (lines) => outcomeIsTyped(parser, lines.join('\n'))),
        { numRuns: 150 },
      );
    },
  );

  it('mutated samples (drop, duplicate, swap, truncate, flip) give a result or a NodeOutputParseError', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: CORPUS.length - 1 }).chain((k) => {
          const [parser, text] = CORPUS[k] ?? [parseLpmMapDump, ''];
          const lines = text.split('\n');
          return fc.tuple(
            fc.constant(parser),
            fc.constant(lines),
            fc.array(mutation(lines.length), { minLength: 1, maxLength: 3 }),
          );
        }),
        ([parser, lines, mutations]) => {
          const mutated = mutations.reduce((acc, mutate) => mutate(acc), lines).join('\n');
          return outcomeIsTyped(parser, mutated) && outcomeIsTyped(parseNodeOutput, mutated);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every truncation of every sample is handled', () => {
    // Prepare + Act
    const failures = CORPUS.flatMap(([parser, text]) =>
      Array.from({ length: text.length }, (_, n) => text.slice(0, n)).filter((cut) => !outcomeIsTyped(parser, cut)),
    );
    // Assess
    expect(failures).toEqual([]);
  });
});
