import {
  emptyInventory,
  type ClusterInventory,
  type EndpointInfo,
  type Namespace,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type Node,
  type Pod,
  type PolicyEndpoint,
  type ResolvedPolicy,
  type Service,
} from '#engine';

export interface SyntheticClusterSize {
  readonly nodes: number;
  readonly pods: number;
  readonly namespaces: number;
  readonly policies: number;
  readonly services: number;
  readonly driftRatio: number;
  readonly seed: number;
}

export const DEFAULT_SIZE: SyntheticClusterSize = {
  nodes: 5_000,
  pods: 150_000,
  namespaces: 2_000,
  policies: 10_000,
  services: 2_000,
  driftRatio: 0.01,
  seed: 42,
};

/** mulberry32: small deterministic PRNG so every run builds the same cluster. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ipv4(index: number, base: number): string {
  const value = base + index;
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

const TIERS = ['web', 'api', 'db', 'worker'] as const;
const APPS_PER_NAMESPACE = 8;

function namespaceName(index: number): string {
  return `ns-${index}`;
}

function buildNamespaces(size: SyntheticClusterSize): Namespace[] {
  const namespaces: Namespace[] = [
    { kind: 'Namespace', metadata: { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
  ];
  for (let index = 0; index < size.namespaces; index += 1) {
    const name = namespaceName(index);
    namespaces.push({
      kind: 'Namespace',
      metadata: {
        name,
        labels: {
          'kubernetes.io/metadata.name': name,
          team: `team-${index % 50}`,
          env: index % 3 === 0 ? 'prod' : 'dev',
        },
      },
    });
  }
  return namespaces;
}

function buildNodes(size: SyntheticClusterSize): Node[] {
  return Array.from({ length: size.nodes }, (_, index) => ({
    kind: 'Node' as const,
    metadata: { name: `ip-node-${index}.compute.internal` },
    spec: {},
    status: { addresses: [{ type: 'InternalIP', address: ipv4(index, 0x0a640000) }] },
  }));
}

function buildPods(size: SyntheticClusterSize, random: () => number): Pod[] {
  const pods: Pod[] = [];
  const perNamespace = Math.max(1, Math.floor(size.pods / size.namespaces));
  for (let index = 0; index < size.pods; index += 1) {
    const namespaceIndex = Math.min(size.namespaces - 1, Math.floor(index / perNamespace));
    const app = `app-${index % APPS_PER_NAMESPACE}`;
    const tier = TIERS[index % TIERS.length] ?? 'web';
    const nodeIndex = Math.floor(random() * size.nodes);
    const name = `${app}-${(index * 2654435761) % 1_000_000_000}-${index % 100_000}`;
    pods.push({
      kind: 'Pod',
      metadata: {
        name,
        namespace: namespaceName(namespaceIndex),
        labels: { app, tier, 'pod-template-hash': String(index % 97) },
      },
      spec: {
        nodeName: `ip-node-${nodeIndex}.compute.internal`,
        containers: [
          {
            name: 'main',
            ports: [
              { name: 'http', containerPort: 8080, protocol: 'TCP' },
              { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
            ],
          },
        ],
      },
      status: { phase: 'Running', podIP: ipv4(index, 0x0a000000), hostIP: ipv4(nodeIndex, 0x0a640000) },
    });
  }
  for (let replica = 0; replica < 2; replica += 1) {
    pods.push({
      kind: 'Pod',
      metadata: { name: `coredns-5b8cc885bc-${replica}`, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        nodeName: 'ip-node-0.compute.internal',
        containers: [{ name: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }],
      },
      status: { phase: 'Running', podIP: ipv4(replica, 0x0afe0000), hostIP: ipv4(0, 0x0a640000) },
    });
  }
  return pods;
}

function buildServices(size: SyntheticClusterSize): Service[] {
  const services: Service[] = [
    {
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system' },
      spec: {
        clusterIP: '172.20.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [{ port: 53, protocol: 'UDP', targetPort: 53 }],
      },
    },
  ];
  for (let index = 0; index < size.services; index += 1) {
    services.push({
      kind: 'Service',
      metadata: { name: `svc-${index}`, namespace: namespaceName(index % size.namespaces) },
      spec: {
        clusterIP: ipv4(index, 0xac140100),
        selector: { app: `app-${index % APPS_PER_NAMESPACE}` },
        ports: [{ port: 80, protocol: 'TCP', targetPort: index % 2 === 0 ? 'http' : 8080 }],
      },
    });
  }
  return services;
}

function policyOf(namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { kind: 'NetworkPolicy', metadata: { name, namespace, uid: `uid-${namespace}-${name}` }, spec };
}

const DNS_EGRESS: NetworkPolicyEgressRule = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [{ protocol: 'UDP', port: 53 }],
};

function buildPolicies(size: SyntheticClusterSize): NetworkPolicy[] {
  const policies: NetworkPolicy[] = [];
  for (let index = 0; index < size.policies; index += 1) {
    const namespace = namespaceName(index % size.namespaces);
    const app = `app-${index % APPS_PER_NAMESPACE}`;
    const kind = Math.floor(index / size.namespaces) % 5;
    const name = `np-${index}`;
    const fromApp: NetworkPolicyIngressRule = {
      from: [{ podSelector: { matchLabels: { app: `app-${(index + 1) % APPS_PER_NAMESPACE}` } } }],
      ports: [{ protocol: 'TCP', port: 'http' }],
    };
    switch (kind) {
      case 0:
        policies.push(
          policyOf(namespace, name, { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [DNS_EGRESS] }),
        );
        break;
      case 1:
        policies.push(
          policyOf(namespace, name, {
            podSelector: { matchLabels: { app } },
            policyTypes: ['Ingress'],
            ingress: [fromApp],
          }),
        );
        break;
      case 2:
        policies.push(
          policyOf(namespace, name, {
            podSelector: { matchLabels: { app, tier: 'api' } },
            policyTypes: ['Ingress'],
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: { matchLabels: { team: `team-${index % 50}` } },
                    podSelector: { matchLabels: { tier: 'web' } },
                  },
                ],
                ports: [{ protocol: 'TCP', port: 8080 }],
              },
            ],
          }),
        );
        break;
      case 3:
        policies.push(
          policyOf(namespace, name, {
            podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'worker'] }] },
            policyTypes: ['Egress'],
            egress: [
              {
                to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.100.0.0/16', '10.254.0.0/16'] } }],
                ports: [{ protocol: 'TCP', port: 5432 }],
              },
              DNS_EGRESS,
            ],
          }),
        );
        break;
      default:
        policies.push(
          policyOf(namespace, name, {
            podSelector: { matchLabels: { app } },
            policyTypes: ['Egress'],
            egress: [
              {
                to: [{ podSelector: { matchLabels: { app: `app-${(index + 3) % APPS_PER_NAMESPACE}` } } }],
                ports: [{ protocol: 'TCP', port: 'http' }],
              },
              DNS_EGRESS,
            ],
          }),
        );
    }
  }
  return policies;
}

const CHUNK_SIZE = 200;

function chunk<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK_SIZE) chunks.push(items.slice(start, start + CHUNK_SIZE));
  return chunks;
}

/**
 * An entry object and ports list of its own, as in PolicyEndpoints read from the API (the resolver shares both between
 * policies). Port objects stay shared, so the inventory keeps the size it had when the resolver copied ports per entry.
 */
