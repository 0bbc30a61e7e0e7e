/**
 * Conformance of the resolver with controller.md §2.1–§2.14 (controller v1.1.7), one test per rule that the other
 * resolver suites do not already pin. Inputs are realistic cluster objects: real selector semantics, namespaces with
 * their `kubernetes.io/metadata.name` label, API-server defaults applied only where the spec says the API server
 * applies them (NetworkPolicy ports; not ApplicationNetworkPolicy ports). Entries and ports are compared as multisets
 * (§3): ports inside an entry are sorted before comparing.
 */
import {
  resolveClusterNetworkPolicies,
  resolveNetworkPolicies,
  type ResolvedClusterPolicy,
  type ResolvedNetworkPolicy,
} from '#engine/control-plane/resolver/index';
import type { ClusterInventory } from '#engine/model/cluster';
import { Pod, type EndpointInfo, type EndpointPort } from '#engine/model/kubernetes';
import {
  applicationNetworkPolicy,
  clusterNetworkPolicy,
  inventory,
  namespace,
  networkPolicy,
  pod,
  service,
} from './builders';

// ---------------------------------------------------------------------------------------------------------------
// helpers

function comparePort(a: EndpointPort, b: EndpointPort): number {
  const text = (port: EndpointPort) => port.protocol ?? '';
  if (text(a) !== text(b)) return text(a) < text(b) ? -1 : 1;
  return (a.port ?? -1) - (b.port ?? -1) || (a.endPort ?? -1) - (b.endPort ?? -1);
}

/** Ports inside each entry as a multiset (the controller's port order is not part of the contract). */
function unordered<T extends EndpointInfo>(entries: readonly T[]): T[] {
  return entries.map((entry) =>
    entry.ports === undefined || entry.ports === null ? entry : { ...entry, ports: [...entry.ports].sort(comparePort) },
  );
}

function only(cluster: ClusterInventory): ResolvedNetworkPolicy {
  const resolved = resolveNetworkPolicies(cluster);
  expect(resolved).toHaveLength(1);
  const [first] = resolved;
  if (first === undefined) throw new Error('no policy resolved');
  return first;
}

function onlyCluster(cluster: ClusterInventory): ResolvedClusterPolicy {
  const resolved = resolveClusterNetworkPolicies(cluster);
  expect(resolved).toHaveLength(1);
  const [first] = resolved;
  if (first === undefined) throw new Error('no cluster policy resolved');
  return first;
}

const cidrs = (entries: readonly EndpointInfo[]) => entries.map((entry) => entry.cidr ?? entry.domainName);
const nsSelector = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const tcp = (port: number, endPort?: number): EndpointPort =>
  endPort === undefined ? { protocol: 'TCP', port } : { protocol: 'TCP', port, endPort };
const udp = (port: number): EndpointPort => ({ protocol: 'UDP', port });

/** A pod object as the API server stores it, for status fields the builder does not expose. */
function rawPod(ns: string, name: string, labels: Record<string, string>, status: Record<string, unknown>): Pod {
  return Pod.parse({
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'main' }] },
    status,
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe('controller.md §2.1 inputs and defaults', () => {
  it('§2.1 `to: []` ≡ no `to` and `ports: []` ≡ no ports: allow-all in both families, no Service ClusterIPs', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [pod('app', 'web-1', { ip: '10.1.0.5', labels: { app: 'web' } })],
      services: [service('app', 'web', { clusterIP: '172.20.0.5', selector: { app: 'web' }, ports: [{ port: 80 }] })],
      networkPolicies: [
        networkPolicy('app', 'open', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [] }],
          egress: [{ to: [], ports: [] }],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.ingress).toEqual([{ cidr: '10.1.0.5' }]);
    expect(resolved.egress).toEqual([{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]);
  });

  it('§2.1 container ports default to TCP and named-port lookups compare protocols exactly', () => {
    // Prepare: the pod declares both names without protocol (stored as TCP by the API server)
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('monitoring')],
      pods: [
        pod('monitoring', 'exporter-1', {
          ip: '10.1.2.3',
          labels: { app: 'exporter' },
          ports: [
            { name: 'dns', containerPort: 53 },
            { name: 'metrics', containerPort: 9153 },
          ],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'scrape', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('monitoring'), podSelector: { matchLabels: { app: 'exporter' } } }],
              ports: [{ protocol: 'UDP', port: 'dns' }, { port: 'metrics' }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toEqual([{ cidr: '10.1.2.3', ports: [tcp(9153)] }]);
  });

  it('§2.1 label selectors: an absent peer podSelector and `{}` both mean all pods; matchExpressions are honoured', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('dev', { env: 'dev' }), namespace('prod', { env: 'prod' })],
      pods: [
        pod('app', 'api-1', { ip: '10.0.0.1', labels: { app: 'api' } }),
        pod('dev', 'tool-1', { ip: '10.0.1.1', labels: { app: 'tool' } }),
        pod('prod', 'tool-2', { ip: '10.0.2.1', labels: { app: 'tool' } }),
        pod('app', 'batch-1', { ip: '10.0.0.9', labels: { app: 'batch', canary: 'yes' } }),
      ],
      networkPolicies: [
        networkPolicy('app', 'api', {
          podSelector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
          ingress: [
            // every pod in namespaces that are not env=prod (including namespaces without env)
            {
              from: [
                { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } },
              ],
            },
            // podSelector {} in the policy namespace, port 8443
            { from: [{ podSelector: {} }], ports: [{ port: 8443 }] },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.podSelector).toEqual({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] });
    expect(resolved.podSelectorEndpoints.map((endpoint) => endpoint.name)).toEqual(['api-1']);
    expect(resolved.ingress).toEqual([
      { cidr: '10.0.0.1' },
      { cidr: '10.0.0.1', ports: [tcp(8443)] },
      { cidr: '10.0.0.9' },
      { cidr: '10.0.0.9', ports: [tcp(8443)] },
      { cidr: '10.0.1.1' },
    ]);
  });
});

