import { detectNodeOutputFormat, parseNodeOutput } from '#engine/node/parsers/node-output';
import { annotatedBlocks, expectOk, expectParseError, sample, seed } from './support/fixtures';

describe('node output format detection and dispatch', () => {
  it.each([
    ['aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt', 'loaded-ebpfdata', 'loaded-ebpfdata'],
    ['aws-eks-na-cli_ebpf_progs.txt', 'bpf-programs', 'bpf-programs'],
    ['aws-eks-na-cli_ebpf_maps.v1.3.7-v1.4.1.txt', 'bpf-maps', 'bpf-maps'],
    ['aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.1-v1.0.6.txt', 'lpm-map', 'lpm-map'],
    ['aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.7-v1.2.7.txt', 'lpm-map', 'lpm-map'],
    ['aws-eks-na-cli_ebpf_dump-maps_egress_map.v1.3.0-plus.txt', 'lpm-map', 'lpm-map'],
    ['aws-eks-na-cli-v6_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt', 'lpm-map', 'lpm-map'],
    ['aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.main-after-v1.4.1.txt', 'cp-map', 'cp-map'],
    ['aws-eks-na-cli_ebpf_dump-maps_ingress_pod_state_map.v1.2.x.txt', 'pod-state-map', 'pod-state-map'],
    ['aws-eks-na-cli_ebpf_dump-maps_aws_conntrack_map.v1.2.x.txt', 'conntrack-map', 'conntrack-map'],
    ['aws-eks-na-cli-v6_ebpf_dump-maps_aws_conntrack_map.v1.3.7-v1.4.1.txt', 'conntrack-map', 'conntrack-map'],
    ['tc_-j_filter_show_dev_VETH_ingress.json', 'tc-filter-json', 'tc-filters'],
  ])('detects and parses %s', (file, format, kind) => {
    // Prepare
    const text = sample(file);
    // Act
    const detected = detectNodeOutputFormat(text);
    const parsed = expectOk(parseNodeOutput(text, file));
    // Assess
    expect(detected).toBe(format);
    expect(parsed.kind).toBe(kind);
  });

  it('detects tc text, qdisc, CLI messages and empty output', () => {
    // Prepare
    const tc = annotatedBlocks(sample('tc_filter_show_dev_VETH_ingress.txt'))[0]?.output ?? '';
    const qdisc = annotatedBlocks(sample('tc_qdisc_show_dev_VETH.txt'))[0]?.output ?? '';
    const errors = annotatedBlocks(sample('aws-eks-na-cli_errors_and_empty_maps.txt'));
    // Act + Assess
    expect(detectNodeOutputFormat(tc)).toBe('tc-filter-text');
    expect(detectNodeOutputFormat(qdisc)).toBe('tc-qdisc');
    expect(detectNodeOutputFormat(seed('seed-article_dump-maps_93.txt'))).toBe('lpm-map');
    expect(errors.map((b) => detectNodeOutputFormat(b.output))).toEqual(
      Array<string>(errors.length).fill('cli-message'),
    );
    expect(detectNodeOutputFormat('\n\n')).toBe('empty-output');
    expect(expectOk(parseNodeOutput('', 'e')).kind).toBe('empty-output');
  });

  it('passes the tc hook through', () => {
    // Act
    const parsed = expectOk(parseNodeOutput(sample('tc_-j_filter_show_dev_VETH_egress.json'), 'j', { hook: 'egress' }));
    // Assess
    expect(parsed).toMatchObject({ kind: 'tc-filters', hook: 'egress' });
  });

  it('names file and line for unknown input', () => {
    // Act
    const error = expectParseError(parseNodeOutput('\n  lorem ipsum\n', 'unknown.txt'));
    // Assess
    expect(error).toMatchObject({ file: 'unknown.txt', line: 2 });
    expect(error.message).toBe('unknown.txt:2: output does not match any documented node output format');
  });
});
