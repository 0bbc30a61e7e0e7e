import type { ClusterPolicyEndpoint, Pod, PodEndpoint, PolicyEndpoint } from '../../model/kubernetes';
import {
  indexClusterPolicyEndpoints,
  indexPolicyEndpoints,
  IpMatcher,
  localTargets,
  type IndexedEndpoint,
} from './targets';

/** A `podSelectorEndpoints` entry of a PE/CPE. */
export interface EndpointTarget<T> {
  readonly endpoint: IndexedEndpoint<T>;
  readonly target: PodEndpoint;
}

/** The PEs (or CPEs) as one node's agent sees them. */
export interface NodeEndpoints<T> {
  /** Targets on the node (see `localTargets`), in endpoint then target order. */
  readonly targets: readonly EndpointTarget<T>[];
  /** Every endpoint by parent policy (sibling chunks together), in input order. */
  readonly byParent: ReadonlyMap<string, readonly IndexedEndpoint<T>[]>;
}

type AnyEndpoint = PolicyEndpoint | ClusterPolicyEndpoint;

function groupByParent<T>(endpoints: readonly IndexedEndpoint<T>[]): Map<string, IndexedEndpoint<T>[]> {
  const groups = new Map<string, IndexedEndpoint<T>[]>();
  for (const endpoint of endpoints) {
    const list = groups.get(endpoint.parentKey);
    if (list === undefined) groups.set(endpoint.parentKey, [endpoint]);
    else list.push(endpoint);
  }
  return groups;
}

/** One node's view by scanning every endpoint: what a single computation does without a shared index. */
export function scanEndpoints<T extends AnyEndpoint>(
  endpoints: readonly IndexedEndpoint<T>[],
  nodeIp: string,
  ips: IpMatcher,
): NodeEndpoints<T> {
  const targets: EndpointTarget<T>[] = [];
  for (const endpoint of endpoints) {
    for (const target of localTargets(endpoint.object.spec.podSelectorEndpoints, nodeIp, ips)) {
      targets.push({ endpoint, target });
    }
  }
  return { targets, byParent: groupByParent(endpoints) };
}

/** Parallel lists: `targets[i]` is listed by `endpoints[i]`. */
interface HostTargets<T> {
  readonly endpoints: IndexedEndpoint<T>[];
  readonly targets: PodEndpoint[];
}

interface EndpointIndex<T> {
  /** Normalised host IP → targets (host-network ones included), in endpoint then target order. */
  readonly byHost: ReadonlyMap<string, HostTargets<T>>;
  readonly byParent: ReadonlyMap<string, readonly IndexedEndpoint<T>[]>;
}

const NONE: readonly never[] = [];

/**
 * What every node's computation looks up in the cluster-wide lists: pods by `spec.nodeName`, PE/CPE targets by
 * host IP, PEs/CPEs by parent policy. Built once (lazily, per part) and shared by the nodes of one audit, so a
 * node costs what it holds rather than what the cluster holds.
 */
export class NodeTargetIndex {
  private podsByNode: Map<string | undefined, Pod[]> | undefined;
  private policy: EndpointIndex<PolicyEndpoint> | undefined;
  private cluster: EndpointIndex<ClusterPolicyEndpoint> | undefined;
  private readonly ips = new IpMatcher();

  constructor(
    readonly pods: readonly Pod[],
    readonly policyEndpoints: readonly PolicyEndpoint[],
    readonly clusterPolicyEndpoints: readonly ClusterPolicyEndpoint[],
  ) {}

  /** Whether the index was built from these lists. */
  covers(lists: {
    readonly pods: readonly Pod[];
    readonly policyEndpoints: readonly PolicyEndpoint[];
    readonly clusterPolicyEndpoints: readonly ClusterPolicyEndpoint[];
  }): boolean {
    return (
      sameList(lists.pods, this.pods) &&
      sameList(lists.policyEndpoints, this.policyEndpoints) &&
      sameList(lists.clusterPolicyEndpoints, this.clusterPolicyEndpoints)
    );
  }

  /** Pods with this `spec.nodeName`, in input order. */
  podsOn(nodeName: string): readonly Pod[] {
    if (this.podsByNode === undefined) {
      this.podsByNode = new Map();
      for (const pod of this.pods) {
        const list = this.podsByNode.get(pod.spec.nodeName);
        if (list === undefined) this.podsByNode.set(pod.spec.nodeName, [pod]);
        else list.push(pod);
      }
    }
    return this.podsByNode.get(nodeName) ?? NONE;
  }

  policyEndpointsOn(nodeIp: string): NodeEndpoints<PolicyEndpoint> {
    this.policy ??= this.build(indexPolicyEndpoints(this.policyEndpoints));
    return this.on(this.policy, nodeIp);
  }

  clusterEndpointsOn(nodeIp: string): NodeEndpoints<ClusterPolicyEndpoint> {
    this.cluster ??= this.build(indexClusterPolicyEndpoints(this.clusterPolicyEndpoints));
    return this.on(this.cluster, nodeIp);
  }

  /** Same targets as `localTargets` over every endpoint: host IP equal to the node IP, host-network skipped. */
  private on<T>(index: EndpointIndex<T>, nodeIp: string): NodeEndpoints<T> {
    const key = this.ips.normalised(nodeIp);
    const onHost = key === undefined ? undefined : index.byHost.get(key);
    const targets: EndpointTarget<T>[] = [];
    onHost?.targets.forEach((target, i) => {
      const endpoint = onHost.endpoints[i];
      if (endpoint !== undefined && !this.ips.same(target.podIP, target.hostIP)) targets.push({ endpoint, target });
    });
    return { targets, byParent: index.byParent };
  }

  private build<T extends AnyEndpoint>(endpoints: readonly IndexedEndpoint<T>[]): EndpointIndex<T> {
    const byHost = new Map<string, HostTargets<T>>();
    for (const endpoint of endpoints) {
      for (const target of endpoint.object.spec.podSelectorEndpoints ?? NONE) {
        const host = this.ips.normalised(target.hostIP);
        if (host === undefined) continue;
        const onHost = byHost.get(host);
        if (onHost === undefined) byHost.set(host, { endpoints: [endpoint], targets: [target] });
        else {
          onHost.endpoints.push(endpoint);
          onHost.targets.push(target);
        }
      }
    }
    return { byHost, byParent: groupByParent(endpoints) };
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a === b || (a.length === 0 && b.length === 0);
}
