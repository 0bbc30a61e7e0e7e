import { emptyInventory, type ClusterInventory } from '#engine/model/cluster';
import {
  ApplicationNetworkPolicy,
  ClusterNetworkPolicy,
  Namespace,
  NetworkPolicy,
  Pod,
  Service,
} from '#engine/model/kubernetes';

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return Namespace.parse({
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  });
}

export interface PodOptions {
  readonly ip?: string;
  readonly hostIP?: string;
  readonly phase?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly hostNetwork?: boolean;
  readonly deletionTimestamp?: string;
  readonly ports?: readonly { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  readonly containers?: readonly {
    name: string;
    ports: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  }[];
}

export function pod(ns: string, name: string, options: PodOptions = {}): Pod {
  const status: Record<string, string> = { phase: options.phase ?? 'Running' };
  if (options.phase === '') delete status.phase;
  if (options.ip !== undefined) status.podIP = options.ip;
  if (options.hostIP !== undefined) status.hostIP = options.hostIP;
  return Pod.parse({
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: options.labels ?? {},
      annotations: options.annotations,
      deletionTimestamp: options.deletionTimestamp,
    },
    spec: {
      hostNetwork: options.hostNetwork,
      containers: options.containers ?? [{ name: 'main', ports: options.ports ?? [] }],
    },
    status,
  });
}

export interface ServiceOptions {
  readonly clusterIP?: string;
  readonly clusterIPs?: string[];
  readonly type?: string;
  readonly selector?: Record<string, string>;
  readonly ports?: readonly {
    name?: string;
    port: number;
    protocol?: 'TCP' | 'UDP' | 'SCTP';
    targetPort?: number | string;
  }[];
}

export function service(ns: string, name: string, options: ServiceOptions = {}): Service {
  return Service.parse({
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      type: options.type,
      clusterIP: options.clusterIP,
      clusterIPs: options.clusterIPs,
      selector: options.selector,
      ports: options.ports ?? [],
    },
  });
}

export function networkPolicy(ns: string, name: string, spec: unknown): NetworkPolicy {
  return NetworkPolicy.parse({ kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
}

export function applicationNetworkPolicy(ns: string, name: string, spec: unknown): ApplicationNetworkPolicy {
  return ApplicationNetworkPolicy.parse({ kind: 'ApplicationNetworkPolicy', metadata: { name, namespace: ns }, spec });
}

export function clusterNetworkPolicy(name: string, spec: unknown): ClusterNetworkPolicy {
  return ClusterNetworkPolicy.parse({ kind: 'ClusterNetworkPolicy', metadata: { name }, spec });
}

export function inventory(parts: Partial<ClusterInventory>): ClusterInventory {
  return { ...emptyInventory('test'), ...parts };
}
