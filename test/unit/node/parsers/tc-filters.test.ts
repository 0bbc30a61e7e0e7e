import { parseTcFilterJson } from '#engine/node/parsers/tc-filter-json';
import { parseTcFilterText } from '#engine/node/parsers/tc-filter-text';
import { parseTcQdiscText } from '#engine/node/parsers/tc-qdisc';
import { annotatedBlocks, expectOk, expectParseError, sample, seed } from './support/fixtures';

describe('tc filter show (text)', () => {
  const egressBlocks = annotatedBlocks(sample('tc_filter_show_dev_VETH_egress.txt'));

  it('parses the iproute2 6.1 output of the egress hook (handle_ingress, empty program name)', () => {
    // Prepare
    const [modern] = egressBlocks;
    // Act
    const output = expectOk(parseTcFilterText(modern?.output ?? '', 'egress.txt', { hook: 'egress' }));
    // Assess
    expect(modern?.command).toBe('tc filter show dev enid5650d11340 egress');
    expect(output).toMatchObject({
      kind: 'tc-filters',
      source: 'text',
      hook: 'egress',
      chainHeaderCount: 1,
      programNameToken: 'present',
    });
    expect(output.filters).toEqual([
      {
        line: 2,
        protocol: 'all',
        pref: 1,
        kind: 'bpf',
        chain: 0,
        handle: 1,
        name: 'handle_ingress',
        directAction: true,
        notInHw: true,
        programId: 812,
        programName: '',
        tag: '2b8e4f6a91c0d357',
        jited: true,
      },
    ]);
  });

  it('parses the older iproute2 output without the name token', () => {
    // Prepare
    const older = egressBlocks[1];
    // Act
    const output = expectOk(parseTcFilterText(older?.output ?? '', 'egress-old.txt'));
    // Assess
    expect(older?.comment).toContain('older than ~5.15');
    expect(output.programNameToken).toBe('absent');
    expect(output.filters[0]).toMatchObject({
      name: 'handle_ingress',
      programId: 812,
      programName: null,
      tag: '2b8e4f6a91c0d357',
    });
  });

  it('gives an empty filter list for a pod without probes', () => {
    // Prepare
    const none = egressBlocks[2];
    // Act
    const output = expectOk(parseTcFilterText(none?.output ?? 'x', 'none.txt'));
    // Assess
    expect(none?.command).toBe('tc filter show dev eni6770c9ae45a egress');
    expect(output.filters).toEqual([]);
    expect(output.programNameToken).toBeNull();
  });

  it('parses the ingress hook sample (handle_egress, program 813)', () => {
    // Prepare
    const [block] = annotatedBlocks(sample('tc_filter_show_dev_VETH_ingress.txt'));
    // Act
    const output = expectOk(parseTcFilterText(block?.output ?? '', 'ingress.txt', { hook: 'ingress' }));
    // Assess
    expect(output.filters.map((f) => [f.name, f.programId])).toEqual([['handle_egress', 813]]);
  });

  it('parses the seed article outputs for eni9c515deae49 (trailing spaces stripped)', () => {
    // Act
    const ingress = expectOk(
      parseTcFilterText(seed('seed-article_tc_filter_show_dev_eni9c515deae49_ingress.txt'), 'i'),
    );
    const egress = expectOk(parseTcFilterText(seed('seed-article_tc_filter_show_dev_eni9c515deae49_egress.txt'), 'e'));
    // Assess
    expect(ingress.filters[0]).toMatchObject({
      name: 'handle_egress',
      programId: 433,
      tag: '557a80b8403d758b',
      programName: '',
    });
    expect(egress.filters[0]).toMatchObject({
      name: 'handle_ingress',
      programId: 432,
      tag: 'aeee5ad55207c8b0',
      directAction: true,
    });
  });

  it('accepts a parent handle and filters without program info', () => {
    // Act
    const output = expectOk(
      parseTcFilterText(
        'filter parent ffff:fff3 protocol all pref 1 bpf chain 0 handle 0x1 handle_ingress direct-action\n',
        'p',
      ),
    );
    // Assess
    expect(output.filters[0]).toMatchObject({
      name: 'handle_ingress',
      programId: null,
      directAction: true,
      jited: false,
    });
    expect(output.programNameToken).toBeNull();
  });

  it.each([
    ['garbage', 'hello world\n', 1],
    ['bad pref', 'filter protocol all pref x bpf chain 0\n', 1],
    ['bad handle', 'filter protocol all pref 1 bpf chain 0\nfilter protocol all pref 1 bpf chain 0 handle zz\n', 2],
    [
      'truncated option',
      'filter protocol all pref 1 bpf chain 0 handle 0x1 handle_ingress direct-action not_in_hw id\n',
      1,
    ],
    ['unknown token', 'filter protocol all pref 1 bpf handle 0x1 handle_ingress id 4 extra\n', 1],
  ])('rejects %s with the file and line', (_name, text, line) => {
    // Act
    const error = expectParseError(parseTcFilterText(text, 'tc.txt'));
    // Assess
    expect(error.file).toBe('tc.txt');
    expect(error.line).toBe(line);
  });
});

