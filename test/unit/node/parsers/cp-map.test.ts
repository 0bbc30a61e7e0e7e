import { cpDumpAgentVersions } from '#engine/node/parsers/agent-version';
import { decodeCpPriority, parseCpMapDump } from '#engine/node/parsers/cp-map';
import type { CpMapDump } from '#engine/node/model';
import { expectOk, expectParseError, ofKind, sample } from './support/fixtures';

function parse(text: string): CpMapDump {
  return ofKind(expectOk(parseCpMapDump(text, 'cp.txt')), 'cp-map');
}

describe('ebpf dump-cp-maps', () => {
  it('parses the v1.3.0–v1.4.1 sample with decoded priorities', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.v1.3.0-v1.4.1.txt'));
    // Assess
    expect(dump.entries.map((e) => e.cidr)).toEqual(['10.0.0.0/8', '0.0.0.0/0']);
    expect(dump.entries[0]?.values).toEqual([
      expect.objectContaining({
        slot: 0,
        protocol: 254,
        priority: 20501,
        tier: 'baseline',
        tierPriority: 2050,
        policyPriority: 50,
        action: 'accept',
      }),
      expect.objectContaining({
        slot: 1,
        protocol: 6,
        startPort: 22,
        priority: 100,
        tier: 'admin',
        policyPriority: 10,
        action: 'deny',
      }),
    ]);
    expect(cpDumpAgentVersions(dump)).toMatchObject({ min: '1.3.0', max: null });
  });

  it('parses the main-after-v1.4.1 sample and recognises the node-IP entry', () => {
    // Act
    const dump = parse(sample('aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.main-after-v1.4.1.txt'));
    // Assess
    expect(dump.entries[0]).toMatchObject({ cidr: '10.0.1.25/32', line: 1 });
    expect(dump.entries[0]?.values[0]).toMatchObject({
      priority: 1,
      tier: 'admin',
      policyPriority: 0,
      action: 'accept',
    });
    expect(cpDumpAgentVersions(dump)).toMatchObject({ min: '1.4.2', max: null });
  });

  it.each([
    [100, { tierPriority: 10, tier: 'admin', policyPriority: 10, action: 'deny' }],
    [20501, { tierPriority: 2050, tier: 'baseline', policyPriority: 50, action: 'accept' }],
    [52, { tierPriority: 5, tier: 'admin', action: 'pass' }],
    [15003, { tier: 'baseline', policyPriority: null, actionCode: 3, action: 'unknown' }],
  ])('decodes priority %d', (priority, expected) => {
    expect(decodeCpPriority(priority)).toMatchObject(expected);
  });

  it.each([
    [
      'a key printed once',
      (t: string) => t.replace('Key: 0.0.0.0/0\nKey: 0.0.0.0/0\n', 'Key: 0.0.0.0/0\n'),
      'printed twice',
    ],
    [
      'two different keys',
      (t: string) => t.replace('Key: 0.0.0.0/0\nKey: 0.0.0.0/0', 'Key: 0.0.0.0/0\nKey: 10.0.0.0/8'),
      'printed twice',
    ],
    ['a missing Priority line', (t: string) => t.replace('Priority  - 100\n', ''), 'Priority'],
    ['a truncated dump', (t: string) => t.slice(0, t.length - 30), 'truncated'],
  ])('rejects %s', (_name, mutate, reason) => {
    // Act
    const error = expectParseError(
      parseCpMapDump(mutate(sample('aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.v1.3.0-v1.4.1.txt')), 'cp.txt'),
    );
    // Assess
    expect(error.file).toBe('cp.txt');
    expect(error.reason).toContain(reason);
  });

  it('keeps ClusterNetworkPolicy read errors', () => {
    // Act
    const dump = parse(
      'error reading ClusterNetworkPolicy entry: unable to get map entry: EINVAL\nDone reading all entries\n',
    );
    // Assess
    expect(dump.readErrors[0]).toMatchObject({ policyKind: 'ClusterNetworkPolicy', line: 1 });
  });
});
