import { conntrackAgentVersions } from '#engine/node/parsers/agent-version';
import { parseConntrackDump } from '#engine/node/parsers/conntrack-map';
import { parseGoDuration } from '#engine/node/parsers/go-duration';
import type { ConntrackDump } from '#engine/node/model';
import { expectOk, expectParseError, ofKind, sample } from './support/fixtures';

function parse(text: string): ConntrackDump {
  return ofKind(expectOk(parseConntrackDump(text, 'ct.txt')), 'conntrack-map');
}

const OWNER_KEY =
  'Conntrack Key : Source IP - 10.0.40.12 Source port - 51234 Dest IP - 10.0.23.14 Dest port - 80 Protocol - 6 Owner IP - 10.0.23.14';

describe('ebpf dump-maps on aws_conntrack_map', () => {
  it('parses the Owner IP generation (v1.0.5–v1.3.5) with v1.2.x values', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-maps_aws_conntrack_map.v1.2.x.txt'));
    // Assess
    expect(dump).toMatchObject({ family: 'ipv4', keyGeneration: 'owner-ip', valueGeneration: 'value', header: null });
    expect(dump.entries[0]).toEqual({
      line: 1,
      sourceIp: '10.0.40.12',
      sourcePort: 51234,
      destIp: '10.0.23.14',
      destPort: 80,
      protocol: 6,
      ownerIp: '10.0.23.14',
      ifindex: null,
      value: 1,
      lastSeen: null,
    });
    expect(dump.entries.map((e) => e.value)).toEqual([1, 1, 0, 1]);
    expect(conntrackAgentVersions(dump)).toMatchObject({ min: '1.2.0', max: '1.2.7' });
  });

  it('parses the Ifindex generation (v1.3.7, v1.4.0–v1.4.1)', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-maps_aws_conntrack_map.v1.3.7-v1.4.1.txt'));
    // Assess
    expect(dump.keyGeneration).toBe('owner-ip-ifindex');
    expect(dump.entries.map((e) => [e.ownerIp, e.ifindex, e.value])).toEqual([
      ['10.0.23.14', 17, 5],
      ['10.0.23.14', 17, 5],
      ['10.0.17.99', 21, 2],
      ['10.0.31.206', 19, 5],
    ]);
    expect(conntrackAgentVersions(dump)).toMatchObject({ min: '1.3.7', max: '1.4.1' });
  });

  it('parses the Last Seen value generation (main after v1.4.1)', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-maps_aws_conntrack_map.main-after-v1.4.1.txt'));
    // Assess
    expect(dump.valueGeneration).toBe('value-last-seen');
    expect(dump.entries.map((e) => e.lastSeen)).toEqual([
      { ns: '18245112934501', age: { kind: 'ago', text: '1.532s', milliseconds: 1532 } },
      { ns: '18243580112237', age: { kind: 'ago', text: '3.064s', milliseconds: 3064 } },
      { ns: '18101522001876', age: { kind: 'ago', text: '2m25.122s', milliseconds: 145122 } },
      { ns: '0', age: { kind: 'never' } },
    ]);
    expect(conntrackAgentVersions(dump)).toMatchObject({ min: '1.4.2', max: null });
  });

  it('parses the IPv6 CLI dump after its header', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli-v6_ebpf_dump-maps_aws_conntrack_map.v1.3.7-v1.4.1.txt'));
    // Assess
    expect(dump).toMatchObject({ family: 'ipv6', keyGeneration: 'owner-ip-ifindex', header: { mapType: 9, mapId: 5 } });
    expect(dump.entries[1]).toMatchObject({ destIp: 'fd74:9d4e:ba42::a', destPort: 53, protocol: 17 });
  });

  it('parses the v1.0.1–v1.0.4 key without Owner IP', () => {
    // Prepare
    const text =
      'Conntrack Key : Source IP - 10.0.40.12 Source port - 51234 Dest IP - 10.0.23.14 Dest port - 80 Protocol - 6\nValue : \nConntrack Val -  1\n*******************************\nDone reading all entries\n';
    // Act
    const dump = parse(text);
    // Assess
    expect(dump.keyGeneration).toBe('no-owner');
    expect(dump.entries[0]).toMatchObject({ ownerIp: null, ifindex: null });
    expect(conntrackAgentVersions(dump)).toMatchObject({ min: '1.0.1', max: '1.0.4' });
  });

  it('returns the empty-map message as a variant', () => {
    expect(ofKind(expectOk(parseConntrackDump('No Entries found, Empty map\n', 'ct')), 'empty-map').reportedAs).toBe(
      'lpm-or-lru',
    );
  });

  it.each([
    [
      'mixed key generations',
      `${OWNER_KEY}\nValue :\nConntrack Val - 1\n***\n${OWNER_KEY} Ifindex - 3\nValue :\nConntrack Val - 1\n***\nDone reading all entries\n`,
      5,
      'generation',
    ],
    [
      'a port above 65535',
      `${OWNER_KEY.replace('51234', '70000')}\nValue :\nConntrack Val - 1\n***\nDone reading all entries\n`,
      1,
      'port',
    ],
    [
      'a bad address',
      `${OWNER_KEY.replace('10.0.40.12', '10.0.400.12')}\nValue :\nConntrack Val - 1\n***\nDone reading all entries\n`,
      1,
      'not an IP',
    ],
    [
      'a misspelled label',
      `${OWNER_KEY.replace('Dest port', 'Dst port')}\nValue :\nConntrack Val - 1\n***\nDone reading all entries\n`,
      1,
      'Dest',
    ],
    [
      'an unreadable age',
      `${OWNER_KEY} Ifindex - 3\nValue :\nConntrack Val - 1\nLast Seen (ns) -  12  (soon)\n***\nDone reading all entries\n`,
      4,
      'age',
    ],
    ['a truncated entry', `${OWNER_KEY}\nValue :\n`, 2, 'truncated'],
  ])('rejects %s', (_name, text, line, reason) => {
    // Act
    const error = expectParseError(parseConntrackDump(text, 'ct.txt'));
    // Assess
    expect(error).toMatchObject({ file: 'ct.txt', line });
    expect(error.reason).toContain(reason);
  });
});

describe('Go duration text', () => {
  it.each([
    ['0s', 0],
    ['532ms', 532],
    ['1.532s', 1532],
    ['2m25.122s', 145122],
    ['1h0m0.001s', 3600001],
  ])('reads %s', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 's', '1.2.3s', '5 minutes', '10'])('rejects %p', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});