describe('controller.md §2.2 podSelectorEndpoints', () => {
  it('§2.2 status.podIPs is never used: only status.podIP, else the pod-ips annotation', () => {
    // Prepare
    const labels = { app: 'dual' };
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [
        rawPod('app', 'only-podips', labels, {
          phase: 'Running',
          hostIP: '192.168.0.1',
          podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }],
        }),
        rawPod('app', 'primary', labels, {
          phase: 'Running',
          hostIP: '192.168.0.2',
          podIP: '10.0.0.2',
          podIPs: [{ ip: '10.0.0.2' }, { ip: 'fd00::2' }],
        }),
        Pod.parse({
          kind: 'Pod',
          metadata: {
            name: 'annotated',
            namespace: 'app',
            labels,
            annotations: { 'vpc.amazonaws.com/pod-ips': '10.0.0.3' },
          },
          spec: { containers: [{ name: 'main' }] },
          status: { phase: 'Pending', podIP: '', podIPs: [{ ip: 'fd00::3' }] },
        }),
      ],
      networkPolicies: [networkPolicy('app', 'np', { podSelector: { matchLabels: labels } })],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.podSelectorEndpoints).toEqual([
      { hostIP: '', podIP: '10.0.0.3', name: 'annotated', namespace: 'app' },
      { hostIP: '192.168.0.2', podIP: '10.0.0.2', name: 'primary', namespace: 'app' },
    ]);
  });
});

describe('controller.md §2.3 peer pods', () => {
  it('§2.3 peers use the §2.2 readiness filter: annotation IP, Pending, terminating and phase-less pods are peers', () => {
    // Prepare
    const labels = { role: 'client' };
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [
        pod('app', 'annotated', { labels, annotations: { 'vpc.amazonaws.com/pod-ips': '10.0.0.1' } }),
        pod('app', 'pending', { ip: '10.0.0.2', labels, phase: 'Pending' }),
        pod('app', 'terminating', { ip: '10.0.0.3', labels, deletionTimestamp: '2026-05-01T00:00:00Z' }),
        pod('app', 'no-phase', { ip: '10.0.0.4', labels, phase: '' }),
        pod('app', 'unknown', { ip: '10.0.0.5', labels, phase: 'Unknown' }),
        pod('app', 'succeeded', { ip: '10.0.0.6', labels, phase: 'Succeeded' }),
        pod('app', 'failed', { ip: '10.0.0.7', labels, phase: 'Failed' }),
        pod('app', 'scheduled', { labels, phase: 'Pending' }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: { matchLabels: { app: 'server' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: { matchLabels: labels } }] }],
          egress: [{ to: [{ podSelector: { matchLabels: labels } }] }],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    const expected = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((cidr) => ({ cidr }));
    expect(resolved.ingress).toEqual(expected);
    expect(resolved.egress).toEqual(expected);
  });

  it('§2.3 namespaceSelector and podSelector in one peer are ANDed in every matching namespace', () => {
    // Prepare
    const client = { role: 'client' };
    const cluster = inventory({
      namespaces: [namespace('api'), namespace('team-a', { team: 'x' }), namespace('team-b', { team: 'x' })],
      pods: [
        pod('team-a', 'client-a', { ip: '10.0.1.1', labels: client }),
        pod('team-a', 'other-a', { ip: '10.0.1.2', labels: { role: 'batch' } }),
        pod('team-b', 'client-b', { ip: '10.0.2.1', labels: client }),
        pod('api', 'client-api', { ip: '10.0.0.1', labels: client }),
        pod('api', 'api-1', { ip: '10.0.0.2', labels: { app: 'api' } }),
      ],
      networkPolicies: [
        networkPolicy('api', 'np', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['x', 'y'] }] },
                  podSelector: { matchLabels: client },
                },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(cidrs(resolved.ingress)).toEqual(['10.0.1.1', '10.0.2.1']);
  });
});

