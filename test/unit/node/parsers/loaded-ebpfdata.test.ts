import { loadedEbpfDataAgentVersions } from '#engine/node/parsers/agent-version';
import { mapRole, parseLoadedEbpfData, toPodIdentifier } from '#engine/node/parsers/loaded-ebpfdata';
import type { LoadedEbpfDataOutput } from '#engine/node/model';
import { expectOk, expectParseError, ofKind, sample, seed } from './support/fixtures';

function parse(text: string, file = 'ebpf-data.txt'): LoadedEbpfDataOutput {
  return ofKind(expectOk(parseLoadedEbpfData(text, file)), 'loaded-ebpfdata');
}

describe('ebpf loaded-ebpfdata', () => {
  it('parses the v1.4.x sample: "@" identifiers, Prog IDs and cp maps', () => {
    // Act
    const output = parse(sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt'));
    // Assess
    expect(output.programReference).toBe('id');
    expect(output.identifierSeparator).toBe('@');
    expect(output.programs.map((p) => [p.podIdentifier.raw, p.direction, p.programId])).toEqual([
      ['nginx-5d8b9f7c6d@shop', 'ingress', 812],
      ['web@db', 'egress', 821],
      ['nginx-5d8b9f7c6d@shop', 'egress', 813],
      ['web@db', 'ingress', 820],
    ]);
    const first = output.programs[0];
    expect(first?.podIdentifier).toEqual({
      raw: 'nginx-5d8b9f7c6d@shop',
      separator: '@',
      namePrefix: 'nginx-5d8b9f7c6d',
      namespace: 'shop',
    });
    expect(first?.pinPath).toBe('/sys/fs/bpf/globals/aws/programs/nginx-5d8b9f7c6d@shop_handle_ingress');
    expect(first?.maps).toEqual([
      { line: 5, name: 'policy_events', id: 6, role: 'policy_events' },
      { line: 7, name: 'cp_ingress_map', id: 1630, role: 'cp_ingress_map' },
      { line: 9, name: 'ingress_map', id: 1631, role: 'ingress_map' },
      { line: 11, name: 'aws_conntrack_map', id: 5, role: 'aws_conntrack_map' },
      { line: 13, name: 'ingress_pod_state_map', id: 1632, role: 'ingress_pod_state_map' },
    ]);
    expect(loadedEbpfDataAgentVersions(output)).toMatchObject({ min: '1.4.0', max: null });
  });

  it('parses the v1.2.x sample: "-" identifiers, pod-state maps, no cp maps', () => {
    // Act
    const output = parse(sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.2.x.txt'));
    // Assess
    expect(output.identifierSeparator).toBe('-');
    expect(output.programs[0]?.podIdentifier).toEqual({
      raw: 'nginx-5d8b9f7c6d-shop',
      separator: '-',
      namePrefix: null,
      namespace: null,
    });
    expect(output.programs.flatMap((p) => p.maps.map((m) => m.role))).not.toContain('cp_ingress_map');
    expect(output.programs[1]?.maps.find((m) => m.role === 'ingress_map')?.id).toBe(903);
    expect(loadedEbpfDataAgentVersions(output)).toMatchObject({ min: '1.2.0', max: '1.3.7' });
  });

  it('parses the seed article output for nginx-f8d9c6576-default (Prog IDs 433/432)', () => {
    // Act
    const output = parse(seed('seed-article_loaded-ebpfdata_nginx-f8d9c6576-default.txt'));
    // Assess
    expect(output.programs.map((p) => [p.podIdentifier.raw, p.direction, p.programId])).toEqual([
      ['nginx-f8d9c6576-default', 'egress', 433],
      ['nginx-f8d9c6576-default', 'ingress', 432],
    ]);
    expect(output.programs[1]?.maps.find((m) => m.role === 'ingress_map')?.id).toBe(93);
    expect(output.programs[0]?.maps.find((m) => m.role === 'egress_pod_state_map')?.id).toBe(96);
  });

  it('reads the v1.0.1–v1.0.6 "Prog FD" form and empty "Map Name:" lines', () => {
    // Prepare
    const text = [
      'PinPath:  /sys/fs/bpf/globals/aws/programs/web-db_handle_ingress',
      'Pod Identifier : web-db  Direction : ingress ',
      'Prog FD:  11',
      'Associated Maps -> ',
      'Map Name:  ',
      'Map ID:  77',
      'Map Name:  ingress_map',
      'Map ID:  78',
      '='.repeat(88),
    ].join('\n');
    // Act
    const output = parse(text);
    // Assess
    expect(output.programReference).toBe('fd');
    expect(output.programs[0]).toMatchObject({ programId: null, programFd: 11 });
    expect(output.programs[0]?.maps[0]).toEqual({ line: 5, name: '', id: 77, role: 'unnamed' });
    expect(loadedEbpfDataAgentVersions(output)).toMatchObject({ min: '1.0.1', max: '1.0.6' });
  });

  it('takes identifier and direction from the pin path when the pre-v1.3.2 "_" split misprints them', () => {
    // Prepare: pod "app.v2-5f" in ns "ns" gives identifier "app_v2-ns"; the old CLI printed parts [0] and [2]
    const text = [
      'PinPath:  /sys/fs/bpf/globals/aws/programs/app_v2-ns_handle_egress',
      'Pod Identifier : app  Direction : handle ',
      'Prog ID:  50',
      'Associated Maps -> ',
      'Map Name:  v2-ns_egress_map',
      'Map ID:  51',
      '='.repeat(88),
    ].join('\n');
    // Act
    const program = parse(text).programs[0];
    // Assess
    expect(program).toMatchObject({ direction: 'egress', printedDirection: 'handle', printedPodIdentifier: 'app' });
    expect(program?.podIdentifier.raw).toBe('app_v2-ns');
    expect(program?.maps[0]?.role).toBe('egress_map');
  });

  it('reports mixed identifier forms and empty output', () => {
    // Prepare
    const v14 = sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt');
    const v12 = sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.2.x.txt');
    // Act + Assess
    expect(parse(`${v14}${v12}`).identifierSeparator).toBe('mixed');
    expect(parse('').programs).toEqual([]);
  });

  it('returns CLI errors as a result variant', () => {
    // Act
    const output = expectOk(
      parseLoadedEbpfData('Failed to execute the cmd -  error checking BPF FS, please make sure it is mounted\n', 'x'),
    );
    // Assess
    expect(ofKind(output, 'cli-error').category).toBe('bpffs-not-mounted');
  });

  it.each([
    ['truncated before the block separator', 12],
    ['truncated after Prog ID', 3],
  ])('rejects output %s at the last line read', (_name, keepLines) => {
    // Prepare
    const text = sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt').split('\n').slice(0, keepLines).join('\n');
    // Act
    const error = expectParseError(parseLoadedEbpfData(text, 'cut.txt'));
    // Assess
    expect(error.line).toBe(keepLines);
    expect(error.reason).toContain('truncated');
  });

  it.each([
    ['the v1.4.x sample', sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt')],
    ['the seed article output', seed('seed-article_loaded-ebpfdata_nginx-f8d9c6576-default.txt')],
  ])('parses %s in full when its complete last block lacks the final separator', (_name, text) => {
    // Prepare
    const withoutSeparator = text.trimEnd().split('\n').slice(0, -1).join('\n');
    // Act
    const complete = parse(text);
    const unterminated = parse(withoutSeparator);
    // Assess
    expect(withoutSeparator.trimEnd().endsWith('=')).toBe(false);
    expect(unterminated).toEqual(complete);
  });

  it.each([
    ['a v1.4.x block cut before its fifth map', 'aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt', 58],
    ['a v1.2.x block with fewer maps than the blocks before it', 'aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.2.x.txt', -3],
  ])('still rejects %s, without separator, as truncated', (_name, file, keepLines) => {
    // Prepare
    const text = sample(file).trimEnd().split('\n').slice(0, keepLines).join('\n');
    // Act
    const error = expectParseError(parseLoadedEbpfData(text, 'cut.txt'));
    // Assess
    expect(text.trimEnd().endsWith('=')).toBe(false);
    expect(error.line).toBe(text.split('\n').length);
    expect(error.reason).toMatch(/^output ends after this line, .*\(truncated\?\)$/);
  });

  it('rejects a Map Name without Map ID and garbage, naming the line', () => {
    // Prepare
    const lines = sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.2.x.txt').split('\n');
    lines.splice(5, 1);
    // Act
    const missingId = expectParseError(parseLoadedEbpfData(lines.join('\n'), 'f.txt'));
    const garbage = expectParseError(parseLoadedEbpfData('PinPath:  /x_handle_ingress\nhello\n', 'g.txt'));
    // Assess
    expect(missingId.line).toBe(6);
    expect(garbage).toMatchObject({ file: 'g.txt', line: 2 });
  });
});

describe('pod identifier and map role helpers', () => {
  it.each([
    ['app-5f@ns_ingress_map', 'ingress_map'],
    ['cp_ingress_map', 'cp_ingress_map'],
    ['x@y_cp_egress_map', 'cp_egress_map'],
    ['egress_pod_state_map', 'egress_pod_state_map'],
    ['something_else', 'unknown'],
  ])('classifies %s as %s', (name, role) => {
    expect(mapRole(name)).toBe(role);
  });

  it('rejects identifiers without a separator', () => {
    expect(toPodIdentifier('busybox')).toBeUndefined();
    expect(toPodIdentifier('busybox@default')?.namespace).toBe('default');
  });
});
