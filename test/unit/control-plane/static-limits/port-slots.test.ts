import type { EndpointLike } from '#engine/control-plane/diff/canonical';
import { CidrParser } from '#engine/facts/cidr';
import { slotsPerCidr } from '#engine/control-plane/static-limits/port-slots';

function ports(count: number, start = 1000, protocol = 'TCP') {
  return Array.from({ length: count }, (_, index) => ({ protocol, port: start + index }));
}

function slots(entries: EndpointLike[], family?: 'ipv4' | 'ipv6'): Record<string, number> {
  return Object.fromEntries(
    slotsPerCidr(entries, new CidrParser(), family).map(({ cidr, slots: count }) => [cidr, count]),
  );
}

describe('slotsPerCidr (agent.md §2.8)', () => {
  it('merges the same CIDR (after host mask and canonicalisation) and deduplicates ports', () => {
    // Act
    const result = slots([
      { cidr: '10.0.0.1', ports: ports(3) },
      { cidr: '10.0.0.1/32', ports: ports(3, 1002) },
      { cidr: '10.1.2.3/16', ports: ports(1) },
      { cidr: '10.1.0.0/16', ports: ports(1, 2000) },
    ]);
    // Assess
    expect(result).toEqual({ '10.0.0.1/32': 5, '10.1.0.0/16': 2 });
  });

  it('lets a narrower CIDR inherit the ports of broader earlier CIDRs that contain it', () => {
    // Act
    const result = slots([
      { cidr: '10.0.0.5', ports: ports(15, 100) },
      { cidr: '0.0.0.0/0', ports: ports(10, 200) },
    ]);
    // Assess
    expect(result['10.0.0.5/32']).toBe(25);
  });

  it('does not inherit from a broader CIDR whose except list contains the address', () => {
    // Act
    const result = slots([
      { cidr: '10.1.0.0/16', ports: ports(15, 100) },
      { cidr: '10.0.0.0/8', except: ['10.1.0.0/24'], ports: ports(10, 200) },
    ]);
    // Assess
    expect(result['10.1.0.0/16']).toBe(15);
  });

  it('counts a port-less entry as one ANY slot, a missing protocol as ANY, and skips domains, garbage and other families', () => {
    // Act
    const result = slots(
      [
        { cidr: '10.0.0.1' },
        { cidr: '10.0.0.1', ports: [{ port: 80 }, { protocol: 'TCP', port: 80 }] },
        { domainName: 'example.com', ports: ports(30) },
        { cidr: 'not-a-cidr', ports: ports(30) },
        { cidr: 'fd00::1', ports: ports(30) },
      ],
      'ipv4',
    );
    // Assess
    expect(result).toEqual({ '10.0.0.1/32': 3 });
  });
});
