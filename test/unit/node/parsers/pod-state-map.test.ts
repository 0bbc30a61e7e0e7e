import { podStateAgentVersions } from '#engine/node/parsers/agent-version';
import { parsePodStateMapDump } from '#engine/node/parsers/pod-state-map';
import { expectOk, expectParseError, ofKind, sample } from './support/fixtures';

describe('ebpf dump-maps on a pod-state map', () => {
  it('parses the v1.3.0+ sample (keys 0 and 1)', () => {
    // Act
    const dump = ofKind(
      expectOk(
        parsePodStateMapDump(sample('aws-eks-na-cli_ebpf_dump-maps_ingress_pod_state_map.v1.3.0-plus.txt'), 'ps'),
      ),
      'pod-state-map',
    );
    // Assess
    expect(dump.entries).toEqual([
      { line: 1, key: 0, keyMeaning: 'network-policy', state: 0, stateName: 'POLICIES_APPLIED' },
      { line: 4, key: 1, keyMeaning: 'cluster-network-policy', state: 1, stateName: 'DEFAULT_ALLOW' },
    ]);
    expect(podStateAgentVersions(dump)).toMatchObject({ min: '1.3.0' });
  });

  it('parses the v1.2.x sample (key 0 only)', () => {
    // Act
    const dump = ofKind(
      expectOk(parsePodStateMapDump(sample('aws-eks-na-cli_ebpf_dump-maps_ingress_pod_state_map.v1.2.x.txt'), 'ps')),
      'pod-state-map',
    );
    // Assess
    expect(dump.entries).toEqual([
      { line: 1, key: 0, keyMeaning: 'network-policy', state: 1, stateName: 'DEFAULT_ALLOW' },
    ]);
    expect(podStateAgentVersions(dump)).toMatchObject({ min: '1.2.0', max: '1.2.7' });
  });

  it('reports an unknown state value without failing', () => {
    // Act
    const dump = ofKind(
      expectOk(
        parsePodStateMapDump(
          'Key :  0\nState -  9\n*******************************\nDone reading all entries in BPF_MAP_TYPE_HASH\n',
          'ps',
        ),
      ),
      'pod-state-map',
    );
    // Assess
    expect(dump.entries[0]?.stateName).toBeNull();
  });

  it('returns the empty-HASH message and the IPv6 header-only output as variants', () => {
    // Act
    const empty = expectOk(parsePodStateMapDump('No entries found, empty HASH map (pod_state_map?)\n', 'ps'));
    const headerOnly = expectOk(parsePodStateMapDump('Walking map:  (type=1, id=2212)\n', 'ps'));
    // Assess
    expect(ofKind(empty, 'empty-map').reportedAs).toBe('hash');
    expect(ofKind(headerOnly, 'header-only').header).toEqual({ line: 1, mapName: '', mapType: 1, mapId: 2212 });
  });

  it.each([
    ['missing the HASH done line', 'Key :  0\nState -  0\n*******************************\n', 3],
    ['with a state above u8', 'Key :  0\nState -  256\n*******************************\n', 2],
    ['with a missing separator', 'Key :  0\nState -  1\nDone reading all entries in BPF_MAP_TYPE_HASH\n', 3],
  ])('rejects a dump %s', (_name, text, line) => {
    // Act
    const error = expectParseError(parsePodStateMapDump(text, 'ps.txt'));
    // Assess
    expect(error).toMatchObject({ file: 'ps.txt', line });
  });
});
