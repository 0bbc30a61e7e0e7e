import fc from 'fast-check';
import type { EndpointInfo } from '#engine/model/kubernetes';
import { parseCidr } from '#engine/facts/cidr';
import { computeLpmEntries, expectedDirection } from '#engine/node/expected/lpm-entries';
import { asSets, lpmContext, SAMPLE } from './fixtures';

const ANY = '254:0:0';
const RESERVED = '255:0:0';

describe('computeLpmEntries (agent.md §2.8)', () => {
  describe('seed example (troubleshooting article)', () => {
    it.each(['1.2.0', '1.2.7'])('ingress from the access=true pod gives two ANY keys on v%s', (version) => {
      // Prepare
      const context = lpmContext(version, '172.31.103.129');
      const ingress: EndpointInfo[] = [{ cidr: '172.31.101.218' }];

      // Act
      const entries = computeLpmEntries(ingress, context);

      // Assess
      expect(asSets(entries)).toEqual({ '172.31.101.218/32': [ANY], '172.31.103.129/32': [ANY] });
      expect(entries.find((entry) => entry.cidr === '172.31.103.129/32')?.origin).toBe('node-ip');
    });
  });

  describe('shared sample node (samples/README.md)', () => {
    it.each(['1.3.0', '1.4.1', '1.4.2'])('ingress matches the v1.3.0+ dump on v%s', (version) => {
      // Prepare
      const context = lpmContext(version, SAMPLE.nodeIp);

      // Act
      const entries = computeLpmEntries(SAMPLE.ingress, context);

      // Assess
      expect(asSets(entries)).toEqual({
        '10.0.1.25/32': [ANY],
        '10.0.5.0/24': [RESERVED],
        '10.0.40.12/32': ['6:80:0', '6:8080:0', '6:9000:9100'],
        '10.0.0.0/16': ['6:8080:0', '6:9000:9100'],
      });
    });

    it('egress matches the v1.3.0+ dump: host keys inherit TCP 443 from 0.0.0.0/0, the except is RESERVED', () => {
      // Prepare
      const context = lpmContext('1.4.1', SAMPLE.nodeIp);

      // Act
      const entries = computeLpmEntries(SAMPLE.egress, context);

      // Assess
      expect(asSets(entries)).toEqual({
        '10.0.1.25/32': [ANY],
        '10.0.2.33/32': ['6:53:0', '6:443:0', '17:53:0'],
        '10.0.50.8/32': ['6:53:0', '6:443:0', '17:53:0'],
        '169.254.169.254/32': [RESERVED],
        '172.20.0.10/32': ['6:53:0', '6:443:0', '17:53:0'],
        '0.0.0.0/0': ['6:443:0'],
      });
      expect(entries.find((entry) => entry.cidr === '169.254.169.254/32')?.origin).toBe('except');
    });
  });

  describe('except CIDRs', () => {
    it('v1.2.4+: an except that is not a key becomes a single RESERVED slot', () => {
      // Prepare
      const context = lpmContext('1.2.4', '10.0.1.25');
      const rules: EndpointInfo[] = [
        { cidr: '192.168.0.0/16', except: ['192.168.7.0/24'], ports: [{ protocol: 'TCP', port: 80 }] },
      ];

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(sets['192.168.7.0/24']).toEqual([RESERVED]);
      expect(sets['192.168.0.0/16']).toEqual(['6:80:0']);
    });

    it('v1.2.4+: an except equal to an allowed CIDR keeps the allowed ports', () => {
      // Prepare
      const context = lpmContext('1.3.5', '10.0.1.25');
      const rules: EndpointInfo[] = [
        { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: [{ protocol: 'TCP', port: 80 }] },
        { cidr: '10.1.0.0/16', ports: [{ protocol: 'UDP', port: 53 }] },
      ];

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(sets['10.1.0.0/16']).toEqual(['17:53:0']);
    });

    it('≤ v1.2.3: the except key gets the rule own slots with every protocol forced to RESERVED, overwriting', () => {
      // Prepare
      const context = lpmContext('1.2.3', SAMPLE.nodeIp);

      // Act
      const sets = asSets(computeLpmEntries(SAMPLE.ingress, context));

      // Assess
      expect(sets['10.0.5.0/24']).toEqual(['255:8080:0', '255:9000:9100']);
    });

    it('≤ v1.2.3: an except overwrites the node-IP key, v1.2.4+ leaves it ANY', () => {
      // Prepare
      const rules: EndpointInfo[] = [{ cidr: '10.0.0.0/16', except: ['10.0.1.25/32'] }];

      // Act
      const legacy = asSets(computeLpmEntries(rules, lpmContext('1.2.2', '10.0.1.25')));
      const current = asSets(computeLpmEntries(rules, lpmContext('1.2.4', '10.0.1.25')));

      // Assess
      expect(legacy['10.0.1.25/32']).toEqual(['255:0:0']);
      expect(current['10.0.1.25/32']).toEqual([ANY]);
    });
  });

  describe('port inheritance from broader CIDRs', () => {
    const rules: EndpointInfo[] = [
      { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'], ports: [{ protocol: 'TCP', port: 443 }] },
      { cidr: '10.0.0.0/8', ports: [{ protocol: 'TCP', port: 22 }] },
      { cidr: '10.1.2.3/32', ports: [{ protocol: 'TCP', port: 80 }] },
      { cidr: '192.168.1.1', ports: [{ protocol: 'UDP', port: 53 }] },
    ];

    it('v1.2.4+: a more specific key inherits broader ports unless its address is in the broader rule except', () => {
      // Prepare
      const context = lpmContext('1.2.7', '10.0.1.25');

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(sets['10.1.2.3/32']).toEqual(['6:22:0', '6:80:0']);
      expect(sets['10.0.0.0/8']).toEqual(['6:22:0']);
      expect(sets['192.168.1.1/32']).toEqual(['6:443:0', '17:53:0']);
    });

    it('≤ v1.2.3: inheritance ignores excepts and catch-all ports are appended to every key', () => {
      // Prepare
      const context = lpmContext('1.2.3', '10.0.1.25');

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(sets['10.1.2.3/32']).toEqual(['6:22:0', '6:80:0', '6:443:0']);
      expect(sets['10.0.0.0/8']).toEqual(['255:443:0']);
      expect(sets['192.168.1.1/32']).toEqual(['6:443:0', '17:53:0']);
    });

    it('≤ v1.2.3: an except equal to an allowed CIDR overwrites it with RESERVED slots', () => {
      // Prepare
      const context = lpmContext('1.1.0', '10.0.1.25');
      const overlapping: EndpointInfo[] = [
        { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: [{ protocol: 'TCP', port: 80 }] },
        { cidr: '10.1.0.0/16', ports: [{ protocol: 'UDP', port: 53 }] },
      ];

      // Act
      const sets = asSets(computeLpmEntries(overlapping, context));

      // Assess
      expect(sets['10.1.0.0/16']).toEqual(['255:80:0']);
    });
  });

  describe('slots', () => {
    const manyPorts = Array.from({ length: 30 }, (_, i) => ({ protocol: 'TCP' as const, port: 1000 + i }));

    it('truncates past 24 unique combinations and reports what was dropped', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');

      // Act
      const entry = computeLpmEntries([{ cidr: '10.9.0.0/16', ports: manyPorts }], context).find(
        (candidate) => candidate.cidr === '10.9.0.0/16',
      );

      // Assess
      expect(entry?.ports).toHaveLength(24);
      expect(entry?.truncated).toBe(true);
      expect(entry?.droppedPorts.map((slot) => slot.startPort)).toEqual([1024, 1025, 1026, 1027, 1028, 1029]);
    });

    it('has 8 slots on v1.0.1–v1.0.4', () => {
      // Prepare
      const context = lpmContext('1.0.4', '10.0.1.25');

      // Act
      const entry = computeLpmEntries([{ cidr: '10.9.0.0/16', ports: manyPorts }], context).find(
        (candidate) => candidate.cidr === '10.9.0.0/16',
      );

      // Assess
      expect(entry?.ports).toHaveLength(8);
      expect(entry?.droppedPorts).toHaveLength(22);
    });

    it('dedupes ports merged from several rules on one CIDR and counts only unique ones toward the limit', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');
      const rules: EndpointInfo[] = Array.from({ length: 3 }, () => ({
        cidr: '10.9.0.0/16',
        ports: manyPorts.slice(0, 20),
      }));

      // Act
      const entry = computeLpmEntries(rules, context).find((candidate) => candidate.cidr === '10.9.0.0/16');

      // Assess
      expect(entry?.ports).toHaveLength(20);
      expect(entry?.truncated).toBe(false);
    });

    it('maps a nil protocol to ANY with its port, and SCTP to 132', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');
      const rules: EndpointInfo[] = [
        { cidr: '10.9.9.9', ports: [{ port: 8443 }, { protocol: 'SCTP', port: 3868, endPort: 3870 }] },
      ];

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(sets['10.9.9.9/32']).toEqual(['132:3868:3870', '254:8443:0']);
    });
  });

  describe('keys', () => {
    it('skips a rule on the node IP: the node key stays a single ANY slot', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');

      // Act
      const sets = asSets(
        computeLpmEntries([{ cidr: '10.0.1.25/32', ports: [{ protocol: 'TCP', port: 10250 }] }], context),
      );

      // Assess
      expect(sets).toEqual({ '10.0.1.25/32': [ANY] });
    });

    it('ignores rules and excepts of the other family', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');
      const rules: EndpointInfo[] = [
        { cidr: '::/0' },
        { cidr: 'fd00::5' },
        { cidr: '10.2.0.0/16', except: ['fd00::/8'] },
      ];

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(Object.keys(sets).sort()).toEqual(['10.0.1.25/32', '10.2.0.0/16']);
    });

    it('computes IPv6 keys with /128 node key and ignores IPv4 rules in an IPv6 cluster', () => {
      // Prepare
      const context = lpmContext('1.4.1', '2600:1f14:abc:d300::1', 'ipv6');
      const rules: EndpointInfo[] = [
        { cidr: '0.0.0.0/0' },
        { cidr: 'fd74:9d4e:ba42:0:0:0:0:a', ports: [{ protocol: 'UDP', port: 53 }] },
      ];

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(sets).toEqual({ '2600:1f14:abc:d300::1/128': [ANY], 'fd74:9d4e:ba42::a/128': ['17:53:0'] });
    });

    it('main after v1.4.1 canonicalises CIDRs: written forms of one network merge into one key', () => {
      // Prepare
      const rules: EndpointInfo[] = [
        { cidr: '10.161.0.0/8', ports: [{ protocol: 'TCP', port: 80 }] },
        { cidr: '10.0.0.0/8', ports: [{ protocol: 'TCP', port: 443 }] },
      ];

      // Act
      const main = computeLpmEntries(rules, lpmContext('1.4.2', '192.168.0.1'));
      const tagged = computeLpmEntries(rules, lpmContext('1.4.1', '192.168.0.1'));

      // Assess
      expect(asSets(main)['10.0.0.0/8']).toEqual(['6:80:0', '6:443:0']);
      expect(main.find((entry) => entry.cidr === '10.0.0.0/8')?.orderDependent).toBe(false);
      expect(tagged.find((entry) => entry.cidr === '10.0.0.0/8')?.orderDependent).toBe(true);
    });

    it('reports and skips CIDRs the agent cannot parse', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');
      const rules: EndpointInfo[] = [
        { cidr: '10.0.0.300/32' },
        { cidr: '10.1/16' },
        { cidr: '10.2.0.0/33' },
        { cidr: '10.3.0.0/16' },
      ];

      // Act
      const sets = asSets(computeLpmEntries(rules, context));

      // Assess
      expect(Object.keys(sets).sort()).toEqual(['10.0.1.25/32', '10.3.0.0/16']);
      expect(context.invalid).toEqual(['10.0.0.300/32', '10.1/16', '10.2.0.0/33']);
    });
  });

  describe('expectedDirection: isolation and catch-all', () => {
    it('isolated direction without rules holds only the node IP', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');

      // Act
      const direction = expectedDirection([], true, context);

      // Assess
      expect(direction.posture).toBe('isolated');
      expect(asSets(direction.entries)).toEqual({ '10.0.1.25/32': [ANY] });
    });

    it('non-isolated direction without rules gets the catch-all ANY entry', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');

      // Act
      const direction = expectedDirection([], false, context);

      // Assess
      expect(direction.posture).toBe('catch-all');
      expect(asSets(direction.entries)).toEqual({ '10.0.1.25/32': [ANY], '0.0.0.0/0': [ANY] });
      expect(direction.entries.find((entry) => entry.cidr === '0.0.0.0/0')?.origin).toBe('catch-all');
    });

    it('uses ::/0 as catch-all in an IPv6 cluster', () => {
      // Prepare
      const context = lpmContext('1.4.1', 'fd00::1', 'ipv6');

      // Act
      const direction = expectedDirection([], false, context);

      // Assess
      expect(Object.keys(asSets(direction.entries)).sort()).toEqual(['::/0', 'fd00::1/128']);
    });

    it('skips FQDN-only entries: they neither count as rules nor reach the map', () => {
      // Prepare
      const context = lpmContext('1.4.1', '10.0.1.25');

      // Act
      const isolated = expectedDirection(
        [[{ domainName: 'example.com', ports: [{ protocol: 'TCP', port: 443 }] }]],
        true,
        context,
      );

      // Assess
      expect(isolated.posture).toBe('isolated');
      expect(isolated.entries).toHaveLength(1);
    });
  });

  describe('properties', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const rule = fc.record({
      cidr: fc.tuple(octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, len]) => `10.${a}.${b}.7/${len}`),
      except: fc.array(
        fc.tuple(octet, fc.integer({ min: 16, max: 32 })).map(([a, len]) => `10.${a}.0.0/${len}`),
        {
          maxLength: 2,
        },
      ),
      ports: fc.array(
        fc.record({ protocol: fc.constantFrom('TCP' as const, 'UDP' as const), port: fc.integer({ min: 1, max: 40 }) }),
        { maxLength: 4 },
      ),
    });

    it('always keeps the node key ANY, emits canonical CIDRs and never exceeds 24 slots', () => {
      fc.assert(
        fc.property(fc.array(rule, { maxLength: 30 }), fc.constantFrom('1.2.4', '1.4.1', '1.4.2'), (rules, version) => {
          // Prepare
          const context = lpmContext(version, '192.168.0.1');

          // Act
          const entries = computeLpmEntries(rules, context);

          // Assess
          expect(asSets(entries)['192.168.0.1/32']).toEqual([ANY]);
          for (const entry of entries) {
            expect(parseCidr(entry.cidr)?.canonical).toBe(entry.cidr);
            expect(entry.ports.length).toBeLessThanOrEqual(24);
            if (entry.origin === 'except') expect(entry.ports).toEqual([{ protocol: 255, startPort: 0, endPort: 0 }]);
          }
        }),
      );
    });

    it('main: the result does not depend on rule order when nothing is truncated', () => {
      fc.assert(
        fc.property(fc.array(rule, { maxLength: 12 }), fc.nat(), (rules, seed) => {
          // Prepare
          const context = lpmContext('1.4.2', '192.168.0.1');
          const shuffled = [...rules].sort(
            (a, b) => ((a.cidr.length * 31 + seed) % 7) - ((b.cidr.length * 31 + seed) % 7),
          );

          // Act
          const original = computeLpmEntries(rules, context);
          const reordered = computeLpmEntries(shuffled, context);

          // Assess
          fc.pre(original.every((entry) => !entry.truncated));
          expect(asSets(reordered)).toEqual(asSets(original));
        }),
      );
    });
  });
});