describe('controller.md §2.4 ingress', () => {
  it('§2.4 named, numeric (with endPort) and protocol-only ports mixed in one rule are resolved through the destination pods', () => {
    // Prepare: the client also declares `http` (9999), which must be ignored (v1.0.5+)
    const api = { app: 'api' };
    const cluster = inventory({
      namespaces: [namespace('api'), namespace('web')],
      pods: [
        pod('api', 'api-1', { ip: '10.0.0.1', labels: api, ports: [{ name: 'http', containerPort: 8080 }] }),
        pod('api', 'api-2', { ip: '10.0.0.2', labels: api, ports: [{ name: 'http', containerPort: 8081 }] }),
        pod('api', 'api-3', { ip: '10.0.0.3', labels: api, ports: [{ name: 'http', containerPort: 8080 }] }),
        pod('web', 'web-1', { ip: '10.0.1.1', labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 9999 }] }),
      ],
      networkPolicies: [
        networkPolicy('api', 'from-web', {
          podSelector: { matchLabels: api },
          ingress: [
            {
              from: [{ namespaceSelector: nsSelector('web'), podSelector: { matchLabels: { app: 'web' } } }],
              ports: [
                { protocol: 'TCP', port: 'http' },
                { protocol: 'TCP', port: 8443, endPort: 8445 },
                { protocol: 'UDP' },
                { protocol: 'TCP', port: 8080 },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess: union over destination pods, deduplicated by (protocol, port, endPort)
    expect(unordered(resolved.ingress)).toEqual([
      { cidr: '10.0.1.1', ports: [tcp(8080), tcp(8081), tcp(8443, 8445), { protocol: 'UDP' }] },
    ]);
  });

  it('§2.4 a rule with only named ports and zero network-ready destination pods is dropped; other rules stay', () => {
    // Prepare: the destination pods declare `http` but none is network-ready; the source pod declares it too
    const api = { app: 'api' };
    const http = [{ name: 'http', containerPort: 8080 }];
    const cluster = inventory({
      namespaces: [namespace('api')],
      pods: [
        pod('api', 'api-scheduled', { labels: api, phase: 'Pending', ports: http }),
        pod('api', 'api-done', { ip: '10.0.0.2', labels: api, phase: 'Succeeded', ports: http }),
        pod('api', 'api-evicted', { ip: '10.0.0.3', labels: api, phase: 'Failed', ports: http }),
        pod('api', 'client', { ip: '10.0.0.9', labels: { role: 'client' }, ports: http }),
      ],
      networkPolicies: [
        networkPolicy('api', 'np', {
          podSelector: { matchLabels: api },
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { role: 'client' } } }],
              ports: [{ protocol: 'TCP', port: 'http' }],
            },
            { from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 'http' }] },
            { ports: [{ protocol: 'TCP', port: 'http' }] },
            { from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ protocol: 'TCP', port: 9090 }] },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.podSelectorEndpoints).toEqual([]);
    expect(resolved.ingress).toEqual([{ cidr: '10.0.0.9', ports: [tcp(9090)] }]);
  });

  it('§2.4 hostNetwork destination pods count for named-port resolution although they are not podSelectorEndpoints', () => {
    // Prepare
    const agent = { app: 'node-agent' };
    const cluster = inventory({
      namespaces: [namespace('monitoring')],
      pods: [
        pod('monitoring', 'agent-host', {
          ip: '192.168.0.10',
          hostIP: '192.168.0.10',
          labels: agent,
          hostNetwork: true,
          ports: [{ name: 'metrics', containerPort: 9100 }],
        }),
        pod('monitoring', 'agent-pod', {
          ip: '10.0.0.4',
          hostIP: '192.168.0.11',
          labels: agent,
          ports: [{ name: 'metrics', containerPort: 9101 }],
        }),
        pod('monitoring', 'prometheus-0', { ip: '10.0.0.5', labels: { app: 'prometheus' } }),
      ],
      networkPolicies: [
        networkPolicy('monitoring', 'scrape', {
          podSelector: { matchLabels: agent },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 'metrics' }] }],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.podSelectorEndpoints).toEqual([
      { hostIP: '192.168.0.11', podIP: '10.0.0.4', name: 'agent-pod', namespace: 'monitoring' },
    ]);
    expect(unordered(resolved.ingress)).toEqual([{ cidr: '10.0.0.5', ports: [tcp(9100), tcp(9101)] }]);
  });

  it('§2.4 Pending (with IP) and terminating destination pods count for named-port resolution, terminal ones do not', () => {
    // Prepare: a rolling update in progress
    const api = { app: 'api' };
    const cluster = inventory({
      namespaces: [namespace('api')],
      pods: [
        pod('api', 'api-old', {
          ip: '10.0.0.1',
          labels: api,
          deletionTimestamp: '2026-05-01T00:00:00Z',
          ports: [{ name: 'http', containerPort: 8080 }],
        }),
        pod('api', 'api-new', {
          ip: '10.0.0.2',
          labels: api,
          phase: 'Pending',
          ports: [{ name: 'http', containerPort: 8081 }],
        }),
        pod('api', 'api-evicted', {
          ip: '10.0.0.3',
          labels: api,
          phase: 'Failed',
          ports: [{ name: 'http', containerPort: 8082 }],
        }),
      ],
      networkPolicies: [
        networkPolicy('api', 'np', {
          podSelector: { matchLabels: api },
          ingress: [{ from: [{ ipBlock: { cidr: '10.10.0.0/16' } }], ports: [{ port: 'http' }] }],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(unordered(resolved.ingress)).toEqual([{ cidr: '10.10.0.0/16', ports: [tcp(8080), tcp(8081)] }]);
    expect(resolved.podSelectorEndpoints.map((endpoint) => endpoint.name)).toEqual(['api-new', 'api-old']);
  });

  it('§2.4 one named-port resolution is shared by the ipBlock and pod peers of a rule', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('api')],
      pods: [
        pod('api', 'api-1', {
          ip: '10.0.0.1',
          labels: { app: 'api' },
          ports: [{ name: 'grpc', containerPort: 50051 }],
        }),
        pod('api', 'client', { ip: '10.0.0.2', labels: { role: 'client' } }),
      ],
      networkPolicies: [
        networkPolicy('api', 'np', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [
            {
              from: [
                { ipBlock: { cidr: '100.64.0.0/10', except: ['100.64.1.0/24'] } },
                { podSelector: { matchLabels: { role: 'client' } } },
              ],
              ports: [{ protocol: 'TCP', port: 'grpc' }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.ingress).toEqual([
      { cidr: '10.0.0.2', ports: [tcp(50051)] },
      { cidr: '100.64.0.0/10', except: ['100.64.1.0/24'], ports: [tcp(50051)] },
    ]);
  });
});

describe('controller.md §2.5 egress', () => {
  it('§2.5 no `to` (written `to: []`) with mixed named/numeric ports: allow-all with the numeric ports only, no ClusterIPs', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [
        pod('app', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 80 }] }),
      ],
      services: [service('app', 'web', { clusterIP: '172.20.0.1', selector: { app: 'web' }, ports: [{ port: 80 }] })],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [],
              ports: [
                { protocol: 'TCP', port: 'http' },
                { protocol: 'TCP', port: 443 },
                { protocol: 'UDP', port: 'dns' },
                { protocol: 'UDP', port: 53 },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    const ports = [tcp(443), udp(53)];
    expect(unordered(resolved.egress)).toEqual([
      { cidr: '0.0.0.0/0', ports },
      { cidr: '::/0', ports },
    ]);
  });

  it('§2.5 an ipBlock peer with all-named ports is skipped while a pod peer of the same rule resolves them', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('db')],
      pods: [
        pod('db', 'pg-0', {
          ip: '10.0.5.1',
          labels: { app: 'pg' },
          ports: [{ name: 'postgres', containerPort: 5432 }],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                { ipBlock: { cidr: '10.50.0.0/16' } },
                { namespaceSelector: nsSelector('db'), podSelector: { matchLabels: { app: 'pg' } } },
              ],
              ports: [{ protocol: 'TCP', port: 'postgres' }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toEqual([{ cidr: '10.0.5.1', ports: [tcp(5432)] }]);
  });

  it('§2.5 endPort is copied for named ports on egress pod peers, hostNetwork peers included (ANP, no API validation)', () => {
    // Prepare: NetworkPolicy validation rejects endPort on a named port, the ApplicationNetworkPolicy CRD does not;
    // its egress rules are resolved with the NP algorithm (§2.13).
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('streaming')],
      pods: [
        pod('streaming', 'relay-host', {
          ip: '192.168.0.7',
          labels: { app: 'relay' },
          hostNetwork: true,
          ports: [{ name: 'rtp', containerPort: 10000, protocol: 'UDP' }],
        }),
        pod('streaming', 'relay-pod', {
          ip: '10.0.3.3',
          labels: { app: 'relay' },
          ports: [{ name: 'rtp', containerPort: 20000, protocol: 'UDP' }],
        }),
      ],
      applicationNetworkPolicies: [
        applicationNetworkPolicy('app', 'anp', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('streaming'), podSelector: { matchLabels: { app: 'relay' } } }],
              ports: [{ protocol: 'UDP', port: 'rtp', endPort: 20100 }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toEqual([
      { cidr: '10.0.3.3', ports: [{ protocol: 'UDP', port: 20000, endPort: 20100 }] },
      { cidr: '192.168.0.7', ports: [{ protocol: 'UDP', port: 10000, endPort: 20100 }] },
    ]);
    expect(resolved.problems).toBeUndefined();
  });
});

describe('controller.md §2.6 egress to Services', () => {
  const backendLabels = { app: 'backend' };

  it('§2.6 step 1 headless, unallocated and ExternalName Services are skipped even when selector and ports match', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('backend')],
      pods: [
        pod('backend', 'be-0', {
          ip: '10.0.4.1',
          labels: backendLabels,
          ports: [{ name: 'http', containerPort: 8080 }],
        }),
      ],
      services: [
        service('backend', 'headless', {
          clusterIP: 'None',
          selector: backendLabels,
          ports: [{ port: 8080, targetPort: 8080 }],
        }),
        service('backend', 'unallocated', {
          clusterIP: '',
          selector: backendLabels,
          ports: [{ port: 8080, targetPort: 8080 }],
        }),
        service('backend', 'external', { type: 'ExternalName', selector: backendLabels, ports: [{ port: 8080 }] }),
        service('backend', 'regular', {
          clusterIP: '172.20.4.1',
          selector: backendLabels,
          ports: [{ port: 80, targetPort: 'http' }],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('backend'), podSelector: { matchLabels: backendLabels } }],
              ports: [{ protocol: 'TCP', port: 8080 }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toEqual([
      { cidr: '10.0.4.1', ports: [tcp(8080)] },
      { cidr: '172.20.4.1', ports: [tcp(80)] },
    ]);
  });

  it('§2.6 step 2 a selector-less Service is matched by a namespace-only peer (ports mapped directly), not by a labelled one', () => {
    // Prepare: an external database fronted by a selector-less Service with manual EndpointSlices
    const rds = service('data', 'rds', { clusterIP: '172.20.9.9', ports: [{ port: 5432, targetPort: 5432 }] });
    const policy = (peer: Record<string, unknown>) =>
      networkPolicy('app', 'np', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ namespaceSelector: nsSelector('data'), ...peer }], ports: [{ protocol: 'TCP', port: 5432 }] },
        ],
      });
    const base = { namespaces: [namespace('app'), namespace('data')], services: [rds] };

    // Act
    const namespaceOnly = only(inventory({ ...base, networkPolicies: [policy({})] }));
    const emptySelector = only(inventory({ ...base, networkPolicies: [policy({ podSelector: {} })] }));
    const labelled = only(
      inventory({ ...base, networkPolicies: [policy({ podSelector: { matchLabels: { app: 'pg' } } })] }),
    );

    // Assess
    expect(namespaceOnly.egress).toEqual([{ cidr: '172.20.9.9', ports: [tcp(5432)] }]);
    expect(emptySelector.egress).toEqual(namespaceOnly.egress);
    expect(labelled.egress).toEqual([]);
  });

  it('§2.6 step 2 peer matchExpressions are evaluated against the Service selector map in every matched namespace', () => {
    // Prepare: every backend pod carries `tier`, but only the Service selectors decide
    const cluster = inventory({
      namespaces: [
        namespace('app'),
        namespace('shop', { env: 'prod' }),
        namespace('shop-dev', { env: 'dev' }),
        namespace('infra'),
      ],
      pods: [
        pod('shop', 'cart-0', { ip: '10.0.6.1', labels: { app: 'cart', tier: 'be' } }),
        pod('shop', 'front-0', { ip: '10.0.6.2', labels: { app: 'front', tier: 'fe' } }),
      ],
      services: [
        service('shop', 'cart', { clusterIP: '172.20.6.1', selector: { app: 'cart' }, ports: [{ port: 80 }] }),
        service('shop', 'cart-tiered', {
          clusterIP: '172.20.6.2',
          selector: { app: 'cart', tier: 'be' },
          ports: [{ port: 80 }],
        }),
        service('shop', 'front', {
          clusterIP: '172.20.6.3',
          selector: { app: 'front', tier: 'fe' },
          ports: [{ port: 80 }],
        }),
        service('shop', 'manual', { clusterIP: '172.20.6.4', ports: [{ port: 80 }] }),
        service('shop-dev', 'cart', { clusterIP: '172.20.7.1', selector: { app: 'cart' }, ports: [{ port: 80 }] }),
        service('infra', 'cart', { clusterIP: '172.20.8.1', selector: { app: 'cart' }, ports: [{ port: 80 }] }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'Exists' }] },
                  podSelector: {
                    matchExpressions: [
                      { key: 'tier', operator: 'DoesNotExist' },
                      { key: 'app', operator: 'NotIn', values: ['front'] },
                    ],
                  },
                },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess: no pod matches `tier DoesNotExist`; Services `cart` (both env namespaces) and the selector-less one do
    expect(resolved.egress).toEqual([{ cidr: '172.20.6.1' }, { cidr: '172.20.6.4' }, { cidr: '172.20.7.1' }]);
  });

  it('§2.6 step 3a a direct targetPort match needs the same type (int vs name) and protocol (backends scaled to zero)', () => {
    // Prepare: no backend pods, so only direct matches can map
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('backend')],
      services: [
        service('backend', 'named-target', {
          clusterIP: '172.20.1.1',
          selector: backendLabels,
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        }),
        service('backend', 'int-target', {
          clusterIP: '172.20.1.2',
          selector: backendLabels,
          ports: [{ name: 'web', port: 81, targetPort: 8080 }],
        }),
        service('backend', 'udp-target', {
          clusterIP: '172.20.1.3',
          selector: backendLabels,
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
            { name: 'syslog', port: 514, protocol: 'UDP', targetPort: 8080 },
          ],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('backend'), podSelector: { matchLabels: backendLabels } }],
              ports: [
                { protocol: 'TCP', port: 8080 },
                { protocol: 'TCP', port: 'http' },
                { protocol: 'TCP', port: 'dns' },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toEqual([
      { cidr: '172.20.1.1', ports: [tcp(80)] },
      { cidr: '172.20.1.2', ports: [tcp(81)] },
    ]);
  });

  it('§2.6 step 3b the pod scan uses only pods the Service selects, without readiness filter; the first match wins', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('backend')],
      pods: [
        pod('backend', 'canary-0', {
          ip: '10.0.2.1',
          labels: { app: 'backend', track: 'canary' },
          ports: [{ name: 'web', containerPort: 8082 }],
        }),
        pod('backend', 'be-0', { ip: '10.0.2.2', labels: { app: 'backend', track: 'stable' } }),
        pod('backend', 'be-1', {
          labels: { app: 'backend', track: 'stable' },
          phase: 'Pending',
          ports: [{ name: 'web', containerPort: 8081 }],
        }),
        pod('backend', 'be-2', {
          ip: '10.0.2.3',
          labels: { app: 'backend', track: 'stable' },
          ports: [{ name: 'web', containerPort: 8082 }],
        }),
      ],
      services: [
        service('backend', 'backend', {
          clusterIP: '172.20.2.1',
          selector: { app: 'backend', track: 'stable' },
          ports: [
            { name: 'a', port: 81, targetPort: 8081 },
            { name: 'b', port: 82, targetPort: 8082 },
          ],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('backend'), podSelector: { matchLabels: { app: 'backend' } } }],
              ports: [{ protocol: 'TCP', port: 'web' }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess: canary-0 (not selected by the Service) is skipped, be-0 has no `web`, be-1 (no IP) wins → 81
    expect(resolved.egress).toEqual([
      { cidr: '10.0.2.1', ports: [tcp(8082)] },
      { cidr: '10.0.2.3', ports: [tcp(8082)] },
      { cidr: '172.20.2.1', ports: [tcp(81)] },
    ]);
  });

  it('§2.6 bypass guard (v1.1.5+): any selected pod, evicted ones included, mapping the named targetPort elsewhere skips the port', () => {
    // Prepare: a rollout changed `http` from 9090 to 8080; an evicted old pod (phase Failed) is still listed
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('backend')],
      pods: [
        pod('backend', 'be-new', {
          ip: '10.0.2.1',
          labels: backendLabels,
          ports: [{ name: 'http', containerPort: 8080 }],
        }),
        pod('backend', 'be-old-evicted', {
          ip: '10.0.2.2',
          labels: backendLabels,
          phase: 'Failed',
          ports: [{ name: 'http', containerPort: 9090 }],
        }),
      ],
      services: [
        service('backend', 'backend', {
          clusterIP: '172.20.2.1',
          selector: backendLabels,
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'admin', port: 9000, targetPort: 9000 },
          ],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('backend'), podSelector: { matchLabels: backendLabels } }],
              ports: [
                { protocol: 'TCP', port: 8080 },
                { protocol: 'TCP', port: 9000 },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess: fail-closed for 8080 (port 80 not opened), the int-targetPort 9000 is unaffected
    expect(resolved.egress).toEqual([
      { cidr: '10.0.2.1', ports: [tcp(8080), tcp(9000)] },
      { cidr: '172.20.2.1', ports: [tcp(9000)] },
    ]);
  });

  it('§2.6 bypass guard (v1.1.6): the targetPort name resolves to the first container port with that name and protocol', () => {
    // Prepare: a sidecar also names a port `http`; a UDP `http` is declared before the TCP one
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('backend')],
      pods: [
        pod('backend', 'be-0', {
          ip: '10.0.2.1',
          labels: backendLabels,
          containers: [
            {
              name: 'app',
              ports: [
                { name: 'http', containerPort: 7070, protocol: 'UDP' },
                { name: 'http', containerPort: 8080, protocol: 'TCP' },
              ],
            },
            { name: 'sidecar', ports: [{ name: 'http', containerPort: 15090 }] },
          ],
        }),
      ],
      services: [
        service('backend', 'backend', {
          clusterIP: '172.20.2.1',
          selector: backendLabels,
          ports: [{ port: 80, targetPort: 'http' }],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('backend'), podSelector: { matchLabels: backendLabels } }],
              ports: [{ protocol: 'TCP', port: 8080 }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toContainEqual({ cidr: '172.20.2.1', ports: [tcp(80)] });
  });

  it('§2.6 step 3 the Port is {rule protocol, listen port, rule endPort}: a range maps only through its start port', () => {
    // Prepare: Service 80 → `http` (8080 on every backend)
    const rangePolicy = (port: number, endPort: number) =>
      networkPolicy('app', 'np', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: nsSelector('backend'), podSelector: { matchLabels: backendLabels } }],
            ports: [{ protocol: 'TCP', port, endPort }],
          },
        ],
      });
    const base = {
      namespaces: [namespace('app'), namespace('backend')],
      pods: [
        pod('backend', 'be-0', {
          ip: '10.0.2.1',
          labels: backendLabels,
          ports: [{ name: 'http', containerPort: 8080 }],
        }),
      ],
      services: [
        service('backend', 'backend', {
          clusterIP: '172.20.2.1',
          selector: backendLabels,
          ports: [{ port: 80, targetPort: 'http' }],
        }),
      ],
    };

    // Act
    const startsAtTarget = only(inventory({ ...base, networkPolicies: [rangePolicy(8080, 8100)] }));
    const containsTarget = only(inventory({ ...base, networkPolicies: [rangePolicy(8000, 8100)] }));

    // Assess: 80..8100 is opened on the ClusterIP (broadening derived from code); 8000-8100 finds no listen port
    expect(startsAtTarget.egress).toEqual([
      { cidr: '10.0.2.1', ports: [tcp(8080, 8100)] },
      { cidr: '172.20.2.1', ports: [tcp(80, 8100)] },
    ]);
    expect(containsTarget.egress).toEqual([{ cidr: '10.0.2.1', ports: [tcp(8000, 8100)] }]);
  });

  it('§2.6 step 3 a protocol-only rule port becomes {protocol} on every matched ClusterIP, whatever the Service ports', () => {
    // Prepare: the Service only has a TCP port
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('backend')],
      services: [
        service('backend', 'backend', { clusterIP: '172.20.2.1', selector: backendLabels, ports: [{ port: 80 }] }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{ to: [{ namespaceSelector: nsSelector('backend') }], ports: [{ protocol: 'UDP' }] }],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toEqual([{ cidr: '172.20.2.1', ports: [{ protocol: 'UDP' }] }]);
  });

  it('§2.6 step 4 duplicate ports inside one Service entry are kept (numeric and named rule ports on kube-dns)', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('kube-system')],
      pods: [
        pod('kube-system', 'coredns-a', {
          ip: '10.1.0.20',
          labels: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          ],
        }),
      ],
      services: [
        service('kube-system', 'kube-dns', {
          clusterIP: '172.20.0.10',
          selector: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          ],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'dns', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: nsSelector('kube-system'),
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'UDP', port: 'dns' },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toContainEqual({ cidr: '172.20.0.10', ports: [udp(53), udp(53)] });
  });
});

