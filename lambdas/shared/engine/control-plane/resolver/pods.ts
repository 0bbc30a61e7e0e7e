import type { ContainerPort, Pod, PodEndpoint, Protocol } from '../../model/kubernetes';

export const POD_IPS_ANNOTATION = 'vpc.amazonaws.com/pod-ips';

/** `status.podIP`, else the `vpc.amazonaws.com/pod-ips` annotation verbatim (§2.2); `status.podIPs` is never used. */
export function podIp(pod: Pod): string {
  const statusIp = pod.status.podIP ?? '';
  if (statusIp !== '') return statusIp;
  return pod.metadata.annotations?.[POD_IPS_ANNOTATION] ?? '';
}

/** Has an IP and is not terminal. Pending/Unknown/no phase, terminating pods and readiness are all ignored. */
export function isNetworkReady(pod: Pod): boolean {
  const phase = pod.status.phase;
  return podIp(pod) !== '' && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isHostNetwork(pod: Pod): boolean {
  return pod.spec.hostNetwork === true;
}

export function podEndpointOf(pod: Pod): PodEndpoint {
  return {
    hostIP: pod.status.hostIP ?? '',
    podIP: podIp(pod),
    name: pod.metadata.name,
    namespace: pod.metadata.namespace,
  };
}

/** API-server default for container ports (§2.1). */
export function containerPortProtocol(port: ContainerPort): Protocol {
  return port.protocol ?? 'TCP';
}

/** First container port (containers in order, ports in order) whose name and protocol both match. */
export function findNamedContainerPort(pod: Pod, name: string, protocol: Protocol): ContainerPort | undefined {
  for (const container of pod.spec.containers) {
    for (const port of container.ports ?? []) {
      if (port.name === name && containerPortProtocol(port) === protocol) return port;
    }
  }
  return undefined;
}

export function findNumberedContainerPort(pod: Pod, number: number, protocol: Protocol): ContainerPort | undefined {
  for (const container of pod.spec.containers) {
    for (const port of container.ports ?? []) {
      if (port.containerPort === number && containerPortProtocol(port) === protocol) return port;
    }
  }
  return undefined;
}

export function comparePodEndpoints(a: PodEndpoint, b: PodEndpoint): number {
  return (
    compareText(a.namespace, b.namespace) ||
    compareText(a.name, b.name) ||
    compareText(a.podIP, b.podIP) ||
    compareText(a.hostIP, b.hostIP)
  );
}

/** Code-unit order, independent of the locale. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Whole-struct dedup (§1.5 step 1) and the namespace/name/podIP order. The order compares every field, so equal
 * endpoints are adjacent after a stable sort; the last of each run is kept, as a keyed overwrite would.
 */
export function canonicalPodEndpoints(endpoints: readonly PodEndpoint[]): PodEndpoint[] {
  const sorted = [...endpoints].sort(comparePodEndpoints);
  let duplicates = false;
  for (let index = 1; index < sorted.length && !duplicates; index++) {
    duplicates = comparePodEndpoints(sorted[index - 1] as PodEndpoint, sorted[index] as PodEndpoint) === 0;
  }
  if (!duplicates) return sorted;
  const unique: PodEndpoint[] = [];
  for (const endpoint of sorted) {
    const last = unique.length - 1;
    const previous = unique[last];
    if (previous !== undefined && comparePodEndpoints(previous, endpoint) === 0) unique[last] = endpoint;
    else unique.push(endpoint);
  }
  return unique;
}
