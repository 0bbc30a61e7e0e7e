import { createHash } from 'node:crypto';

import { hostVethName, interfacePodName } from '#engine/facts/veth-name';

const sha1Hex = (input: string): string => createHash('sha1').update(input).digest('hex');

describe('hostVethName (agent.md §3.2)', () => {
  it.each([
    ['shop', 'nginx-5d8b9f7c6d-x2x7q', 'enid5650d11340'],
    ['shop', 'nginx-5d8b9f7c6d-k9lqp', 'eni621431ed660'],
    ['db', 'web-0', 'eni6770c9ae45a'],
    ['default', 'nginx-f8d9c6576-8b4vf', 'eni9c515deae49'],
  ])('%s/%s → %s', (namespace, podName, expected) => {
    // Prepare
    const hash = sha1Hex;

    // Act
    const name = hostVethName(namespace, podName, hash);

    // Assess
    expect(name).toBe(expected);
    expect(name).toHaveLength(14);
  });

  it('uses the vlan prefix for branch-ENI pods (total length 15)', () => {
    // Prepare
    const prefix = 'vlan';

    // Act
    const name = hostVethName('shop', 'nginx-5d8b9f7c6d-x2x7q', sha1Hex, prefix);

    // Assess
    expect(name).toBe('vland5650d11340');
    expect(name).toHaveLength(15);
  });

  it('hashes "<namespace>.<podName>" through the injected port', () => {
    // Prepare
    const seen: string[] = [];
    const fake = (input: string): string => {
      seen.push(input);
      return 'ABCDEF0123456789';
    };

    // Act
    const name = hostVethName('ns', 'pod', fake);

    // Assess
    expect(seen).toEqual(['ns.pod']);
    expect(name).toBe('eniabcdef01234');
  });

  it('names secondary interfaces of multi-NIC pods "<podName>.<i>"', () => {
    // Prepare
    const podName = 'web-0';

    // Act
    const names = [0, 1, 2].map((index) => interfacePodName(podName, index));

    // Assess
    expect(names).toEqual(['web-0', 'web-0.1', 'web-0.2']);
  });
});
