import { isHostNetwork, isNetworkReady, podIp } from '../control-plane/resolver/pods';
import { UnknownEndpointError } from '../errors';
import { ipFamilyOf, sameIp } from '../facts/cidr';
import type { ClusterInventory } from '../model/cluster';
import type { Pod, Service } from '../model/kubernetes';
import { podLabel, type FlowEndpoint, type LocatedEndpoint } from './model';

export { UnknownEndpointError };

const SERVICE_PREFIX = 'svc/';

/** The destination of a flow: a pod or an address, or a Service (named, or by its ClusterIP). */
export type FlowTarget =
  | { readonly kind: 'endpoint'; readonly endpoint: LocatedEndpoint }
  | { readonly kind: 'service'; readonly service: Service; readonly clusterIP: string };

/** Network-ready pods first, then non-hostNetwork ones: an IP shared with the node belongs to a pod only by accident. */
function podOwningIp(pods: readonly Pod[], ip: string): Pod | undefined {
  const owners = pods.filter((pod) => isNetworkReady(pod) && sameIp(podIp(pod), ip));
  return owners.find((pod) => !isHostNetwork(pod)) ?? owners[0];
}

function findService(inventory: ClusterInventory, namespace: string, name: string): Service | undefined {
  return inventory.services.find(
    (service) => service.metadata.namespace === namespace && service.metadata.name === name,
  );
}

function serviceWithClusterIp(inventory: ClusterInventory, ip: string): Service | undefined {
  return inventory.services.find((service) =>
    [service.spec.clusterIP ?? '', ...(service.spec.clusterIPs ?? [])].some(
      (clusterIP) => ipFamilyOf(clusterIP) !== undefined && sameIp(clusterIP, ip),
    ),
  );
}

function locateIp(inventory: ClusterInventory, ip: string): LocatedEndpoint {
  if (ipFamilyOf(ip) === undefined) throw new UnknownEndpointError(ip, 'not a valid IP address');
  const pod = podOwningIp(inventory.pods, ip);
  return pod === undefined ? { ip, label: ip } : { ip, pod, label: podLabel(pod) };
}

function locatePod(inventory: ClusterInventory, namespace: string, name: string): LocatedEndpoint {
  const label = `${namespace}/${name}`;
  const pod = inventory.pods.find(
    (candidate) => candidate.metadata.namespace === namespace && candidate.metadata.name === name,
  );
  if (pod === undefined) {
    const hint =
      findService(inventory, namespace, name) === undefined
        ? ''
        : `; ${label} is a Service: use ${SERVICE_PREFIX}${label} for a flow through it`;
    throw new UnknownEndpointError(label, `no such pod in the inventory${hint}`);
  }
  const ip = podIp(pod);
  if (ip === '') throw new UnknownEndpointError(label, 'the pod has no IP (status.podIP is empty)');
  return { ip, pod, label };
}

/** The source of a flow: `namespace/pod` or an IP; throws UnknownEndpointError naming what was not found. */
export function locateEndpoint(inventory: ClusterInventory, endpoint: FlowEndpoint): LocatedEndpoint {
  if ('service' in endpoint) {
    const label = `${SERVICE_PREFIX}${endpoint.service.namespace}/${endpoint.service.name}`;
    throw new UnknownEndpointError(label, 'a Service is not the source of a connection: give one of its pods');
  }
  if ('ip' in endpoint) return locateIp(inventory, endpoint.ip);
  return locatePod(inventory, endpoint.namespace, endpoint.pod);
}

/**
 * The destination of a flow. An IP that no pod owns but that is a Service's ClusterIP is that Service: the client's
 * packets carry the ClusterIP until kube-proxy rewrites them on the node.
 */
export function locateTarget(inventory: ClusterInventory, endpoint: FlowEndpoint): FlowTarget {
  if ('service' in endpoint) {
    const { namespace, name } = endpoint.service;
    const service = findService(inventory, namespace, name);
    if (service === undefined) {
      throw new UnknownEndpointError(`${SERVICE_PREFIX}${namespace}/${name}`, 'no such Service in the inventory');
    }
    return { kind: 'service', service, clusterIP: service.spec.clusterIP ?? '' };
  }
  const located = locateEndpoint(inventory, endpoint);
  if (located.pod !== undefined || !('ip' in endpoint)) return { kind: 'endpoint', endpoint: located };
  const service = serviceWithClusterIp(inventory, located.ip);
  return service === undefined
    ? { kind: 'endpoint', endpoint: located }
    : { kind: 'service', service, clusterIP: located.ip };
}

function namespacedName(text: string, original: string, expected: string): { namespace: string; name: string } {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1 || text.indexOf('/', slash + 1) !== -1) {
    throw new UnknownEndpointError(original, `expected ${expected}`);
  }
  return { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
}

/** `svc/ns/name` → Service endpoint; `ns/pod` → pod endpoint; anything that parses as an IP → IP endpoint. */
export function parseFlowEndpoint(text: string): FlowEndpoint {
  const trimmed = text.trim();
  if (ipFamilyOf(trimmed) !== undefined) return { ip: trimmed };
  if (trimmed.startsWith(SERVICE_PREFIX)) {
    return { service: namespacedName(trimmed.slice(SERVICE_PREFIX.length), text, 'svc/<namespace>/<service>') };
  }
  const { namespace, name } = namespacedName(
    trimmed,
    text,
    '<namespace>/<pod>, svc/<namespace>/<service> or an IP address',
  );
  return { namespace, pod: name };
}
