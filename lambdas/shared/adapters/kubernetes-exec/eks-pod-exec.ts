import type { ClusterEndpoint } from '../eks/eks-cluster';
import { eksKubeConfig } from '../kubernetes/client-node-transport';
import { ClientNodePodExec, clientNodeExec } from './client-node-exec';
import type { PodExec } from './pod-exec';

/** `pods/exec` on an EKS cluster's endpoint (DescribeCluster), with a fresh EKS bearer token for each connection. */
export function eksPodExec(clusterName: string, endpoint: ClusterEndpoint, token: () => Promise<string>): PodExec {
  return new ClientNodePodExec(clientNodeExec(async () => eksKubeConfig({ clusterName, ...endpoint }, await token())));
}
