import type { KubeObject } from '../../kubernetes/support/kube-admin';

/** How a test pod gets its IP: the status subresource, the VPC CNI annotation, or not at all. */
export type IpSource = 'status' | 'annotation' | 'none';

export interface ContainerPortSpec {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface PodSpec {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly (readonly ContainerPortSpec[])[];
  readonly ip: IpSource;
  readonly phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed';
  readonly hostNetwork?: boolean;
}

export interface ServicePortSpec {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface ServiceSpec {
  readonly namespace: string;
  readonly name: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly kind: 'ClusterIP' | 'Headless' | 'ExternalName';
  readonly ports: readonly ServicePortSpec[];
}

export interface PolicySpec {
  readonly namespace: string;
  readonly name: string;
  /** A NetworkPolicy spec whose namespaceSelectors are scoped to the scenario's namespaces when materialised. */
  readonly spec: Record<string, unknown>;
}

/** A difference the differential test expects between the controller and the resolver. */
export interface ExpectedDifference {
  readonly checkId: string;
  readonly policy: string;
  readonly direction?: 'ingress' | 'egress';
}

/** A small cluster with logical namespace names; materialised into its own namespaces beside other scenarios. */
export interface Scenario {
  readonly name: string;
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly pods: readonly PodSpec[];
  readonly services: readonly ServiceSpec[];
  readonly policies: readonly PolicySpec[];
  /** Entry-key collisions planted on purpose (controller v1.1.7 defect): one lost entry each. */
  readonly plantedCollisions: readonly ExpectedDifference[];
}

export const SCENARIO_LABEL = 'netpol-audit.test/scenario';
export const HOST_IP = '192.168.0.10';

/** Where scenario `slot` lives: its namespace prefix and its pod IP block (10.<slot/256+1>.<slot%256>.x). */
export interface Placement {
  readonly id: string;
  readonly slot: number;
}

export function namespaceName(placement: Placement, logical: string): string {
  return `${placement.id}-${logical}`;
}

export function logicalNamespace(placement: Placement, namespace: string): string | undefined {
  const prefix = `${placement.id}-`;
  return namespace.startsWith(prefix) ? namespace.slice(prefix.length) : undefined;
}

export function podIp(placement: Placement, index: number): string {
  return `10.${String(Math.floor(placement.slot / 256) + 1)}.${String(placement.slot % 256)}.${String(index + 2)}`;
}

function scopeSelector(selector: unknown, placement: Placement): Record<string, unknown> {
  const base = (selector ?? {}) as { matchLabels?: Record<string, string> };
  return { ...base, matchLabels: { ...base.matchLabels, [SCENARIO_LABEL]: placement.id } };
}

function scopePeers(peers: unknown, placement: Placement): unknown {
  if (!Array.isArray(peers)) return peers;
  return peers.map((peer: Record<string, unknown>) =>
    'namespaceSelector' in peer
      ? { ...peer, namespaceSelector: scopeSelector(peer.namespaceSelector, placement) }
      : peer,
  );
}

function scopeRules(rules: unknown, peerKey: 'from' | 'to', placement: Placement): unknown {
  if (!Array.isArray(rules)) return rules;
  return rules.map((rule: Record<string, unknown>) =>
    peerKey in rule ? { ...rule, [peerKey]: scopePeers(rule[peerKey], placement) } : rule,
  );
}

export function policyObject(policy: PolicySpec, placement: Placement): KubeObject {
  const spec = { ...policy.spec };
  if ('ingress' in spec) spec.ingress = scopeRules(spec.ingress, 'from', placement);
  if ('egress' in spec) spec.egress = scopeRules(spec.egress, 'to', placement);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: namespaceName(placement, policy.namespace), name: policy.name },
    spec,
  };
}

export function namespaceObjects(scenario: Scenario, placement: Placement): KubeObject[] {
  return Object.entries(scenario.namespaces).map(([logical, labels]) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespaceName(placement, logical), labels: { ...labels, [SCENARIO_LABEL]: placement.id } },
  }));
}

export interface PodObjects {
  readonly pod: KubeObject;
  /** The status to PATCH through the status subresource. */
  readonly status: Record<string, unknown>;
}

export function podObjects(pod: PodSpec, index: number, placement: Placement): PodObjects {
  const ip = pod.hostNetwork === true ? HOST_IP : podIp(placement, index);
  const annotations = pod.ip === 'annotation' ? { 'vpc.amazonaws.com/pod-ips': ip } : undefined;
  const containers = (pod.containers.length === 0 ? [[]] : pod.containers).map((ports, position) => ({
    name: `c${String(position)}`,
    image: 'registry.k8s.io/pause:3.10',
    ...(ports.length === 0 ? {} : { ports: ports.map((port) => ({ ...port })) }),
  }));
  const status: Record<string, unknown> = { phase: pod.phase };
  if (pod.ip === 'status') Object.assign(status, { podIP: ip, podIPs: [{ ip }], hostIP: HOST_IP });
  return {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: namespaceName(placement, pod.namespace),
        name: pod.name,
        labels: { ...pod.labels },
        ...(annotations === undefined ? {} : { annotations }),
      },
      spec: { containers, ...(pod.hostNetwork === true ? { hostNetwork: true } : {}) },
    },
    status,
  };
}

export function serviceObject(service: ServiceSpec, placement: Placement): KubeObject {
  const ports = service.ports.map((port) => ({ ...port }));
  const base = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: namespaceName(placement, service.namespace), name: service.name },
  };
  if (service.kind === 'ExternalName') {
    return { ...base, spec: { type: 'ExternalName', externalName: 'db.example.com', ports } };
  }
  return {
    ...base,
    spec: {
      ...(service.selector === undefined ? {} : { selector: { ...service.selector } }),
      ...(service.kind === 'Headless' ? { clusterIP: 'None' } : {}),
      ports,
    },
  };
}

/** The policy key a finding's resource maps to inside its scenario (`<logical namespace>/<name>`). */
export function policyKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
