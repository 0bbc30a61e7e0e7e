import { isHostNetwork, isNetworkReady, podIp } from '../control-plane/resolver/pods';
import { UnknownEndpointError } from '../errors';
import { ipFamilyOf, sameIp } from '../facts/cidr';
import type { ClusterInventory } from '../model/cluster';

export { UnknownEndpointError };
import type { Pod } from '../model/kubernetes';
import { podLabel, type FlowEndpoint, type LocatedEndpoint } from './model';

/** Network-ready pods first, then non-hostNetwork ones: an IP shared with the node belongs to a pod only by accident. */
function podOwningIp(pods: readonly Pod[], ip: string): Pod | undefined {
  const owners = pods.filter((pod) => isNetworkReady(pod) && sameIp(podIp(pod), ip));
  return owners.find((pod) => !isHostNetwork(pod)) ?? owners[0];
}

/** `namespace/pod` or an IP; throws UnknownEndpointError naming what was not found. */
export function locateEndpoint(inventory: ClusterInventory, endpoint: FlowEndpoint): LocatedEndpoint {
  if ('ip' in endpoint) {
    if (ipFamilyOf(endpoint.ip) === undefined) throw new UnknownEndpointError(endpoint.ip, 'not a valid IP address');
    const pod = podOwningIp(inventory.pods, endpoint.ip);
    return pod === undefined ? { ip: endpoint.ip, label: endpoint.ip } : { ip: endpoint.ip, pod, label: podLabel(pod) };
  }
  const label = `${endpoint.namespace}/${endpoint.pod}`;
  const pod = inventory.pods.find(
    (candidate) => candidate.metadata.namespace === endpoint.namespace && candidate.metadata.name === endpoint.pod,
  );
  if (pod === undefined) throw new UnknownEndpointError(label, 'no such pod in the inventory');
  const ip = podIp(pod);
  if (ip === '') throw new UnknownEndpointError(label, 'the pod has no IP (status.podIP is empty)');
  return { ip, pod, label };
}

/** `ns/pod` → pod endpoint; anything that parses as an IP → IP endpoint. */
export function parseFlowEndpoint(text: string): FlowEndpoint {
  const trimmed = text.trim();
  if (ipFamilyOf(trimmed) !== undefined) return { ip: trimmed };
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1 || trimmed.indexOf('/', slash + 1) !== -1) {
    throw new UnknownEndpointError(text, 'expected <namespace>/<pod> or an IP address');
  }
  return { namespace: trimmed.slice(0, slash), pod: trimmed.slice(slash + 1) };
}
