import type { Result } from '../errors';
import type { EksAddon } from '../model/aws';
import type { EnforcementMode } from '../model/assessment';
import type { ClusterInventory, UnavailableKind } from '../model/cluster';
import type { ResourceRef } from '../model/finding';
import { parseConfigurationValues, type AddonIntent } from './addon-values';
import { readAwsNode, envValue, type LiveAwsNode } from './aws-node';
import { imageTag, parseVersion } from '../facts/version';

export const CONTROLLER_KEY = 'enable-network-policy-controller';

export type ConfigMapState =
  | { readonly state: 'unavailable' }
  | { readonly state: 'missing' }
  | { readonly state: 'present'; readonly value: string | undefined; readonly misCasedKey: string | undefined };

/** Where a version came from and whether it parsed. */
export interface VersionReading {
  readonly version: string | undefined;
  readonly source: string | undefined;
  /** Every raw value that was looked at, for the "could not be judged" finding. */
  readonly raw: readonly string[];
}

/** Everything the configuration checks read, derived once from the inventory. */
export interface ConfigContext {
  readonly inventory: ClusterInventory;
  readonly desiredMode: EnforcementMode | undefined;
  /** Known to be an EKS Auto Mode cluster (false also when unknown: see `autoModeKnown`). */
  readonly autoMode: boolean;
  /** The EKS cluster description was read, so `autoMode` is known. */
  readonly autoModeKnown: boolean;
  readonly addon: EksAddon | undefined;
  /** No vpc-cni add-on in the input and nothing says EKS was asked: self-managed or not, it is unknown. */
  readonly addonUnknown: boolean;
  readonly addonIntent: Result<AddonIntent, string> | undefined;
  readonly live: LiveAwsNode | undefined;
  readonly daemonSetUnavailable: boolean;
  /** How a kind that was not read is named in "not checked" reasons ("could not be read", "is not in the input"). */
  readonly unreadable: { readonly daemonSet: string; readonly configMap: string };
  readonly configMap: ConfigMapState;
  readonly cniVersion: VersionReading;
  readonly agentVersion: VersionReading;
  /** Any NetworkPolicy, ClusterNetworkPolicy or ApplicationNetworkPolicy exists (something to enforce). */
  readonly hasPolicies: boolean;
  readonly refs: {
    readonly cluster: ResourceRef;
    readonly addon: ResourceRef;
    readonly daemonSet: ResourceRef;
    readonly configMap: ResourceRef;
  };
}

function unavailableEntry(inventory: ClusterInventory, kind: string): UnavailableKind | undefined {
  const wanted = kind.toLowerCase();
  return inventory.unavailableKinds.find((u) => {
    const name = u.kind.toLowerCase();
    return name === wanted || name === `${wanted}s`;
  });
}

function kindUnavailable(inventory: ClusterInventory, kind: string): boolean {
  return unavailableEntry(inventory, kind) !== undefined;
}

function unreadableText(inventory: ClusterInventory, kind: string, object: string): string {
  return unavailableEntry(inventory, kind)?.cause === 'not-collected'
    ? `The ${object} is not in the input (not collected)`
    : `The ${object} could not be read`;
}

function readConfigMap(inventory: ClusterInventory): ConfigMapState {
  const configMap = inventory.vpcCniConfigMap;
  if (configMap === undefined)
    return kindUnavailable(inventory, 'ConfigMap') ? { state: 'unavailable' } : { state: 'missing' };
  const data = configMap.data ?? {};
  const misCasedKey = Object.keys(data).find((k) => k !== CONTROLLER_KEY && k.toLowerCase() === CONTROLLER_KEY);
  return { state: 'present', value: data[CONTROLLER_KEY], misCasedKey };
}

function firstVersion(candidates: readonly { source: string; raw: string | undefined }[]): VersionReading {
  const seen = candidates.filter((c): c is { source: string; raw: string } => c.raw !== undefined);
  for (const candidate of seen) {
    const version = parseVersion(candidate.raw);
    if (version !== undefined) return { version, source: candidate.source, raw: seen.map((c) => c.raw) };
  }
  return { version: undefined, source: undefined, raw: seen.map((c) => c.raw) };
}

/**
 * CNI version precedence: add-on `addonVersion`, then the aws-node image tag, then `VPC_CNI_VERSION`
 * (the first that parses). The agent version comes only from the aws-eks-nodeagent image tag.
 */
function readVersions(
  addon: EksAddon | undefined,
  live: LiveAwsNode | undefined,
): { cni: VersionReading; agent: VersionReading } {
  const cni = firstVersion([
    { source: 'add-on addonVersion', raw: addon?.addonVersion },
    { source: 'aws-node image tag', raw: imageTag(live?.cniContainer?.image) },
    { source: 'aws-node VPC_CNI_VERSION', raw: envValue(live?.cniContainer, 'VPC_CNI_VERSION') },
  ]);
  const agentImage = live?.agentContainer?.image;
  const agent = firstVersion([{ source: 'aws-eks-nodeagent image tag', raw: imageTag(agentImage) ?? agentImage }]);
  return { cni, agent };
}

export function buildContext(inventory: ClusterInventory, desiredMode: EnforcementMode | undefined): ConfigContext {
  const addon = inventory.vpcCniAddon;
  const live = inventory.awsNodeDaemonSet === undefined ? undefined : readAwsNode(inventory.awsNodeDaemonSet);
  const versions = readVersions(addon, live);
  const daemonSetMeta = inventory.awsNodeDaemonSet?.metadata;
  const configMapMeta = inventory.vpcCniConfigMap?.metadata;
  return {
    inventory,
    desiredMode,
    autoMode: inventory.eksCluster?.computeConfig?.enabled === true,
    autoModeKnown: inventory.eksCluster !== undefined,
    addon,
    addonUnknown: addon === undefined && inventory.vpcCniAddonNotInstalled !== true,
    addonIntent: addon === undefined ? undefined : parseConfigurationValues(addon.configurationValues),
    live,
    daemonSetUnavailable: live === undefined && kindUnavailable(inventory, 'DaemonSet'),
    unreadable: {
      daemonSet: unreadableText(inventory, 'DaemonSet', 'aws-node DaemonSet'),
      configMap: unreadableText(inventory, 'ConfigMap', 'amazon-vpc-cni ConfigMap'),
    },
    configMap: readConfigMap(inventory),
    cniVersion: versions.cni,
    agentVersion: versions.agent,
    hasPolicies:
      inventory.networkPolicies.length +
        inventory.clusterNetworkPolicies.length +
        inventory.applicationNetworkPolicies.length >
      0,
    refs: {
      cluster: { kind: 'EksCluster', name: inventory.eksCluster?.name ?? inventory.clusterName },
      addon: { kind: 'EksAddon', name: addon?.addonName ?? 'vpc-cni' },
      daemonSet: {
        kind: 'DaemonSet',
        namespace: daemonSetMeta?.namespace ?? 'kube-system',
        name: daemonSetMeta?.name ?? 'aws-node',
      },
      configMap: {
        kind: 'ConfigMap',
        namespace: configMapMeta?.namespace ?? 'kube-system',
        name: configMapMeta?.name ?? 'amazon-vpc-cni',
      },
    },
  };
}