describe('controller.md §2.7 port conversion', () => {
  it('§2.7 SCTP is passed through like TCP/UDP (named on pods and Services, numeric and protocol-only)', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('telco')],
      pods: [
        pod('telco', 'amf-0', {
          ip: '10.0.7.1',
          labels: { app: 'amf' },
          ports: [{ name: 'ngap', containerPort: 38412, protocol: 'SCTP' }],
        }),
      ],
      services: [
        service('telco', 'amf', {
          clusterIP: '172.20.7.1',
          selector: { app: 'amf' },
          ports: [{ name: 'ngap', port: 38412, protocol: 'SCTP', targetPort: 'ngap' }],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: nsSelector('telco'), podSelector: { matchLabels: { app: 'amf' } } }],
              ports: [{ protocol: 'SCTP', port: 'ngap' }],
            },
            {
              to: [{ ipBlock: { cidr: '10.200.0.0/16' } }],
              ports: [{ protocol: 'SCTP', port: 36412 }, { protocol: 'SCTP' }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.egress).toEqual([
      { cidr: '10.0.7.1', ports: [{ protocol: 'SCTP', port: 38412 }] },
      { cidr: '10.200.0.0/16', ports: [{ protocol: 'SCTP', port: 36412 }, { protocol: 'SCTP' }] },
      { cidr: '172.20.7.1', ports: [{ protocol: 'SCTP', port: 38412 }] },
    ]);
  });
});

