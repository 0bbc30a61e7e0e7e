import { emptyInventory, type ClusterInventory } from '#engine/model/cluster';
import type {
  ClusterNetworkPolicy,
  ClusterPolicyEndpoint,
  EndpointInfo,
  LabelSelector,
  NetworkPolicy,
  Pod,
  PodEndpoint,
  PolicyEndpoint,
  Service,
} from '#engine/model/kubernetes';
import type { ResolvedPolicy } from '#engine/model/resolved-policy';

export function inventory(parts: Partial<ClusterInventory> = {}): ClusterInventory {
  return { ...emptyInventory('test'), ...parts };
}

export function networkPolicy(
  namespace: string,
  name: string,
  options: { uid?: string; podSelector?: LabelSelector; spec?: Partial<NetworkPolicy['spec']> } = {},
): NetworkPolicy {
  return {
    kind: 'NetworkPolicy',
    metadata: { namespace, name, ...(options.uid === undefined ? {} : { uid: options.uid }) },
    spec: { podSelector: options.podSelector ?? { matchLabels: { app: name } }, ...options.spec },
  };
}

export function podEndpoint(namespace: string, name: string, podIP: string, hostIP = '192.168.0.10'): PodEndpoint {
  return { namespace, name, podIP, hostIP };
}

export function pod(
  namespace: string,
  name: string,
  options: { labels?: Record<string, string>; ip?: string; node?: string; hostNetwork?: boolean; phase?: string } = {},
): Pod {
  return {
    kind: 'Pod',
    metadata: { namespace, name, labels: options.labels ?? {} },
    spec: {
      containers: [],
      ...(options.node === undefined ? {} : { nodeName: options.node }),
      ...(options.hostNetwork === undefined ? {} : { hostNetwork: options.hostNetwork }),
    },
    status: {
      ...(options.ip === undefined ? {} : { podIP: options.ip }),
      ...(options.phase === undefined ? {} : { phase: options.phase }),
    },
  };
}

export function service(
  namespace: string,
  name: string,
  clusterIP: string,
  ports: Service['spec']['ports'] = [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
): Service {
  return { kind: 'Service', metadata: { namespace, name }, spec: { clusterIP, selector: { app: name }, ports } };
}

export function resolved(
  namespace: string,
  name: string,
  content: Partial<Omit<ResolvedPolicy, 'policyRef'>> = {},
): ResolvedPolicy {
  return {
    policyRef: { namespace, name },
    kind: 'NetworkPolicy',
    podIsolation: ['Ingress'],
    podSelector: { matchLabels: { app: name } },
    podSelectorEndpoints: [],
    ingress: [],
    egress: [],
    ...content,
  };
}

export function policyEndpoint(
  policy: ResolvedPolicy,
  suffix: string,
  content: Partial<PolicyEndpoint['spec']> = {},
  owner?: { uid: string; kind?: string; name?: string },
): PolicyEndpoint {
  return {
    kind: 'PolicyEndpoint',
    metadata: {
      namespace: policy.policyRef.namespace,
      name: `${policy.policyRef.name}-${suffix}`,
      ...(owner === undefined
        ? {}
        : {
            ownerReferences: [
              {
                kind: owner.kind ?? policy.kind,
                name: owner.name ?? policy.policyRef.name,
                uid: owner.uid,
                controller: true,
              },
            ],
          }),
    },
    spec: {
      policyRef: { ...policy.policyRef },
      podSelector: policy.podSelector,
      podIsolation: [...policy.podIsolation],
      podSelectorEndpoints: [...policy.podSelectorEndpoints],
      ingress: [...policy.ingress],
      egress: [...policy.egress],
      ...content,
    },
  };
}

/** The controller's per-PE combine step (controller.md §1.5 step 6, v1.1.3+). */
export function combine(entries: readonly EndpointInfo[]): EndpointInfo[] {
  const groups = new Map<string, EndpointInfo>();
  for (const entry of entries) {
    const except = [...new Set(entry.except ?? [])].sort();
    const key = `${entry.cidr ?? ''}|${entry.domainName ?? ''}|${except.join(',')}`;
    const existing = groups.get(key);
    if (existing === undefined) {
      groups.set(key, {
        ...entry,
        ports: entry.ports === undefined || entry.ports === null ? entry.ports : [...entry.ports],
      });
      continue;
    }
    const noPorts = (existing.ports ?? []).length === 0 || (entry.ports ?? []).length === 0;
    if (noPorts) {
      const rest: EndpointInfo = { ...existing };
      delete rest.ports;
      groups.set(key, rest);
      continue;
    }
    const seen = new Set(
      (existing.ports ?? []).map((port) => `${port.protocol ?? 'TCP'}/${String(port.port)}/${String(port.endPort)}`),
    );
    const union = [...(existing.ports ?? [])];
    for (const port of entry.ports ?? []) {
      const key2 = `${port.protocol ?? 'TCP'}/${String(port.port)}/${String(port.endPort)}`;
      if (!seen.has(key2)) {
        seen.add(key2);
        union.push(port);
      }
    }
    groups.set(key, { ...existing, ports: union });
  }
  return [...groups.values()];
}

/** Splits `items` into `chunks` lists according to `assignment` (index → chunk), preserving nothing about order. */
export function split<T>(items: readonly T[], assignment: readonly number[], chunks: number): T[][] {
  const result: T[][] = Array.from({ length: chunks }, () => []);
  items.forEach((item, index) => {
    result[(assignment[index] ?? 0) % chunks]?.push(item);
  });
  return result;
}

/** PEs for `policy` with its content split over `chunks` PEs, each PE's entries combined per §1.5 step 6. */
export function chunkedEndpoints(
  policy: ResolvedPolicy,
  chunks: number,
  assign: { ingress: readonly number[]; egress: readonly number[]; pods: readonly number[] },
): PolicyEndpoint[] {
  const ingress = split(policy.ingress, assign.ingress, chunks);
  const egress = split(policy.egress, assign.egress, chunks);
  const pods = split(policy.podSelectorEndpoints, assign.pods, chunks);
  return Array.from({ length: chunks }, (_, index) =>
    policyEndpoint(policy, `c${String(index)}`, {
      ingress: combine(ingress[index] ?? []).reverse(),
      egress: combine(egress[index] ?? []).reverse(),
      podSelectorEndpoints: pods[index] ?? [],
    }),
  );
}

export function clusterPolicy(name: string, uid?: string): ClusterNetworkPolicy {
  return {
    kind: 'ClusterNetworkPolicy',
    metadata: { name, ...(uid === undefined ? {} : { uid }) },
    spec: { tier: 'Admin', priority: 10, subject: { namespaces: {} } },
  };
}

export function clusterPolicyEndpoint(
  name: string,
  spec: Partial<ClusterPolicyEndpoint['spec']> & { policyRef: { name: string } },
  ownerUid?: string,
): ClusterPolicyEndpoint {
  return {
    kind: 'ClusterPolicyEndpoint',
    metadata: {
      name,
      ...(ownerUid === undefined
        ? {}
        : {
            ownerReferences: [
              { kind: 'ClusterNetworkPolicy', name: spec.policyRef.name, uid: ownerUid, controller: true },
            ],
          }),
    },
    spec: { tier: 'Admin', priority: 10, ...spec },
  };
}
