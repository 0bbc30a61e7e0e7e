import type { KubeConfig } from '@kubernetes/client-node';
import { kubeconfigTransport, type KubeconfigSelection } from './client-node-transport';
import { KubernetesClusterSource } from './kubernetes-cluster-source';
import { KubernetesReader, type ReaderOptions } from './kubernetes-reader';

export interface LiveClusterOptions extends KubeconfigSelection {
  /** Report name of the cluster; default: the kubeconfig context's cluster name. */
  readonly clusterName?: string;
  readonly reader?: ReaderOptions;
}

export interface LiveCluster {
  readonly clusterName: string;
  readonly location: string;
  readonly reader: KubernetesReader;
  readonly source: KubernetesClusterSource;
  /** The kubeconfig the reader was opened with (for `pods/exec`). */
  readonly kubeConfig: KubeConfig;
}

/**
 * Opens a live cluster from a kubeconfig: the `ClusterSource` for audits and the reader for snapshots.
 */
export async function openLiveCluster(options: LiveClusterOptions): Promise<LiveCluster> {
  const { transport, clusterName: contextCluster, config } = await kubeconfigTransport(options);
  const reader = new KubernetesReader(transport, options.reader);
  const clusterName = options.clusterName ?? contextCluster;
  return {
    clusterName,
    location: transport.location,
    reader,
    source: new KubernetesClusterSource(reader, clusterName),
    kubeConfig: config,
  };
}
