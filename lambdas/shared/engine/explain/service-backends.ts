import { findNamedContainerPort, isNetworkReady } from '../control-plane/resolver/pods';
import {
  defaultedServicePorts,
  isHeadlessService,
  type DefaultedServicePort,
} from '../control-plane/resolver/service-ports';
import type { ClusterInventory } from '../model/cluster';
import type { Pod, Protocol, Service } from '../model/kubernetes';
import { selectorMatches } from '../selectors';
import { podLabel, type SkippedBackend } from './model';

/** A pod that receives the Service's connections on the flow's port, and the port it receives them on. */
export interface Backend {
  readonly pod: Pod;
  readonly port: number;
}

export type ServiceBackends =
  | {
      readonly resolved: true;
      readonly servicePort: DefaultedServicePort;
      readonly backends: readonly Backend[];
      readonly skipped: readonly SkippedBackend[];
    }
  | { readonly resolved: false; readonly reason: string; readonly servicePort?: DefaultedServicePort };

function serviceLabel(service: Service): string {
  return `Service ${service.metadata.namespace}/${service.metadata.name}`;
}

function describePorts(ports: readonly DefaultedServicePort[]): string {
  return ports.length === 0
    ? 'it has none'
    : `its ports: ${ports.map((port) => `${port.protocol}/${port.port} → ${port.targetPort}`).join(', ')}`;
}

/** Why a Service has no ClusterIP to explain, or `undefined` when it has one. */
function withoutClusterIp(service: Service, inventory: ClusterInventory): string | undefined {
  const label = serviceLabel(service);
  if (service.spec.type === 'ExternalName') {
    return `${label} is of type ExternalName: clients resolve its name by DNS to an outside name and connect to that address, not to a ClusterIP; explain the flow to that address`;
  }
  if (!isHeadlessService(service)) return undefined;
  const pods = selectedPods(service, inventory).map(podLabel);
  const each = pods.length === 0 ? '' : ` (${pods.join(', ')})`;
  return `${label} is headless (clusterIP ${service.spec.clusterIP ?? 'empty'}): clients connect to the pods' own IPs, not to a ClusterIP; explain --to <namespace>/<pod> for each pod it selects${each}`;
}

/** Pods of the Service's namespace that its selector matches and that have an IP (readiness is not in the inventory). */
function selectedPods(service: Service, inventory: ClusterInventory): Pod[] {
  const selector = service.spec.selector ?? {};
  if (Object.keys(selector).length === 0) return [];
  return inventory.pods.filter(
    (pod) =>
      pod.metadata.namespace === service.metadata.namespace &&
      isNetworkReady(pod) &&
      selectorMatches({ matchLabels: selector }, pod.metadata.labels ?? {}),
  );
}

/** The Service's targetPort on one pod: a number as is, a name through the pod's container ports. */
function backendPort(pod: Pod, servicePort: DefaultedServicePort): Backend | SkippedBackend {
  const target = servicePort.targetPort;
  if (typeof target === 'number') return { pod, port: target };
  const containerPort = findNamedContainerPort(pod, target, servicePort.protocol);
  if (containerPort !== undefined) return { pod, port: containerPort.containerPort };
  return {
    pod: podLabel(pod),
    reason: `declares no container port named "${target}"/${servicePort.protocol}: the EndpointSlice controller leaves it out of the Service's endpoints for this port`,
  };
}

/**
 * The backends of a flow to `port`/`protocol` of a Service: the Service port it names and, per selected pod, the
 * targetPort resolved on that pod. A Service without a ClusterIP, a selector, a matching port or selected pods is
 * unresolved, with the reason.
 */
export function serviceBackends(
  service: Service,
  inventory: ClusterInventory,
  port: number,
  protocol: Protocol,
): ServiceBackends {
  const label = serviceLabel(service);
  const noClusterIp = withoutClusterIp(service, inventory);
  if (noClusterIp !== undefined) return { resolved: false, reason: noClusterIp };
  const ports = defaultedServicePorts(service);
  const servicePort = ports.find((candidate) => candidate.port === port && candidate.protocol === protocol);
  if (servicePort === undefined) {
    return {
      resolved: false,
      reason: `${label} has no ${protocol} port ${port} (${describePorts(ports)}); --port is the Service's port, not its targetPort`,
    };
  }
  if (Object.keys(service.spec.selector ?? {}).length === 0) {
    return {
      resolved: false,
      servicePort,
      reason: `${label} has no selector: its endpoints are kept by hand (Endpoints/EndpointSlice objects), which the inventory does not hold, so its backends are unknown`,
    };
  }
  const pods = selectedPods(service, inventory);
  if (pods.length === 0) {
    const selector = Object.entries(service.spec.selector ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    return {
      resolved: false,
      servicePort,
      reason: `no pod with an IP in namespace ${service.metadata.namespace} matches the selector ${selector} of ${label}: it has no backends (kube-proxy rejects connections to it)`,
    };
  }
  const backends: Backend[] = [];
  const skipped: SkippedBackend[] = [];
  for (const pod of pods) {
    const resolved = backendPort(pod, servicePort);
    if ('port' in resolved) backends.push(resolved);
    else skipped.push(resolved);
  }
  if (backends.length === 0) {
    return {
      resolved: false,
      servicePort,
      reason: `none of the pods ${label} selects declares its targetPort "${String(servicePort.targetPort)}"/${protocol}: it has no backends for port ${port}`,
    };
  }
  return { resolved: true, servicePort, backends, skipped };
}
