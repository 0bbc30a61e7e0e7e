import {
  ClusterAccessError,
  InputError,
  InventoryAccumulator,
  SNAPSHOT_PATHS,
  type ClusterInventory,
  type ClusterSource,
  type SnapshotManifest,
} from '#engine';
import type { Addon } from '@aws-sdk/client-eks';
import type { ClusterTokens } from '../eks-token/eks-token';
import { eksTransport } from '../kubernetes/client-node-transport';
import type { KubeTransport } from '../kubernetes/kube-transport';
import { KubernetesReader, type ListPage, type PageSink, type ReaderOptions } from '../kubernetes/kubernetes-reader';
import type { ListedResource, NamedResource } from '../kubernetes/resources';
import { endpointOf, type ClusterEndpoint, type EksClusters } from './eks-cluster';

/** Opens the Kubernetes API of a cluster from its DescribeCluster endpoint. */
export type KubernetesOpener = (clusterName: string, endpoint: ClusterEndpoint) => Promise<KubeTransport>;

/** The production opener: the cluster's endpoint and CA, authenticated with the cluster's bearer tokens. */
export function eksBearerTokenOpener(clusterTokens: ClusterTokens): KubernetesOpener {
  return async (clusterName, endpoint) => {
    const tokens = clusterTokens(clusterName);
    return eksTransport({
      clusterName,
      endpoint: endpoint.endpoint,
      certificateAuthorityData: endpoint.certificateAuthorityData,
      token: () => tokens.token(),
    });
  };
}

/** Where the raw inputs of a live read go as they arrive: the run's S3 prefix, or a local snapshot directory. */
export interface LiveSnapshotSink extends PageSink {
  /** `eks/cluster.json`, `eks/addon-vpc-cni.json`: the DescribeCluster / DescribeAddon responses. */
  putDocument(path: string, content: unknown): Promise<void>;
  /** Ends the last List and writes `snapshot.json`. */
  finish(manifest: SnapshotManifest): Promise<void>;
}

export interface EksLiveSourceOptions {
  readonly clusterName: string;
  readonly eks: EksClusters;
  readonly openKubernetes: KubernetesOpener;
  /** Receives every raw page as it arrives (the run's S3 snapshot). */
  readonly snapshot: LiveSnapshotSink;
  readonly reader?: ReaderOptions;
  readonly now: Date;
  readonly toolVersion: string;
}

function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * The live `ClusterSource` of the service: EKS (DescribeCluster, DescribeAddon vpc-cni) and Kubernetes read page
 * by page; each page is projected by the engine and written raw (gzipped) to the run's snapshot, then dropped.
 */
export class EksLiveClusterSource implements ClusterSource {
  private objectCount = 0;

  constructor(private readonly options: EksLiveSourceOptions) {}

  get objects(): number {
    return this.objectCount;
  }

  async readInventory(): Promise<ClusterInventory> {
    const { clusterName, eks, snapshot } = this.options;
    const cluster = await eks.describeCluster(clusterName);
    const { addon, notInstalled } = await this.readAddon(clusterName);
    const transport = await this.options.openKubernetes(clusterName, endpointOf(cluster));
    const reader = new KubernetesReader(transport, this.options.reader);
    const accumulator = new InventoryAccumulator(clusterName);
    const summary = await this.read(reader, tee(accumulator, snapshot));
    this.objectCount = summary.objects;
    const eksCluster = asJson({ cluster });
    await snapshot.putDocument(SNAPSHOT_PATHS.eksCluster, eksCluster);
    const vpcCniAddon = addon === undefined ? undefined : asJson({ addon });
    if (vpcCniAddon !== undefined) await snapshot.putDocument(SNAPSHOT_PATHS.vpcCniAddon, vpcCniAddon);
    await snapshot.finish({
      clusterName,
      takenAt: this.options.now.toISOString(),
      source: reader.location,
      tool: { name: 'eks-netpol-audit', version: this.options.toolVersion },
      objects: summary.objects,
      unavailableKinds: [...summary.unavailableKinds],
      ...(notInstalled ? { vpcCniAddonNotInstalled: true } : {}),
    });
    return accumulator.finish({
      eksCluster: { source: `eks:DescribeCluster ${clusterName}`, content: eksCluster },
      ...(vpcCniAddon === undefined
        ? {}
        : { vpcCniAddon: { source: `eks:DescribeAddon ${clusterName} vpc-cni`, content: vpcCniAddon } }),
      unavailableKinds: summary.unavailableKinds,
      ...(notInstalled ? { vpcCniAddonNotInstalled: true } : {}),
    });
  }

  /**
   * The vpc-cni add-on, and whether DescribeAddon said there is none (self-managed). Without the permission the
   * add-on is unknown: the audit goes on and lists the add-on checks as not checked, instead of failing the cluster.
   */
  private async readAddon(clusterName: string): Promise<{ addon: Addon | undefined; notInstalled: boolean }> {
    try {
      const addon = await this.options.eks.describeVpcCniAddon(clusterName);
      return { addon, notInstalled: addon === undefined };
    } catch (error) {
      if (error instanceof ClusterAccessError && error.failure === 'forbidden')
        return { addon: undefined, notInstalled: false };
      throw error;
    }
  }

  private async read(reader: KubernetesReader, sink: PageSink): ReturnType<KubernetesReader['read']> {
    try {
      return await reader.read(sink);
    } catch (error) {
      if (error instanceof InputError) {
        const cause = error.message.includes('HTTP 401') ? 'forbidden' : 'unreachable';
        throw new ClusterAccessError(this.options.clusterName, cause, error.message);
      }
      throw error;
    }
  }
}

function tee(accumulator: InventoryAccumulator, snapshot: LiveSnapshotSink): PageSink {
  return {
    async page(resource: ListedResource, page: ListPage) {
      accumulator.addDocument({ source: page.source, content: page.content });
      await snapshot.page(resource, page);
    },
    async object(resource: NamedResource, source: string, object: unknown) {
      accumulator.addDocument({ source, content: object });
      await snapshot.object(resource, source, object);
    },
  };
}
