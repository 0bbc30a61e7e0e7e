/**
 * Keys of the vpc-cni add-on configuration values. The EKS add-on schema is derived from the Helm chart values
 * (aws.md §A1.3), so these are the keys of `charts/aws-vpc-cni/values.yaml` at amazon-vpc-cni-k8s `b5218838`: a
 * superset of what one add-on version accepts (confirm per version with DescribeAddonConfiguration, §A1.2).
 */
export const ADDON_TOP_LEVEL_KEYS: readonly string[] = [
  'nameOverride',
  'init',
  'nodeAgent',
  'image',
  'env',
  'extraEnv',
  'originalMatchLabels',
  'enableNetworkPolicy',
  'enableWindowsIpam',
  'enableWindowsPrefixDelegation',
  'warmWindowsPrefixTarget',
  'warmWindowsIPTarget',
  'minimumWindowsIPTarget',
  'branchENICooldown',
  'cniConfig',
  'imagePullSecrets',
  'fullnameOverride',
  'priorityClassName',
  'podSecurityContext',
  'podAnnotations',
  'podLabels',
  'securityContext',
  'serviceAccount',
  'livenessProbe',
  'livenessProbeTimeoutSeconds',
  'readinessProbe',
  'readinessProbeTimeoutSeconds',
  'resources',
  'updateStrategy',
  'nodeSelector',
  'tolerations',
  'affinity',
  'eniConfig',
  'podMonitor',
];

/** Keys under `nodeAgent` (same source); each renders to an `aws-eks-nodeagent` argument or container field. */
export const ADDON_NODE_AGENT_KEYS: readonly string[] = [
  'enabled',
  'image',
  'securityContext',
  'enableCloudWatchLogs',
  'enablePolicyEventLogs',
  'networkPolicyAgentLogFileLocation',
  'enableIpv6',
  'metricsBindAddr',
  'healthProbeBindAddr',
  'conntrackCacheCleanupPeriod',
  'conntrackCacheTableSize',
  'logLevel',
  'resources',
];