function ownEntry(entry: EndpointInfo): EndpointInfo {
  const copy: EndpointInfo = { ...entry };
  if (entry.except !== undefined && entry.except !== null) copy.except = [...entry.except];
  if (entry.ports !== undefined && entry.ports !== null) copy.ports = [...entry.ports];
  return copy;
}

/**
 * Writes PolicyEndpoints as the controller would (chunks of 200 per category), then damages `driftRatio` of the
 * policies: one drops an ingress/egress entry, the next changes a pod IP. Entries and pods are per-object copies.
 */
export function policyEndpointsWithDrift(
  resolved: readonly ResolvedPolicy[],
  size: SyntheticClusterSize,
  random: () => number,
): {
  endpoints: PolicyEndpoint[];
  driftedPolicies: number;
} {
  const endpoints: PolicyEndpoint[] = [];
  let driftedPolicies = 0;
  for (const policy of resolved) {
    let ingress = [...policy.ingress];
    let egress = [...policy.egress];
    let pods = [...policy.podSelectorEndpoints];
    if (random() < size.driftRatio) {
      driftedPolicies += 1;
      if (egress.length > 0 && driftedPolicies % 2 === 0) egress = egress.slice(1);
      else if (ingress.length > 0) ingress = ingress.slice(1);
      else pods = pods.map((pod, index) => (index === 0 ? { ...pod, podIP: '192.0.2.1' } : pod));
    }
    const podChunks = chunk(pods.map((pod) => ({ ...pod })));
    const ingressChunks = chunk(ingress.map(ownEntry));
    const egressChunks = chunk(egress.map(ownEntry));
    const count = Math.max(1, podChunks.length, ingressChunks.length, egressChunks.length);
    for (let index = 0; index < count; index += 1) {
      endpoints.push({
        kind: 'PolicyEndpoint',
        metadata: {
          name: `${policy.policyRef.name}-${index.toString(36).padStart(5, 'x')}`,
          namespace: policy.policyRef.namespace,
          ownerReferences: [
            {
              apiVersion: 'networking.k8s.io/v1',
              kind: 'NetworkPolicy',
              name: policy.policyRef.name,
              uid: `uid-${policy.policyRef.namespace}-${policy.policyRef.name}`,
              controller: true,
            },
          ],
        },
        spec: {
          policyRef: policy.policyRef,
          podSelector: policy.podSelector,
          podIsolation: [...policy.podIsolation],
          podSelectorEndpoints: podChunks[index] ?? [],
          ingress: ingressChunks[index] ?? [],
          egress: egressChunks[index] ?? [],
        },
      });
    }
  }
  return { endpoints, driftedPolicies };
}

/** The cluster without PolicyEndpoints; the caller resolves it and adds them with `policyEndpointsWithDrift`. */
export function buildSyntheticCluster(size: SyntheticClusterSize): ClusterInventory {
  const random = seededRandom(size.seed);
  return {
    ...emptyInventory('synthetic'),
    namespaces: buildNamespaces(size),
    nodes: buildNodes(size),
    pods: buildPods(size, random),
    services: buildServices(size),
    networkPolicies: buildPolicies(size),
  };
}
