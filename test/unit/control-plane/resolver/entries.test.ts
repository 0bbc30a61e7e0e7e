import { canonicalEntries, compareEntries, entryKey } from '#engine/control-plane/resolver/index';
import type { EndpointInfo } from '#engine/model/kubernetes';

describe('§1.5 step 1 identity and stable order', () => {
  it('collapses identical entries only (except order and port order are part of the identity)', () => {
    // Prepare
    const entries: EndpointInfo[] = [
      { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] },
      { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] },
      { cidr: '10.0.0.0/8', except: ['10.2.0.0/16', '10.1.0.0/16'] },
      {
        cidr: '10.0.0.1',
        ports: [
          { protocol: 'TCP', port: 80 },
          { protocol: 'UDP', port: 53 },
        ],
      },
      {
        cidr: '10.0.0.1',
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 80 },
        ],
      },
    ];

    // Act
    const canonical = canonicalEntries(entries);

    // Assess
    expect(canonical).toHaveLength(4);
  });

  it('keeps the entries the controller hash would confuse ({TCP 80-81} vs {TCP 8081}) apart', () => {
    // Prepare
    const ranged: EndpointInfo = { cidr: '10.0.0.1', ports: [{ protocol: 'TCP', port: 80, endPort: 81 }] };
    const single: EndpointInfo = { cidr: '10.0.0.1', ports: [{ protocol: 'TCP', port: 8081 }] };

    // Act
    const keys = [entryKey(ranged), entryKey(single)];

    // Assess
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('orders by cidr/domainName, then except, then ports, and keeps ports inside an entry as produced', () => {
    // Prepare
    const entries: EndpointInfo[] = [
      { domainName: 'a.example.com' },
      {
        cidr: '10.0.0.2',
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      { cidr: '10.0.0.1', except: ['10.0.0.1/32'] },
      { cidr: '10.0.0.1', ports: [{ protocol: 'TCP', port: 80 }] },
      { cidr: '10.0.0.1' },
    ];

    // Act
    const sorted = canonicalEntries(entries);

    // Assess
    expect(sorted).toEqual([
      { cidr: '10.0.0.1' },
      { cidr: '10.0.0.1', ports: [{ protocol: 'TCP', port: 80 }] },
      { cidr: '10.0.0.1', except: ['10.0.0.1/32'] },
      {
        cidr: '10.0.0.2',
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      { domainName: 'a.example.com' },
    ]);
    expect(compareEntries(sorted[0] as EndpointInfo, sorted[0] as EndpointInfo)).toBe(0);
  });
});
