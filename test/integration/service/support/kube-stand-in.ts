import { KubeTransportError, type KubeTransport } from '#adapters/kubernetes/kube-transport';
import type { ClusterEndpoint } from '#adapters/eks/eks-cluster';

/**
 * The Kubernetes API of each cluster of a scenario. The audit-cluster handler's production opener (EKS bearer
 * token + client-node against the DescribeCluster endpoint) is replaced by this registry: a cluster answers from
 * its example snapshot, a cluster without an entry refuses the connection as an unreachable endpoint would.
 */
const apis = new Map<string, () => KubeTransport>();

export function serveCluster(cluster: string, api: () => KubeTransport): void {
  apis.set(cluster, api);
}

export function clearClusters(): void {
  apis.clear();
}

export function openStandInKubernetes(clusterName: string, endpoint: ClusterEndpoint): Promise<KubeTransport> {
  const api = apis.get(clusterName);
  if (api !== undefined) return Promise.resolve(api());
  return Promise.resolve({
    location: endpoint.endpoint,
    // What client-node-transport rejects with when nothing listens at the endpoint.
    get: () => Promise.reject(new KubeTransportError(`ECONNREFUSED: connect ECONNREFUSED ${endpoint.endpoint}`, false)),
  });
}