describe('tc -j filter show (JSON)', () => {
  it.each([
    ['tc_-j_filter_show_dev_VETH_egress.json', 'handle_ingress', 812],
    ['tc_-j_filter_show_dev_VETH_ingress.json', 'handle_egress', 813],
  ])('parses %s', (file, name, programId) => {
    // Act
    const output = expectOk(parseTcFilterJson(sample(file), file));
    // Assess
    expect(output).toMatchObject({ source: 'json', chainHeaderCount: 1, programNameToken: 'present' });
    expect(output.filters).toEqual([
      expect.objectContaining({
        protocol: 'all',
        pref: 1,
        chain: 0,
        handle: 1,
        name,
        programId,
        programName: '',
        tag: '2b8e4f6a91c0d357',
        directAction: true,
        jited: true,
      }),
    ]);
  });

  it('agrees with the text parser on the same filter', () => {
    // Prepare
    const [text] = annotatedBlocks(sample('tc_filter_show_dev_VETH_egress.txt'));
    // Act
    const fromText = expectOk(parseTcFilterText(text?.output ?? '', 't')).filters[0];
    const fromJson = expectOk(parseTcFilterJson(sample('tc_-j_filter_show_dev_VETH_egress.json'), 'j')).filters[0];
    // Assess
    expect({ ...fromJson, line: 0 }).toEqual({ ...fromText, line: 0 });
  });

  it('treats empty output and [] as no filters', () => {
    // Act + Assess
    expect(expectOk(parseTcFilterJson('', 'e')).filters).toEqual([]);
    expect(expectOk(parseTcFilterJson('[]\n', 'e')).filters).toEqual([]);
  });

  it('rejects invalid JSON and schema violations as NodeOutputParseError', () => {
    // Act
    const syntax = expectParseError(parseTcFilterJson('[{"protocol":"all",\n"pref":', 'bad.json'));
    const schema = expectParseError(parseTcFilterJson('[{"protocol":"all","pref":"one","kind":"bpf"}]', 'bad.json'));
    // Assess
    expect(syntax.file).toBe('bad.json');
    expect(syntax.reason).toContain('invalid tc JSON');
    expect(schema.reason).toContain('0.pref');
  });
});

describe('tc qdisc show', () => {
  it('parses the clsact qdisc sample', () => {
    // Prepare
    const [block] = annotatedBlocks(sample('tc_qdisc_show_dev_VETH.txt'));
    // Act
    const output = expectOk(parseTcQdiscText(block?.output ?? '', 'qdisc.txt'));
    // Assess
    expect(output.qdiscs).toEqual([
      { line: 1, kind: 'noqueue', handle: '0:', parent: 'root' },
      { line: 2, kind: 'clsact', handle: 'ffff:', parent: 'ffff:fff1' },
    ]);
  });

  it('rejects a line that is not a qdisc', () => {
    // Act
    const error = expectParseError(parseTcQdiscText('qdisc clsact ffff: parent ffff:fff1\nfilter x\n', 'q.txt'));
    // Assess
    expect(error.line).toBe(2);
  });
});
