import type { EndpointPort, Pod } from '../../model/kubernetes';
import { findNamedContainerPort } from './pods';
import { isNamedPort, type RulePort } from './policy-input';

/**
 * The ports of one entry: `'all-ports'` means the entry has no `ports` field. A fresh array per conversion, shared by
 * the entries built from it and not modified afterwards.
 */
export type EntryPorts = EndpointPort[] | 'all-ports';

export function endpointPort(protocol: RulePort['protocol'], port?: number, endPort?: number): EndpointPort {
  const result: EndpointPort = { protocol };
  if (port !== undefined) result.port = port;
  if (endPort !== undefined) result.endPort = endPort;
  return result;
}

/** Numeric → `{protocol, port, endPort?}`, protocol-only → `{protocol}`; named ports yield nothing. */
function convertWithoutPod(rulePort: RulePort): EndpointPort | undefined {
  if (rulePort.port === undefined) return endpointPort(rulePort.protocol);
  if (typeof rulePort.port === 'string') return undefined;
  return endpointPort(rulePort.protocol, rulePort.port, rulePort.endPort);
}

/** Like the pod-less conversion, but a named port becomes the pod's first matching containerPort (endPort copied). */
function convertForPod(rulePort: RulePort, pod: Pod): EndpointPort | undefined {
  if (typeof rulePort.port !== 'string') return convertWithoutPod(rulePort);
  const containerPort = findNamedContainerPort(pod, rulePort.port, rulePort.protocol);
  if (containerPort === undefined) return undefined;
  return endpointPort(rulePort.protocol, containerPort.containerPort, rulePort.endPort);
}

/** No ports → all ports; ports listed but none converted → `undefined` (the caller drops the entry). */
function collect(rulePorts: readonly RulePort[], ports: EndpointPort[]): EntryPorts | undefined {
  if (rulePorts.length === 0) return 'all-ports';
  return ports.length === 0 ? undefined : ports;
}

/** Egress without `to` and ipBlock peers (§2.5): named ports are dropped. */
export function portsWithoutPodContext(rulePorts: readonly RulePort[]): EntryPorts | undefined {
  return collect(
    rulePorts,
    rulePorts.flatMap((rulePort) => convertWithoutPod(rulePort) ?? []),
  );
}

/** Egress to a pod (§2.5): ports resolved against that destination pod. */
export function portsForDestinationPod(rulePorts: readonly RulePort[], pod: Pod): EntryPorts | undefined {
  return collect(
    rulePorts,
    rulePorts.flatMap((rulePort) => convertForPod(rulePort, pod) ?? []),
  );
}

/**
 * Ingress ports, resolved once per rule (§2.4): converted directly unless the rule has a named port; then every
 * port is resolved against every ready destination pod and the union is deduplicated by (protocol, port, endPort).
 */
export function ingressRulePorts(
  rulePorts: readonly RulePort[],
  destinationPods: readonly Pod[],
): EntryPorts | undefined {
  if (!rulePorts.some(isNamedPort)) return portsWithoutPodContext(rulePorts);
  const union = new Map<string, EndpointPort>();
  for (const pod of destinationPods) {
    for (const rulePort of rulePorts) {
      const port = convertForPod(rulePort, pod);
      if (port !== undefined) union.set(portKey(port), union.get(portKey(port)) ?? port);
    }
  }
  return collect(rulePorts, [...union.values()]);
}

export function portKey(port: EndpointPort): string {
  return `${port.protocol ?? 'TCP'}/${port.port ?? '*'}/${port.endPort ?? '-'}`;
}
