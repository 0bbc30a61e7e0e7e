import { assessConfiguration, type ConfigOptions } from '#engine/config/assess-configuration';
import type { ConfigAssessment } from '#engine/model/assessment';
import { EksAddon, EksCluster } from '#engine/model/aws';
import { emptyInventory, type ClusterInventory } from '#engine/model/cluster';
import type { Finding } from '#engine/model/finding';
import {
  ClusterNetworkPolicy,
  ConfigMap,
  DaemonSet,
  NetworkPolicy,
  Pod,
  PolicyEndpoint,
} from '#engine/model/kubernetes';

const REGISTRY = '602401143452.dkr.ecr.us-west-2.amazonaws.com';

export const DEFAULT_AGENT_ARGS: readonly string[] = [
  '--enable-ipv6=false',
  '--enable-network-policy=true',
  '--enable-cloudwatch-logs=false',
  '--enable-policy-event-logs=false',
  '--log-file=/var/log/aws-routed-eni/network-policy-agent.log',
  '--metrics-bind-addr=:8162',
  '--health-probe-bind-addr=:8163',
  '--conntrack-cache-cleanup-period=300',
];

export interface AgentOptions {
  readonly tag?: string;
  readonly image?: string;
  readonly args?: readonly string[];
}

export interface AwsNodeOptions {
  /** Image tag of the aws-node container; `null` = image without a tag. */
  readonly cniTag?: string | null;
  /** Env of the aws-node container; default sets NETWORK_POLICY_ENFORCING_MODE=standard like the manifest. */
  readonly cniEnv?: Readonly<Record<string, string>>;
  /** `null` removes the aws-eks-nodeagent container. */
  readonly agent?: AgentOptions | null;
}

export function awsNodeDaemonSet(options: AwsNodeOptions = {}): DaemonSet {
  const cniTag = options.cniTag === undefined ? 'v1.19.6-eksbuild.1' : options.cniTag;
  const env = options.cniEnv ?? { NETWORK_POLICY_ENFORCING_MODE: 'standard' };
  const containers: unknown[] = [
    {
      name: 'aws-node',
      image: `${REGISTRY}/amazon-k8s-cni${cniTag === null ? '' : `:${cniTag}`}`,
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
    },
  ];
  if (options.agent !== null) {
    const agent = options.agent ?? {};
    containers.push({
      name: 'aws-eks-nodeagent',
      image: agent.image ?? `${REGISTRY}/amazon/aws-network-policy-agent:${agent.tag ?? 'v1.2.2-eksbuild.1'}`,
      args: agent.args ?? DEFAULT_AGENT_ARGS,
    });
  }
  return DaemonSet.parse({
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system', labels: { 'k8s-app': 'aws-node' } },
    spec: {
      template: {
        spec: {
          initContainers: [{ name: 'aws-vpc-cni-init', image: `${REGISTRY}/amazon-k8s-cni-init:v1.19.6` }],
          containers,
        },
      },
    },
  });
}

export function vpcCniConfigMap(
  data: Readonly<Record<string, string>> | null = { 'enable-network-policy-controller': 'true' },
): ConfigMap {
  return ConfigMap.parse({
    kind: 'ConfigMap',
    metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
    data,
  });
}

export interface AddonOptions {
  readonly version?: string;
  readonly status?: string;
  readonly configurationValues?: string | null;
  readonly issues?: readonly { code?: string; message?: string; resourceIds?: string[] }[];
}

export function vpcCniAddon(options: AddonOptions = {}): EksAddon {
  return EksAddon.parse({
    addonName: 'vpc-cni',
    clusterName: 'test',
    status: options.status ?? 'ACTIVE',
    addonVersion: options.version ?? 'v1.19.6-eksbuild.1',
    health: { issues: options.issues ?? [] },
    configurationValues:
      options.configurationValues === undefined ? '{"enableNetworkPolicy":"true"}' : options.configurationValues,
  });
}

export function eksCluster(options: { ipFamily?: 'ipv4' | 'ipv6'; autoMode?: boolean } = {}): EksCluster {
  return EksCluster.parse({
    name: 'test',
    version: '1.33',
    kubernetesNetworkConfig: options.ipFamily === undefined ? {} : { ipFamily: options.ipFamily },
    computeConfig: options.autoMode === undefined ? null : { enabled: options.autoMode },
  });
}

export function networkPolicy(name = 'default-deny', namespace = 'app'): NetworkPolicy {
  return NetworkPolicy.parse({
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  });
}

