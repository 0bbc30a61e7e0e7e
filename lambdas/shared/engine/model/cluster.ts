import type { EksAddon, EksCluster } from './aws';
import type { Finding } from './finding';
import type {
  ApplicationNetworkPolicy,
  ClusterNetworkPolicy,
  ClusterPolicyEndpoint,
  ConfigMap,
  DaemonSet,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  PolicyEndpoint,
  Service,
} from './kubernetes';

/**
 * Everything the engine knows about one cluster, whether read from a snapshot directory or live.
 * `inputFindings` carries what could not be read (malformed objects, missing permissions), so the
 * audit reports it instead of silently passing.
 */
export interface ClusterInventory {
  readonly clusterName: string;
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly nodes: readonly Node[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly policyEndpoints: readonly PolicyEndpoint[];
  readonly applicationNetworkPolicies: readonly ApplicationNetworkPolicy[];
  readonly clusterNetworkPolicies: readonly ClusterNetworkPolicy[];
  readonly clusterPolicyEndpoints: readonly ClusterPolicyEndpoint[];
  readonly awsNodeDaemonSet?: DaemonSet;
  readonly vpcCniConfigMap?: ConfigMap;
  readonly eksCluster?: EksCluster;
  readonly vpcCniAddon?: EksAddon;
  /**
   * EKS was asked (DescribeAddon) and the cluster has no vpc-cni add-on: the CNI is self-managed. Without this and
   * without `vpcCniAddon`, the add-on was not read and how the CNI is managed is unknown.
   */
  readonly vpcCniAddonNotInstalled?: boolean;
  /** Kinds the engine does not use, with how many objects of each were seen. */
  readonly ignoredKinds: Readonly<Record<string, number>>;
  readonly inputFindings: readonly Finding[];
  /** Kinds that could not be listed at all (CRD missing, permission denied): their checks are skipped. */
  readonly unavailableKinds: readonly UnavailableKind[];
}

export interface UnavailableKind {
  readonly kind: string;
  readonly reason: string;
  /**
   * `not-installed`: the CRD does not exist (so there are no objects of the kind); `not-collected`: the input does
   * not hold the kind (a hand-made snapshot without it); otherwise the read failed.
   */
  readonly cause?: 'not-installed' | 'forbidden' | 'failed' | 'not-collected';
}

export function emptyInventory(clusterName: string): ClusterInventory {
  return {
    clusterName,
    namespaces: [],
    pods: [],
    services: [],
    nodes: [],
    networkPolicies: [],
    policyEndpoints: [],
    applicationNetworkPolicies: [],
    clusterNetworkPolicies: [],
    clusterPolicyEndpoints: [],
    ignoredKinds: {},
    inputFindings: [],
    unavailableKinds: [],
  };
}