describe('expectedDirection reuse across identifiers', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const port = fc.record({
    protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
    port: fc.integer({ min: 1, max: 20 }),
  });
  const host = fc.record({
    cidr: fc.tuple(octet, octet).map(([a, b]) => `10.1.${a}.${b}`),
    ports: fc.array(port, { maxLength: 2 }),
  });
  const broad = fc.record({
    cidr: fc.tuple(octet, fc.integer({ min: 0, max: 24 })).map(([a, len]) => `10.${a % 4}.0.0/${len}`),
    except: fc.array(
      fc.tuple(octet, octet).map(([a, b]) => `10.1.${a}.${b}/32`),
      { maxLength: 3 },
    ),
    ports: fc.array(port, { maxLength: 2 }),
  });

  function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }

  it('gives the same keys as the rule-by-rule path, however the lists overlap and in whatever order they come', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(host, { minLength: 40, maxLength: 80, selector: (rule) => rule.cidr }),
        fc.array(broad, { maxLength: 4 }),
        fc.array(host, { maxLength: 6 }),
        fc.constantFrom('1.2.4', '1.4.1', '1.4.2'),
        (hosts, broads, extra, version) => {
          // Prepare
          const big: EndpointInfo[] = [...broads, ...hosts];
          const shared = lpmContext(version, '192.168.0.1');
          const reference = lpmContext(version, '192.168.0.1');
          expectedDirection([big], false, shared);

          // Act
          const bulk = expectedDirection([big, extra], false, shared);
          const ruleByRule = expectedDirection([...chunks(big, 8), extra], false, reference);

          // Assess
          expect(asSets(bulk.entries)).toEqual(asSets(ruleByRule.entries));
        },
      ),
      { numRuns: 60 },
    );
  });
});
