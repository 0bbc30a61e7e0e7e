import { findNamedContainerPort } from '../control-plane/resolver/pods';
import type { RulePort } from '../control-plane/resolver/policy-input';
import type { ClusterNetworkPolicyPortItem, EndpointPort, Pod, Protocol } from '../model/kubernetes';

export interface PortMatch {
  readonly matched: boolean;
  /** How the port was matched or why not (named-port resolution), for the reason text. */
  readonly note?: string;
}

function inRange(port: number, start: number, end: number | undefined): boolean {
  return port === start || (end !== undefined && port >= start && port <= end);
}

/** One NetworkPolicy port (protocol already defaulted); a named port is resolved on the destination pod's containers. */
export function rulePortMatches(
  rulePort: RulePort,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): PortMatch {
  if (rulePort.protocol !== protocol) return { matched: false };
  if (rulePort.port === undefined) return { matched: true };
  if (typeof rulePort.port === 'number') return { matched: inRange(port, rulePort.port, rulePort.endPort) };
  if (destination === undefined) {
    return { matched: false, note: `named port "${rulePort.port}" cannot be resolved: the destination is not a pod` };
  }
  const containerPort = findNamedContainerPort(destination, rulePort.port, protocol);
  if (containerPort === undefined) {
    return {
      matched: false,
      note: `named port "${rulePort.port}"/${protocol} is not declared by ${destination.metadata.name}`,
    };
  }
  const matched = containerPort.containerPort === port;
  return {
    matched,
    note: `named port "${rulePort.port}" = ${containerPort.containerPort}/${protocol} on ${destination.metadata.name}`,
  };
}

/** No ports = all ports; otherwise any port must match. Notes of named ports are kept for the reason. */
export function rulePortsMatch(
  rulePorts: readonly RulePort[],
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): PortMatch {
  if (rulePorts.length === 0) return { matched: true };
  const notes: string[] = [];
  for (const rulePort of rulePorts) {
    const result = rulePortMatches(rulePort, port, protocol, destination);
    if (result.note !== undefined) notes.push(result.note);
    if (result.matched) return { matched: true, ...(result.note === undefined ? {} : { note: result.note }) };
  }
  return notes.length === 0 ? { matched: false } : { matched: false, note: notes.join('; ') };
}

/** ClusterNetworkPolicy port items (protocol defaults to TCP; namedPort resolved on the destination pod). */
export function clusterPortsMatch(
  items: readonly ClusterNetworkPolicyPortItem[],
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): PortMatch {
  const rulePorts: RulePort[] = items.flatMap((item): RulePort[] => {
    if (item.portNumber !== undefined)
      return [{ protocol: item.portNumber.protocol ?? 'TCP', port: item.portNumber.port }];
    if (item.portRange !== undefined) {
      return [{ protocol: item.portRange.protocol ?? 'TCP', port: item.portRange.start, endPort: item.portRange.end }];
    }
    if (item.namedPort !== undefined) return [{ protocol: 'TCP', port: item.namedPort }];
    return [];
  });
  return rulePortsMatch(rulePorts, port, protocol, destination);
}

/**
 * PolicyEndpoint ports as the agent reads them (agent.md §2.3/§2.8): no ports = all; a missing protocol = ANY;
 * a missing port = the whole protocol; `endPort` makes a range.
 */
export function endpointPortsMatch(
  ports: readonly EndpointPort[] | null | undefined,
  port: number,
  protocol: Protocol,
): boolean {
  if (ports === null || ports === undefined || ports.length === 0) return true;
  return ports.some(
    (candidate) =>
      (candidate.protocol === undefined || candidate.protocol === protocol) &&
      (candidate.port === undefined || candidate.port === 0 || inRange(port, candidate.port, candidate.endPort)),
  );
}

export function describeEndpointPorts(ports: readonly EndpointPort[] | null | undefined): string {
  if (ports === null || ports === undefined || ports.length === 0) return 'all ports';
  return ports
    .map(
      (p) =>
        `${p.protocol ?? 'ANY'}${p.port === undefined ? '' : `/${p.port}${p.endPort === undefined ? '' : `-${p.endPort}`}`}`,
    )
    .join(', ');
}
