import { lpmDumpAgentVersions } from '#engine/node/parsers/agent-version';
import { parseLpmMapDump } from '#engine/node/parsers/lpm-map';
import { isAnyProtocol, isReservedProtocol, type LpmMapDump } from '#engine/node/model';
import { expectOk, expectParseError, ofKind, sample, seed } from './support/fixtures';

function parse(text: string, file = 'dump.txt'): LpmMapDump {
  return ofKind(expectOk(parseLpmMapDump(text, file)), 'lpm-map');
}

/** Entries as `cidr -> sorted "proto:start:end"` sets (slot order is random, §1.3.4). */
function slotSets(dump: LpmMapDump): Record<string, string[]> {
  return Object.fromEntries(
    dump.entries.map((e) => [e.cidr, e.values.map((v) => `${String(v.protocol)}:${v.startPort}:${v.endPort}`).sort()]),
  );
}

describe('ebpf dump-maps on an LPM map', () => {
  it('parses G3 (IPv4 CLI v1.3.0+) ingress_map', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt'));
    // Assess
    expect(dump).toMatchObject({ family: 'ipv4', generation: 'G3', header: null, readErrors: [] });
    expect(dump.entries.map((e) => e.cidr)).toEqual(['10.0.1.25/32', '10.0.5.0/24', '10.0.40.12/32', '10.0.0.0/16']);
    expect(slotSets(dump)).toEqual({
      '10.0.1.25/32': ['254:0:0'],
      '10.0.5.0/24': ['255:0:0'],
      '10.0.40.12/32': ['6:8080:0', '6:80:0', '6:9000:9100'],
      '10.0.0.0/16': ['6:8080:0', '6:9000:9100'],
    });
    expect(dump.entries[2]?.values[2]).toEqual({
      line: 31,
      slot: 2,
      protocol: 6,
      protocolLabel: 'TCP',
      startPort: 9000,
      endPort: 9100,
    });
    expect(lpmDumpAgentVersions(dump)).toMatchObject({ min: '1.3.0', max: null });
  });

  it('parses G3 egress_map with UDP, RESERVED and the 0.0.0.0/0 key last', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-maps_egress_map.v1.3.0-plus.txt'));
    // Assess
    expect(dump.entries.at(-1)?.cidr).toBe('0.0.0.0/0');
    expect(slotSets(dump)['172.20.0.10/32']).toEqual(['17:53:0', '6:443:0', '6:53:0']);
    expect(
      dump.entries.find((e) => e.cidr === '169.254.169.254/32')?.values.every((v) => isReservedProtocol(v.protocol)),
    ).toBe(true);
  });

  it('parses G2 (v1.0.7–v1.2.7)', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.7-v1.2.7.txt'));
    // Assess
    expect(dump.generation).toBe('G2');
    expect(slotSets(dump)['10.0.40.12/32']).toEqual(['6:8080:0', '6:80:0', '6:9000:9100']);
    expect(dump.entries[0]?.values[0]).toMatchObject({ protocol: 254, protocolLabel: 'ANY PROTOCOL' });
    expect(lpmDumpAgentVersions(dump)).toMatchObject({ min: '1.0.7', max: '1.2.7' });
  });

  it('parses G1 (v1.0.1–v1.0.6): first slot only, numeric protocol', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.1-v1.0.6.txt'));
    // Assess
    expect(dump.generation).toBe('G1');
    expect(dump.entries.map((e) => [e.cidr, e.values.length])).toEqual([
      ['10.0.1.25/32', 1],
      ['10.0.40.12/32', 1],
      ['10.0.0.0/16', 1],
      ['0.0.0.0/0', 1],
    ]);
    expect(dump.entries[1]?.values[0]).toMatchObject({ slot: 0, protocol: 6, protocolLabel: '6', startPort: 80 });
    expect(lpmDumpAgentVersions(dump)).toMatchObject({ min: '1.0.1', max: '1.0.6' });
  });

  it('parses the IPv6 CLI (v1.3.0+) dump with its "Walking map:" header', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli-v6_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt'));
    // Assess
    expect(dump).toMatchObject({
      family: 'ipv6',
      generation: 'G2',
      header: { line: 1, mapName: '', mapType: 11, mapId: 2211 },
    });
    expect(dump.entries.map((e) => e.cidr)).toEqual([
      '2600:1f14:abc:d300::7/128',
      '2600:1f14:abc:d3ff::12/128',
      '2600:1f14:abc:d300::/56',
      'fd74:9d4e:ba42::a/128',
      '::/0',
    ]);
    expect(lpmDumpAgentVersions(dump)).toMatchObject({ min: '1.3.0' });
  });

  it('parses the seed article dump of map 93 (separator lines restored)', () => {
    // Act
    const dump = parse(seed('seed-article_dump-maps_93.txt'));
    // Assess
    expect(dump.entries.map((e) => e.cidr)).toEqual(['172.31.101.218/32', '172.31.103.129/32']);
    expect(dump.entries.every((e) => e.values.length === 1 && isAnyProtocol(e.values[0]?.protocol ?? null))).toBe(true);
  });

  it('rejects the seed article dump as rendered on the web page, naming line 8', () => {
    // Act
    const error = expectParseError(parseLpmMapDump(seed('seed-article_dump-maps_93.as-published.txt'), 'article.txt'));
    // Assess
    expect(error).toMatchObject({ file: 'article.txt', line: 8 });
  });

  it('keeps G3 read errors and continues the walk', () => {
    // Prepare
    const text = [
      'Key: 10.0.1.25/32',
      '-------------------',
      'Entry 0:',
      'Protocol  - ANY PROTOCOL',
      'StartPort - 0',
      'EndPort   - 0',
      '-------------------',
      '*******************************',
      'error reading NetworkPolicy entry: unable to get map entry: no such file or directory',
      'Key: 10.0.5.0/24',
      '*******************************',
      'Done reading all entries',
    ].join('\n');
    // Act
    const dump = parse(text);
    // Assess
    expect(dump.readErrors).toEqual([
      { line: 9, policyKind: 'NetworkPolicy', message: 'unable to get map entry: no such file or directory' },
    ]);
    expect(dump.entries.map((e) => [e.cidr, e.values.length])).toEqual([
      ['10.0.1.25/32', 1],
      ['10.0.5.0/24', 0],
    ]);
  });

  it('maps the UNKNOWN label to a null protocol', () => {
    // Prepare
    const text = sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt').replace(
      'Protocol  - RESERVED',
      'Protocol  - UNKNOWN',
    );
    // Act
    const dump = parse(text);
    // Assess
    expect(dump.entries[1]?.values[0]).toMatchObject({ protocol: null, protocolLabel: 'UNKNOWN' });
  });

  it('returns empty-map and CLI-error variants', () => {
    // Act
    const empty = expectOk(parseLpmMapDump('No Entries found, Empty map\n', 'e'));
    const denied = expectOk(
      parseLpmMapDump('Failed to execute the cmd -  failed to get map FD: operation not permitted\n', 'e'),
    );
    // Assess
    expect(ofKind(empty, 'empty-map').reportedAs).toBe('lpm-or-lru');
    expect(ofKind(denied, 'cli-error').category).toBe('permission-denied');
  });

  it.each([
    ['truncated (no Done line)', (t: string) => t.replace('Done reading all entries\n', ''), 'truncated'],
    ['truncated inside a slot', (t: string) => t.split('\n').slice(0, 5).join('\n'), 'truncated'],
    ['a bad prefix length', (t: string) => t.replace('10.0.5.0/24', '10.0.5.0/33'), 'IP/prefix'],
    ['an unknown protocol label', (t: string) => t.replace('Protocol  - TCP', 'Protocol  - GRE'), 'protocol label'],
    ['a non-numeric port', (t: string) => t.replace('StartPort - 80', 'StartPort - eighty'), 'start port'],
    [
      'a G2 key inside a G3 dump',
      (t: string) => t.replace('Key: 10.0.0.0/16', 'Key : IP/Prefixlen - 10.0.0.0/16'),
      'G2 entry in a G3 dump',
    ],
    ['an IPv6 key among IPv4 keys', (t: string) => t.replace('Key: 10.0.0.0/16', 'Key: ::/0'), 'IPv6 address'],
    ['trailing output after Done', (t: string) => `${t}Key: 1.2.3.4/32\n`, 'continues after'],
  ])('rejects %s', (_name, mutate, reason) => {
    // Prepare
    const text = mutate(sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt'));
    // Act
    const error = expectParseError(parseLpmMapDump(text, 'm.txt'));
    // Assess
    expect(error.file).toBe('m.txt');
    expect(error.line).toBeGreaterThan(0);
    expect(error.reason).toContain(reason);
  });
});