describe('controller.md §2.8 policyTypes', () => {
  it('§2.8 policyTypes [Egress] does not drop the ingress rules', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [pod('app', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' } })],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 443 }] }],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.podIsolation).toEqual(['Egress']);
    expect(resolved.ingress).toEqual([{ cidr: '10.0.0.0/8', ports: [tcp(443)] }]);
    expect(resolved.egress).toEqual([]);
  });
});

describe('controller.md §2.9 IPv6 and 0.0.0.0/0', () => {
  it('§2.9 rules without peers and ports allow all ports to and from both address families', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [pod('app', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' } })],
      networkPolicies: [networkPolicy('app', 'allow-all', { podSelector: {}, ingress: [{}], egress: [{}] })],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.podIsolation).toEqual(['Ingress', 'Egress']);
    expect(resolved.ingress).toEqual([{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]);
    expect(resolved.egress).toEqual([{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]);
  });

  it('§2.9 IPv6 cluster: bare pod/ClusterIP addresses, allow-all in both families, ipBlocks copied verbatim without a twin', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [
        pod('app', 'web-1', { ip: 'fd00:10::5', hostIP: '2600:1f14::10', labels: { app: 'web' } }),
        pod('app', 'db-1', { ip: 'fd00:10::6', labels: { app: 'db' } }),
      ],
      services: [service('app', 'db', { clusterIP: 'fd00:20::a', selector: { app: 'db' }, ports: [{ port: 5432 }] })],
      networkPolicies: [
        networkPolicy('app', 'np', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ ports: [{ port: 443 }] }, { from: [{ ipBlock: { cidr: '::/0' } }] }],
          egress: [
            { to: [{ podSelector: { matchLabels: { app: 'db' } } }] },
            { to: [{ ipBlock: { cidr: 'FD00:0::/8', except: ['fd00:0:0:1::/64'] } }] },
            { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 53 }] },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.podSelectorEndpoints).toEqual([
      { hostIP: '2600:1f14::10', podIP: 'fd00:10::5', name: 'web-1', namespace: 'app' },
    ]);
    expect(resolved.ingress).toEqual([
      { cidr: '0.0.0.0/0', ports: [tcp(443)] },
      { cidr: '::/0' },
      { cidr: '::/0', ports: [tcp(443)] },
    ]);
    expect(resolved.egress).toEqual([
      { cidr: '0.0.0.0/0', ports: [udp(53)] },
      { cidr: 'FD00:0::/8', except: ['fd00:0:0:1::/64'] },
      { cidr: 'fd00:10::6' },
      { cidr: 'fd00:20::a' },
    ]);
  });
});

