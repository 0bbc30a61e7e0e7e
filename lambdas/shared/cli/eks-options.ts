import { EKSClient } from '@aws-sdk/client-eks';
import { Option } from 'commander';
import packageJson from '../../../package.json';
import { EksClusters } from '#adapters/eks/eks-cluster';
import { eksBearerTokenOpener, EksLiveClusterSource, type LiveSnapshotSink } from '#adapters/eks/eks-live-source';
import { EksTokenProvider, type ClusterTokens } from '#adapters/eks-token/eks-token';
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
  const source = new EksLiveClusterSource({
    clusterName: flags.cluster,
    eks: new EksClusters(client),
    openKubernetes: eksBearerTokenOpener(clusterTokens),
    snapshot,
    reader: { pageSize: flags.pageSize ?? 500 },
    now: new Date(),
    toolVersion: packageJson.version,
  });
  return { clusterName: flags.cluster, location: `eks:${region}/${flags.cluster}`, source };
}
