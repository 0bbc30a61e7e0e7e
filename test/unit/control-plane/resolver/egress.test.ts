import { resolveNetworkPolicies } from '#engine/control-plane/resolver/index';
import type { Pod, Service } from '#engine/model/kubernetes';
import { inventory, namespace, networkPolicy, pod, service } from './builders';

function egressOf(egress: unknown[], pods: Pod[] = [], services: Service[] = []) {
  const cluster = inventory({
    namespaces: [namespace('ns'), namespace('db')],
    pods,
    services,
    networkPolicies: [networkPolicy('ns', 'np', { podSelector: {}, policyTypes: ['Egress'], egress })],
  });
  return resolveNetworkPolicies(cluster)[0]?.egress;
}

describe('§2.5 egress without to and to ipBlocks', () => {
  it('emits 0.0.0.0/0 and ::/0 with numeric and protocol-only ports, dropping named ports, and no Service IPs', () => {
    // Prepare
    const services = [service('ns', 'svc', { clusterIP: '172.20.0.1', ports: [{ port: 80 }] })];

    // Act
    const egress = egressOf(
      [{ ports: [{ port: 'http' }, { protocol: 'UDP', port: 53, endPort: 54 }, { protocol: 'SCTP' }] }],
      [],
      services,
    );

    // Assess
    const ports = [{ protocol: 'UDP', port: 53, endPort: 54 }, { protocol: 'SCTP' }];
    expect(egress).toEqual([
      { cidr: '0.0.0.0/0', ports },
      { cidr: '::/0', ports },
    ]);
  });

  it('produces nothing for a no-to rule whose ports are all named', () => {
    // Act
    const egress = egressOf([{ ports: [{ port: 'http' }] }]);

    // Assess
    expect(egress).toEqual([]);
  });

  it('skips an ipBlock peer whose rule ports are all named, and drops named ports otherwise', () => {
    // Act
    const allNamed = egressOf([{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 'http' }] }]);
    const mixed = egressOf([
      { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 'http' }, { port: 443 }] },
    ]);

    // Assess
    expect(allNamed).toEqual([]);
    expect(mixed).toEqual([{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  it('copies an ipBlock of 0.0.0.0/0 without adding ::/0', () => {
    // Act
    const egress = egressOf([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]);

    // Assess
    expect(egress).toEqual([{ cidr: '0.0.0.0/0' }]);
  });
});

describe('§2.5 egress to pods', () => {
  it('resolves named ports per destination pod with endPort copied, and skips pods where nothing resolves', () => {
    // Prepare
    const pods = [
      pod('db', 'pg-1', { ip: '10.0.1.1', labels: { app: 'pg' }, ports: [{ name: 'sql', containerPort: 5432 }] }),
      pod('db', 'pg-2', { ip: '10.0.1.2', labels: { app: 'pg' }, ports: [{ name: 'sql', containerPort: 6432 }] }),
      pod('db', 'pg-3', { ip: '10.0.1.3', labels: { app: 'pg' } }),
    ];

    // Act
    const egress = egressOf(
      [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } } }],
          ports: [{ port: 'sql', endPort: 7000 }],
        },
      ],
      pods,
    );

    // Assess
    expect(egress).toEqual([
      { cidr: '10.0.1.1', ports: [{ protocol: 'TCP', port: 5432, endPort: 7000 }] },
      { cidr: '10.0.1.2', ports: [{ protocol: 'TCP', port: 6432, endPort: 7000 }] },
    ]);
  });

  it('keeps numeric and protocol-only ports for pods lacking the named port', () => {
    // Prepare
    const pods = [pod('ns', 'p', { ip: '10.0.0.1' })];

    // Act
    const egress = egressOf(
      [{ to: [{ podSelector: {} }], ports: [{ port: 'sql' }, { port: 80 }, { protocol: 'UDP' }] }],
      pods,
    );

    // Assess
    expect(egress).toEqual([{ cidr: '10.0.0.1', ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP' }] }]);
  });

  it('includes hostNetwork peer pods and excludes terminal ones', () => {
    // Prepare
    const pods = [
      pod('ns', 'host', { ip: '192.168.0.1', hostNetwork: true }),
      pod('ns', 'failed', { ip: '10.0.0.9', phase: 'Failed' }),
    ];

    // Act
    const egress = egressOf([{ to: [{ podSelector: {} }] }], pods);

    // Assess
    expect(egress).toEqual([{ cidr: '192.168.0.1' }]);
  });

  it('deduplicates entries reached through several rules', () => {
    // Prepare
    const pods = [pod('ns', 'p', { ip: '10.0.0.1', labels: { a: '1' } })];

    // Act
    const egress = egressOf(
      [{ to: [{ podSelector: {} }, { podSelector: { matchLabels: { a: '1' } } }] }, { to: [{ podSelector: {} }] }],
      pods,
    );

    // Assess
    expect(egress).toEqual([{ cidr: '10.0.0.1' }]);
  });
});
