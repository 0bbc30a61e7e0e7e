import { selectorMatches } from '../../selectors';
import type {
  EndpointInfo,
  EndpointPort,
  IntOrString,
  LabelSelector,
  Pod,
  Protocol,
  Service,
} from '../../model/kubernetes';
import { findNamedContainerPort, findNumberedContainerPort } from './pods';
import type { RulePort } from './policy-input';
import { endpointPort } from './port-conversion';

/** A Service port after API-server defaulting: protocol TCP, targetPort = port (§2.1). */
export interface DefaultedServicePort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly targetPort: IntOrString;
}

export type RulePortMapping =
  | {
      readonly outcome: 'mapped';
      readonly rulePort: RulePort;
      readonly port: EndpointPort;
      readonly via: 'protocol-only' | 'direct' | 'pod-scan';
    }
  /** (c): neither a direct targetPort match nor the pod scan found a listen port. */
  | { readonly outcome: 'no-target-port'; readonly rulePort: RulePort }
  /** The v1.1.5+/v1.1.6 named-targetPort bypass guard skipped this rule port. */
  | {
      readonly outcome: 'bypass-guard';
      readonly rulePort: RulePort;
      readonly servicePort: DefaultedServicePort;
      readonly pod: string;
      readonly containerPort: number;
    };

export function defaultedServicePorts(service: Service): DefaultedServicePort[] {
  return (service.spec.ports ?? []).map((port) => {
    const targetPort =
      port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '' ? port.port : port.targetPort;
    const defaulted: { name?: string; port: number; protocol: Protocol; targetPort: IntOrString } = {
      port: port.port,
      protocol: port.protocol ?? 'TCP',
      targetPort,
    };
    if (port.name !== undefined) defaulted.name = port.name;
    return defaulted;
  });
}

/** `clusterIP` "" or "None" (this also covers ExternalName Services). */
export function isHeadlessService(service: Service): boolean {
  const clusterIp = service.spec.clusterIP ?? '';
  return clusterIp === '' || clusterIp === 'None';
}

/**
 * §2.6 step 2: the peer podSelector (absent → `{}`) is evaluated against the Service's `spec.selector` map as if it
 * were a label set. Pods are not consulted.
 */
export function serviceMatchesPeerSelector(service: Service, peerPodSelector: LabelSelector | undefined): boolean {
  return selectorMatches(peerPodSelector ?? {}, service.spec.selector ?? {});
}

/** (a) a service port whose targetPort has the same type and value as the rule port, and the same protocol. */
function directListenPort(servicePorts: readonly DefaultedServicePort[], port: IntOrString, protocol: Protocol) {
  return servicePorts.find((servicePort) => servicePort.protocol === protocol && servicePort.targetPort === port);
}

/** (b) the first selected pod on which the rule port resolves to a container port that some service port targets. */
function podScanListenPort(
  servicePorts: readonly DefaultedServicePort[],
  pods: readonly Pod[],
  port: IntOrString,
  protocol: Protocol,
): DefaultedServicePort | undefined {
  for (const pod of pods) {
    const target =
      typeof port === 'string'
        ? findNamedContainerPort(pod, port, protocol)
        : (findNumberedContainerPort(pod, port, protocol) ?? { containerPort: port });
    if (target === undefined) continue;
    const match = servicePorts.find(
      (servicePort) =>
        servicePort.protocol === protocol &&
        (typeof servicePort.targetPort === 'string'
          ? target.name !== undefined && servicePort.targetPort === target.name
          : servicePort.targetPort === target.containerPort),
    );
    if (match !== undefined) return match;
  }
  return undefined;
}

/** Whether the rule's own ports allow `containerPort` (named rule ports are ignored, as in the controller). */
export function rulePortsAllow(rulePorts: readonly RulePort[], protocol: Protocol, containerPort: number): boolean {
  return rulePorts.some((rulePort) => {
    if (rulePort.protocol !== protocol || typeof rulePort.port === 'string') return false;
    if (rulePort.port === undefined) return true;
    if (rulePort.endPort === undefined) return rulePort.port === containerPort;
    return rulePort.port <= containerPort && containerPort <= rulePort.endPort;
  });
}

