import { parseBpfMapList, parseBpfProgramList } from '#engine/node/parsers/bpf-inventory';
import { expectOk, expectParseError, ofKind, sample } from './support/fixtures';

describe('ebpf progs and ebpf maps', () => {
  it('parses the progs sample', () => {
    // Act
    const list = ofKind(
      expectOk(parseBpfProgramList(sample('aws-eks-na-cli_ebpf_progs.txt'), 'progs')),
      'bpf-programs',
    );
    // Assess
    expect(list.programs).toHaveLength(7);
    expect(list.programs.filter((p) => p.type === 3).map((p) => [p.id, p.mapCount])).toEqual([
      [812, 5],
      [813, 5],
      [820, 5],
      [821, 5],
    ]);
  });

  it('parses the maps sample with sizes', () => {
    // Act
    const list = ofKind(
      expectOk(parseBpfMapList(sample('aws-eks-na-cli_ebpf_maps.v1.3.7-v1.4.1.txt'), 'maps')),
      'bpf-maps',
    );
    // Assess
    expect(list.maps).toHaveLength(9);
    expect(list.maps.find((m) => m.id === 5)).toEqual({
      line: 5,
      type: 9,
      id: 5,
      keySize: 24,
      valueSize: 1,
      maxEntries: 524288,
    });
  });

  it('returns a CLI error and rejects malformed lines', () => {
    // Act
    const failure = expectOk(parseBpfMapList('Failed to execute the cmd -  operation not permitted\n', 'maps'));
    const bad = expectParseError(
      parseBpfProgramList('Programs currently loaded : \nType : 3 ID : x Associated maps count : 5\n', 'progs'),
    );
    // Assess
    expect(failure.kind).toBe('cli-error');
    expect(bad).toMatchObject({ file: 'progs', line: 2 });
  });
});
