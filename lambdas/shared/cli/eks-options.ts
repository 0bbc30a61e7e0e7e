import { EKSClient } from '@aws-sdk/client-eks';
import type { KubeConfig } from '@kubernetes/client-node';
import { Option } from 'commander';
import packageJson from '../../../package.json';
import { EksClusters, type ClusterEndpoint } from '#adapters/eks/eks-cluster';
import { eksBearerTokenOpener, EksLiveClusterSource, type LiveSnapshotSink } from '#adapters/eks/eks-live-source';
import { EksTokenProvider, type ClusterTokens } from '#adapters/eks-token/eks-token';
import { eksKubeConfig } from '#adapters/kubernetes/client-node-transport';
import { InputError } from '#engine';
import { awsClientConfig, awsOptions, type AwsFlags } from './aws-options';

export interface EksFlags extends AwsFlags {
  cluster?: string;
  pageSize?: number;
}

/** `--cluster`, `--region`, `--profile`: an EKS cluster read live with the user's AWS credentials. */
export function eksOptions(): Option[] {
  return [
    new Option(
      '--cluster <name>',
      'read an EKS cluster live: DescribeCluster and DescribeAddon, then Kubernetes with an EKS token (an access entry in the group of k8s/rbac.yaml)',
    ),
    ...awsOptions('cluster'),
  ];
}

export function requireClusterFor(flags: EksFlags): void {
  if (flags.cluster === undefined && (flags.region !== undefined || flags.profile !== undefined))
    throw new InputError('--region and --profile need --cluster <name>');
}

async function regionOf(client: EKSClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new InputError('no AWS region: give --region, or set AWS_REGION or a region in the profile');
  }
}

export interface EksCluster {
  readonly clusterName: string;
  readonly location: string;
  readonly source: EksLiveClusterSource;
  /** After `source` was read: a kubeconfig of the cluster's endpoint with a fresh EKS token (for `pods/exec`). */
  readonly kubeConfig: () => Promise<KubeConfig>;
}

/**
 * The service's live source on a laptop: the EKS API with the user's credential chain (or `--profile`), the
 * cluster's Kubernetes API with EKS bearer tokens presigned with the same credentials, every page projected by the
 * engine and written to `snapshot` as it arrives.
 */
export async function openEksCluster(
  flags: EksFlags & { cluster: string },
  snapshot: LiveSnapshotSink,
): Promise<EksCluster> {
  const client = new EKSClient(awsClientConfig(flags));
  const region = await regionOf(client);
  const clusterTokens: ClusterTokens = (clusterName) =>
    new EksTokenProvider({ clusterName, region, credentials: client.config.credentials });
  const openKubernetes = eksBearerTokenOpener(clusterTokens);
  const tokens = clusterTokens(flags.cluster);
  let endpoint: ClusterEndpoint | undefined;
  const source = new EksLiveClusterSource({
    clusterName: flags.cluster,
    eks: new EksClusters(client),
    openKubernetes: (clusterName, read) => {
      endpoint = read;
      return openKubernetes(clusterName, read);
    },
    snapshot,
    reader: { pageSize: flags.pageSize ?? 500 },
    now: new Date(),
    toolVersion: packageJson.version,
  });
  const kubeConfig = async (): Promise<KubeConfig> => {
    if (endpoint === undefined) throw new InputError(`the endpoint of ${flags.cluster} is not known yet`);
    return eksKubeConfig({ clusterName: flags.cluster, ...endpoint }, await tokens.token());
  };
  return { clusterName: flags.cluster, location: `eks:${region}/${flags.cluster}`, source, kubeConfig };
}