describe('controller.md §2.13 ApplicationNetworkPolicy', () => {
  it('§2.13 an egress rule without `to` produces nothing (with or without ports, `to: []` included)', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app')],
      pods: [pod('app', 'web-1', { ip: '10.0.0.1', labels: { app: 'web' } })],
      services: [service('app', 'web', { clusterIP: '172.20.0.1', selector: { app: 'web' }, ports: [{ port: 80 }] })],
      applicationNetworkPolicies: [
        applicationNetworkPolicy('app', 'anp', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          egress: [{}, { to: [] }, { ports: [{ protocol: 'UDP', port: 53 }] }],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess
    expect(resolved.kind).toBe('ApplicationNetworkPolicy');
    expect(resolved.podIsolation).toEqual(['Egress']);
    expect(resolved.egress).toEqual([]);
    expect(resolved.podSelectorEndpoints).toHaveLength(1);
  });

  it('§2.13 domain ports: protocol-only kept, named → whole protocol (endPort kept), ipBlock peers of the rule resolved by NP rules', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app')],
      applicationNetworkPolicies: [
        applicationNetworkPolicy('app', 'anp', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ domainNames: ['sip.example.com'] }, { ipBlock: { cidr: '203.0.113.0/24' } }],
              ports: [
                { protocol: 'SCTP' },
                { protocol: 'UDP', port: 'sip', endPort: 5070 },
                { protocol: 'TCP', port: 5061 },
              ],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = only(cluster);

    // Assess: the ipBlock peer uses the pod-less conversion (named port dropped)
    expect(unordered(resolved.egress)).toEqual([
      { cidr: '203.0.113.0/24', ports: [{ protocol: 'SCTP' }, tcp(5061)] },
      {
        domainName: 'sip.example.com',
        ports: [{ protocol: 'SCTP' }, tcp(5061), { protocol: 'UDP', endPort: 5070 }],
      },
    ]);
  });
});

