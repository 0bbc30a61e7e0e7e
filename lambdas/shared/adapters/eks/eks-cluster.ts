import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  ListClustersCommand,
  ResourceNotFoundException,
  type Addon,
  type Cluster,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { ClusterAccessError, type ClusterAccessCause } from '#engine';

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const FORBIDDEN = new Set(['AccessDeniedException', 'UnauthorizedException', 'UnrecognizedClientException']);

function causeOf(error: unknown): ClusterAccessCause {
  if (error instanceof ResourceNotFoundException) return 'not-found';
  const name = error instanceof Error ? error.name : '';
  if (THROTTLING.has(name)) return 'throttled';
  if (FORBIDDEN.has(name)) return 'forbidden';
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN/.test(String(error))) return 'unreachable';
  return 'failed';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export interface ClusterEndpoint {
  readonly endpoint: string;
  readonly certificateAuthorityData: string;
}

/** The EKS API calls of an audit: DescribeCluster, DescribeAddon vpc-cni, node groups, cluster discovery. */
export class EksClusters {
  constructor(private readonly client: EKSClient) {}

  private async call<T>(cluster: string, action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new ClusterAccessError(cluster, causeOf(error), `${action} failed (${messageOf(error)})`);
    }
  }

  async describeCluster(name: string): Promise<Cluster> {
    const response = await this.call(name, 'DescribeCluster', () =>
      this.client.send(new DescribeClusterCommand({ name })),
    );
    if (response.cluster === undefined)
      throw new ClusterAccessError(name, 'failed', 'DescribeCluster returned no cluster');
    return response.cluster;
  }

  /** The vpc-cni add-on, or `undefined` when the CNI is self-managed (not an EKS add-on). */
  async describeVpcCniAddon(clusterName: string): Promise<Addon | undefined> {
    try {
      const response = await this.client.send(new DescribeAddonCommand({ clusterName, addonName: 'vpc-cni' }));
      return response.addon;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw new ClusterAccessError(clusterName, causeOf(error), `DescribeAddon vpc-cni failed (${messageOf(error)})`);
    }
  }

  /** Every cluster of the region whose tags include all of `tags`. */
  async discover(tags: Readonly<Record<string, string>>): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('*', 'ListClusters', () => this.client.send(new ListClustersCommand({ nextToken })));
      names.push(...(page.clusters ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    const wanted = Object.entries(tags);
    if (wanted.length === 0) return names.sort();
    const matching: string[] = [];
    for (const name of names) {
      const cluster = await this.describeCluster(name);
      if (wanted.every(([key, value]) => cluster.tags?.[key] === value)) matching.push(name);
    }
    return matching.sort();
  }
}

export function endpointOf(cluster: Cluster): ClusterEndpoint {
  const endpoint = cluster.endpoint;
  const certificateAuthorityData = cluster.certificateAuthority?.data;
  if (endpoint === undefined || certificateAuthorityData === undefined)
    throw new ClusterAccessError(
      cluster.name ?? '',
      'failed',
      'DescribeCluster has no endpoint or certificate authority (cluster not ACTIVE?)',
    );
  return { endpoint, certificateAuthorityData };
}