/**
 * Bypass guard (v1.1.5+ per matched port, v1.1.6 first matching container port), only for numeric rule ports: the
 * service port with the found listen port and protocol, if its targetPort is a name, must resolve on every selected
 * pod to a container port the rule allows.
 */
function bypassingPod(
  servicePorts: readonly DefaultedServicePort[],
  listenPort: number,
  rulePort: RulePort,
  rulePorts: readonly RulePort[],
  pods: readonly Pod[],
): { servicePort: DefaultedServicePort; pod: string; containerPort: number } | undefined {
  const servicePort = servicePorts.find((port) => port.port === listenPort && port.protocol === rulePort.protocol);
  if (servicePort === undefined || typeof servicePort.targetPort !== 'string') return undefined;
  for (const pod of pods) {
    const containerPort = findNamedContainerPort(pod, servicePort.targetPort, rulePort.protocol);
    if (containerPort !== undefined && !rulePortsAllow(rulePorts, rulePort.protocol, containerPort.containerPort)) {
      return { servicePort, pod: pod.metadata.name, containerPort: containerPort.containerPort };
    }
  }
  return undefined;
}

function mapRulePort(
  rulePort: RulePort,
  rulePorts: readonly RulePort[],
  servicePorts: readonly DefaultedServicePort[],
  podsSelectedByService: readonly Pod[],
): RulePortMapping {
  if (rulePort.port === undefined) {
    return {
      outcome: 'mapped',
      rulePort,
      port: endpointPort(rulePort.protocol, undefined, rulePort.endPort),
      via: 'protocol-only',
    };
  }
  const direct = directListenPort(servicePorts, rulePort.port, rulePort.protocol);
  const found = direct ?? podScanListenPort(servicePorts, podsSelectedByService, rulePort.port, rulePort.protocol);
  if (found === undefined) return { outcome: 'no-target-port', rulePort };
  if (typeof rulePort.port === 'number') {
    const bypass = bypassingPod(servicePorts, found.port, rulePort, rulePorts, podsSelectedByService);
    if (bypass !== undefined) return { outcome: 'bypass-guard', rulePort, ...bypass };
  }
  return {
    outcome: 'mapped',
    rulePort,
    // endPort is copied verbatim from the rule, so a range matched through its first port opens listenPort..endPort.
    port: endpointPort(rulePort.protocol, found.port, rulePort.endPort),
    via: direct === undefined ? 'pod-scan' : 'direct',
  };
}

/**
 * The controller's Service port mapping (§2.6 step 3) for every rule port, in rule order. `podsSelectedByService`
 * are all pods of the Service's namespace matching its selector, unfiltered, in namespace list order.
 */
export function serviceClusterIpPorts(
  service: Service,
  rulePorts: readonly RulePort[],
  podsSelectedByService: readonly Pod[],
): readonly RulePortMapping[] {
  const servicePorts = defaultedServicePorts(service);
  return rulePorts.map((rulePort) => mapRulePort(rulePort, rulePorts, servicePorts, podsSelectedByService));
}

/**
 * The ClusterIP entry §2.6 adds for one Service and one egress pod/namespace peer, or `undefined` when the Service is
 * headless, does not match the peer selector as a label set, or none of the rule's ports maps.
 */
export function serviceClusterIpEntry(
  service: Service,
  peerPodSelector: LabelSelector | undefined,
  rulePorts: readonly RulePort[],
  podsSelectedByService: () => readonly Pod[],
): EndpointInfo | undefined {
  if (isHeadlessService(service) || !serviceMatchesPeerSelector(service, peerPodSelector)) return undefined;
  const cidr = service.spec.clusterIP ?? '';
  if (rulePorts.length === 0) return { cidr };
  const ports = serviceClusterIpPorts(service, rulePorts, podsSelectedByService()).flatMap((mapping) =>
    mapping.outcome === 'mapped' ? [mapping.port] : [],
  );
  return ports.length === 0 ? undefined : { cidr, ports };
}
