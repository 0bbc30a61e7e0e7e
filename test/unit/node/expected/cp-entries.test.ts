import type { ClusterEndpointInfo } from '#engine/model/kubernetes';
import { computeCpEntries, cpSlotPriority, type CpRuleSource } from '#engine/node/expected/cp-entries';
import { asSets, lpmContext, SAMPLE } from './fixtures';

/** Sample CNPs: Admin priority 10 Deny of TCP 22 to 10.0.0.0/8; Baseline priority 50 Accept of everything. */
const SAMPLE_CP_EGRESS: readonly CpRuleSource[] = [
  {
    tier: 'Admin',
    priority: 10,
    entries: [{ cidr: '10.0.0.0/8', action: 'Deny', ports: [{ protocol: 'TCP', port: 22 }] }],
  },
  { tier: 'Baseline', priority: 50, entries: [{ cidr: '0.0.0.0/0', action: 'Accept' }] },
];

describe('computeCpEntries (agent.md §2.8, ClusterPolicyEndpoints)', () => {
  it.each([
    ['Admin', 10, 'Deny', 100],
    ['Baseline', 50, 'Accept', 20501],
    ['Admin', 0, 'Pass', 2],
    ['Baseline', 1000, 'Deny', 30000],
  ] as const)('priority of %s %d %s is %d', (tier, priority, action, expected) => {
    // Prepare
    const args = [tier, priority, action] as const;

    // Act
    const value = cpSlotPriority(...args);

    // Assess
    expect(value).toBe(expected);
  });

  it('v1.3.0–v1.4.1: matches the sample dump, no node-IP key; 10.0.0.0/8 copies the 0.0.0.0/0 slot first', () => {
    // Prepare
    const context = lpmContext('1.4.1', SAMPLE.nodeIp);

    // Act
    const entries = computeCpEntries(SAMPLE_CP_EGRESS, context);

    // Assess
    expect(asSets(entries)).toEqual({
      '0.0.0.0/0': ['254:0:0:20501'],
      '10.0.0.0/8': ['6:22:0:100', '254:0:0:20501'],
    });
    const slash8 = entries.find((entry) => entry.cidr === '10.0.0.0/8');
    expect(slash8?.ports[0]).toEqual({ protocol: 254, priority: 20501, startPort: 0, endPort: 0 });
  });

  it('main after v1.4.1: adds nodeIP/32 → {ANY, priority 1} (#636), without inheritance', () => {
    // Prepare
    const context = lpmContext('1.4.2', SAMPLE.nodeIp);

    // Act
    const entries = computeCpEntries(SAMPLE_CP_EGRESS, context);

    // Assess
    expect(asSets(entries)).toEqual({
      '10.0.1.25/32': ['254:0:0:1'],
      '0.0.0.0/0': ['254:0:0:20501'],
      '10.0.0.0/8': ['6:22:0:100', '254:0:0:20501'],
    });
    expect(entries.find((entry) => entry.cidr === '10.0.1.25/32')?.origin).toBe('node-ip');
  });

  it('defaults a nil protocol to TCP, unlike NetworkPolicy', () => {
    // Prepare
    const context = lpmContext('1.3.0', SAMPLE.nodeIp);
    const entries: ClusterEndpointInfo[] = [{ cidr: '10.5.5.5', action: 'Accept', ports: [{ port: 8080 }] }];

    // Act
    const sets = asSets(computeCpEntries([{ tier: 'Admin', priority: 3, entries }], context));

    // Assess
    expect(sets).toEqual({ '10.5.5.5/32': ['6:8080:0:31'] });
  });

  it('copies only from the most specific containing CIDR, which already carries the broader ones', () => {
    // Prepare
    const context = lpmContext('1.4.1', SAMPLE.nodeIp);
    const sources: CpRuleSource[] = [
      { tier: 'Baseline', priority: 1, entries: [{ cidr: '0.0.0.0/0', action: 'Deny' }] },
      {
        tier: 'Admin',
        priority: 5,
        entries: [{ cidr: '10.0.0.0/8', action: 'Accept', ports: [{ protocol: 'UDP', port: 53 }] }],
      },
      {
        tier: 'Admin',
        priority: 7,
        entries: [{ cidr: '10.1.0.0/16', action: 'Pass', ports: [{ protocol: 'TCP', port: 80 }] }],
      },
      {
        tier: 'Admin',
        priority: 9,
        entries: [{ cidr: '192.168.0.0/16', action: 'Deny', ports: [{ protocol: 'TCP', port: 22 }] }],
      },
    ];

    // Act
    const sets = asSets(computeCpEntries(sources, context));

    // Assess
    expect(sets['10.1.0.0/16']).toEqual(['6:80:0:72', '17:53:0:51', '254:0:0:20010']);
    expect(sets['192.168.0.0/16']).toEqual(['6:22:0:90', '254:0:0:20010']);
  });

  it('merges rules on the same CIDR, dedupes on (protocol, port, endPort, priority) and skips FQDN entries', () => {
    // Prepare
    const context = lpmContext('1.4.1', SAMPLE.nodeIp);
    const sources: CpRuleSource[] = [
      {
        tier: 'Admin',
        priority: 1,
        entries: [
          { cidr: '10.2.0.0/16', action: 'Accept', ports: [{ protocol: 'TCP', port: 80 }] },
          { cidr: '10.2.0.0/16', action: 'Accept', ports: [{ protocol: 'TCP', port: 80 }] },
          { cidr: '10.2.0.0/16', action: 'Deny', ports: [{ protocol: 'TCP', port: 80 }] },
          { domainName: 'example.com', action: 'Accept' },
        ],
      },
    ];

    // Act
    const sets = asSets(computeCpEntries(sources, context));

    // Assess
    expect(sets).toEqual({ '10.2.0.0/16': ['6:80:0:10', '6:80:0:11'] });
  });
});
