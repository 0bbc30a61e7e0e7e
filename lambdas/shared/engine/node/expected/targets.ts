import type { ClusterPolicyEndpoint, PodEndpoint, PolicyEndpoint } from '../../model/kubernetes';
import { normaliseIp } from '../../facts/cidr';

/** A PolicyEndpoint or ClusterPolicyEndpoint, with its position in the input for stable ordering. */
export interface IndexedEndpoint<T> {
  readonly index: number;
  readonly object: T;
  /** Sibling chunks of one parent policy share this key. */
  readonly parentKey: string;
}

/** Parent policy of a PE/CPE name as the agent derives it: `name[:lastIndex("-")]` (agent.md §2.8). */
export function parentPolicyName(endpointName: string): string {
  const lastDash = endpointName.lastIndexOf('-');
  return lastDash === -1 ? endpointName : endpointName.slice(0, lastDash);
}

export function indexPolicyEndpoints(endpoints: readonly PolicyEndpoint[]): IndexedEndpoint<PolicyEndpoint>[] {
  return endpoints.map((object, index) => ({
    index,
    object,
    parentKey: `${object.metadata.namespace}/${parentPolicyName(object.metadata.name)}`,
  }));
}

export function indexClusterPolicyEndpoints(
  endpoints: readonly ClusterPolicyEndpoint[],
): IndexedEndpoint<ClusterPolicyEndpoint>[] {
  return endpoints.map((object, index) => ({ index, object, parentKey: parentPolicyName(object.metadata.name) }));
}

/** `net.IP.Equal` with a memo of normalised addresses: PEs repeat the same host IPs thousands of times. */
export class IpMatcher {
  private readonly memo = new Map<string, string | undefined>();

  /** `normaliseIp`, memoised. */
  normalised(ip: string): string | undefined {
    const known = this.memo.get(ip);
    if (known !== undefined || this.memo.has(ip)) return known;
    const value = normaliseIp(ip);
    this.memo.set(ip, value);
    return value;
  }

  same(left: string, right: string): boolean {
    const a = this.normalised(left);
    return a !== undefined && a === this.normalised(right);
  }
}

/**
 * `podSelectorEndpoints` the agent on this node acts on: `hostIP` equal to the node IP (`net.IP.Equal`),
 * host-network entries (`podIP == hostIP`) skipped.
 */
export function localTargets(
  endpoints: readonly PodEndpoint[] | null | undefined,
  nodeIp: string,
  ips: IpMatcher,
): PodEndpoint[] {
  return (endpoints ?? []).filter(
    (endpoint) => ips.same(endpoint.hostIP, nodeIp) && !ips.same(endpoint.podIP, endpoint.hostIP),
  );
}