describe('controller.md §2.14 ClusterNetworkPolicy', () => {
  const namespaces = [namespace('shop', { env: 'prod' }), namespace('db', { env: 'prod' }), namespace('dev')];

  it('§2.14 portRange on a pods peer: pod entries keep the range, the Service ClusterIP gets {listen port, endPort}', () => {
    // Prepare
    const cluster = inventory({
      namespaces,
      pods: [
        pod('shop', 'cart-0', { ip: '10.0.1.1', labels: { app: 'cart' } }),
        pod('db', 'pg-0', { ip: '10.0.2.1', labels: { app: 'pg' }, ports: [{ name: 'pg', containerPort: 5432 }] }),
      ],
      services: [service('db', 'pg', { clusterIP: '172.20.2.1', selector: { app: 'pg' }, ports: [{ port: 5432 }] })],
      clusterNetworkPolicies: [
        clusterNetworkPolicy('db-access', {
          tier: 'Admin',
          priority: 5,
          subject: { namespaces: nsSelector('shop') },
          egress: [
            {
              name: 'pg',
              action: 'Accept',
              to: [
                {
                  pods: {
                    namespaceSelector: { matchLabels: { env: 'prod' } },
                    podSelector: { matchLabels: { app: 'pg' } },
                  },
                },
              ],
              ports: [{ portRange: { protocol: 'TCP', start: 5432, end: 5440 } }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = onlyCluster(cluster);

    // Assess
    expect(resolved.podSelectorEndpoints.map((endpoint) => endpoint.name)).toEqual(['cart-0']);
    expect(resolved.egress).toEqual([
      { cidr: '10.0.2.1', action: 'Accept', ports: [tcp(5432, 5440)] },
      { cidr: '172.20.2.1', action: 'Accept', ports: [tcp(5432, 5440)] },
    ]);
  });

  it('§2.14 duplicates by (cidr, action, protocol:port) ignore endPort also for pod and ClusterIP entries', () => {
    // Prepare
    const cluster = inventory({
      namespaces,
      pods: [pod('db', 'pg-0', { ip: '10.0.2.1', labels: { app: 'pg' } })],
      services: [service('db', 'pg', { clusterIP: '172.20.2.1', selector: { app: 'pg' }, ports: [{ port: 5432 }] })],
      clusterNetworkPolicies: [
        clusterNetworkPolicy('db-access', {
          tier: 'Baseline',
          priority: 0,
          subject: { namespaces: {} },
          egress: [
            {
              action: 'Accept',
              to: [{ namespaces: nsSelector('db') }],
              ports: [{ portRange: { protocol: 'TCP', start: 5432, end: 5440 } }],
            },
            {
              action: 'Accept',
              to: [{ namespaces: nsSelector('db') }],
              ports: [{ portNumber: { protocol: 'TCP', port: 5432 } }],
            },
            {
              action: 'Deny',
              to: [{ namespaces: nsSelector('db') }],
              ports: [{ portNumber: { protocol: 'TCP', port: 5432 } }],
            },
          ],
        }),
      ],
    });

    // Act
    const resolved = onlyCluster(cluster);

    // Assess: one Accept and one Deny per address
    expect(resolved.egress.map((entry) => `${entry.cidr ?? ''}/${entry.action}`).sort()).toEqual([
      '10.0.2.1/Accept',
      '10.0.2.1/Deny',
      '172.20.2.1/Accept',
      '172.20.2.1/Deny',
    ]);
    for (const entry of resolved.egress) expect(entry.ports?.[0]?.port).toBe(5432);
  });

  it('§2.14 the CPE copies tier, priority and subject verbatim (Baseline, priority 0, subject.pods with expressions)', () => {
    // Prepare
    const subject = {
      pods: {
        namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
        podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['pg'] }] },
      },
    };
    const cluster = inventory({
      namespaces,
      pods: [
        pod('shop', 'cart-0', { ip: '10.0.1.1', hostIP: '192.168.0.1', labels: { app: 'cart' } }),
        pod('db', 'pg-0', { ip: '10.0.2.1', labels: { app: 'pg' } }),
        pod('db', 'backup-0', { ip: '10.0.2.2', labels: {} }),
        pod('dev', 'cart-dev', { ip: '10.0.3.1', labels: { app: 'cart' } }),
      ],
      clusterNetworkPolicies: [
        clusterNetworkPolicy('baseline', {
          tier: 'Baseline',
          priority: 0,
          subject,
          ingress: [{ action: 'Pass', from: [{ namespaces: { matchLabels: { env: 'prod' } } }] }],
        }),
      ],
    });

    // Act
    const resolved = onlyCluster(cluster);

    // Assess
    expect(resolved.policyRef).toEqual({ name: 'baseline' });
    expect(resolved.tier).toBe('Baseline');
    expect(resolved.priority).toBe(0);
    expect(resolved.subject).toEqual(subject);
    expect(resolved.podSelectorEndpoints).toEqual([
      { hostIP: '', podIP: '10.0.2.2', name: 'backup-0', namespace: 'db' },
      { hostIP: '192.168.0.1', podIP: '10.0.1.1', name: 'cart-0', namespace: 'shop' },
    ]);
    expect(resolved.ingress).toEqual([
      { cidr: '10.0.1.1', action: 'Pass' },
      { cidr: '10.0.2.1', action: 'Pass' },
      { cidr: '10.0.2.2', action: 'Pass' },
    ]);
  });
});