export function clusterNetworkPolicy(name = 'deny-metadata'): ClusterNetworkPolicy {
  return ClusterNetworkPolicy.parse({
    kind: 'ClusterNetworkPolicy',
    metadata: { name },
    spec: {
      tier: 'Admin',
      priority: 10,
      subject: { namespaces: {} },
      egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }],
    },
  });
}

export interface PodOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly node?: string;
  readonly podIP?: string;
  readonly hostNetwork?: boolean;
}

export function pod(options: PodOptions): Pod {
  return Pod.parse({
    kind: 'Pod',
    metadata: { name: options.name, namespace: options.namespace ?? 'app' },
    spec: { nodeName: options.node ?? 'ip-10-0-1-23.ec2.internal', hostNetwork: options.hostNetwork, containers: [] },
    status: { phase: 'Running', podIP: options.podIP ?? '10.0.1.50', hostIP: '10.0.1.23' },
  });
}

export interface PolicyEndpointOptions {
  readonly policy?: string;
  readonly namespace?: string;
  /** The pods listed in podSelectorEndpoints. */
  readonly pods?: readonly Pod[];
  readonly ingress?: readonly unknown[];
  readonly egress?: readonly unknown[];
}

/** A PolicyEndpoint of `policy` (default `default-deny` in `app`), as the controller writes it. */
export function policyEndpoint(options: PolicyEndpointOptions = {}): PolicyEndpoint {
  const policy = options.policy ?? 'default-deny';
  const namespace = options.namespace ?? 'app';
  return PolicyEndpoint.parse({
    kind: 'PolicyEndpoint',
    metadata: { name: `${policy}-x7k2p`, namespace },
    spec: {
      policyRef: { name: policy, namespace },
      podIsolation: ['Ingress'],
      podSelectorEndpoints: (options.pods ?? []).map((p) => ({
        name: p.metadata.name,
        namespace: p.metadata.namespace,
        podIP: p.status.podIP,
        hostIP: p.status.hostIP,
      })),
      ingress: options.ingress ?? [],
      egress: options.egress ?? [],
    },
  });
}

type Parts = { -readonly [K in keyof ClusterInventory]?: ClusterInventory[K] };

/** A managed vpc-cni 1.19.6 cluster with network policy fully enabled, standard mode, one NetworkPolicy. */
export function healthyInventory(parts: Parts = {}): ClusterInventory {
  return {
    ...emptyInventory('test'),
    eksCluster: eksCluster({ ipFamily: 'ipv4', autoMode: false }),
    vpcCniAddon: vpcCniAddon(),
    awsNodeDaemonSet: awsNodeDaemonSet(),
    vpcCniConfigMap: vpcCniConfigMap(),
    networkPolicies: [networkPolicy()],
    ...parts,
  };
}

/** Removes optional inventory parts (add-on, DaemonSet, ConfigMap, cluster). */
export function without(
  inventory: ClusterInventory,
  ...keys: ('vpcCniAddon' | 'awsNodeDaemonSet' | 'vpcCniConfigMap' | 'eksCluster')[]
): ClusterInventory {
  const kept = Object.entries(inventory).filter(([key]) => !(keys as string[]).includes(key));
  // Without the add-on means a cluster that has none (DescribeAddon found none), not an add-on that was not read.
  const addonAbsent = keys.includes('vpcCniAddon') ? { vpcCniAddonNotInstalled: true } : {};
  return { ...emptyInventory(inventory.clusterName), ...(Object.fromEntries(kept) as Parts), ...addonAbsent };
}

export function assess(inventory: ClusterInventory, options: ConfigOptions = {}): ConfigAssessment {
  return assessConfiguration(inventory, options);
}

export function checkIds(assessment: ConfigAssessment): string[] {
  return assessment.findings.map((f) => f.checkId);
}

export function findingsOf(assessment: ConfigAssessment, checkId: string): Finding[] {
  return assessment.findings.filter((f) => f.checkId === checkId);
}

export function onlyFinding(assessment: ConfigAssessment, checkId: string): Finding {
  const found = findingsOf(assessment, checkId);
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one ${checkId} finding, got ${found.length}: ${JSON.stringify(checkIds(assessment))}`,
    );
  }
  const [finding] = found;
  if (finding === undefined) throw new Error('unreachable');
  return finding;
}

export function skippedScopes(assessment: ConfigAssessment): string[] {
  return assessment.notChecked.map((n) => n.scope);
}
