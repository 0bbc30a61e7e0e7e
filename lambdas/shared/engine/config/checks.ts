import type { CheckDefinition } from '../model/finding';

function configCheck(definition: Omit<CheckDefinition, 'layer'>): CheckDefinition {
  return { ...definition, layer: 'config' };
}

export const AUTO_MODE = configCheck({
  id: 'CFG-AUTO-MODE',
  severity: 'info',
  title: 'EKS Auto Mode cluster',
  compares:
    'DescribeCluster computeConfig.enabled, which replaces the vpc-cni add-on and aws-node DaemonSet with the Auto Mode data plane.',
});

export const CNI_MISSING = configCheck({
  id: 'CFG-CNI-MISSING',
  severity: 'high',
  title: 'Amazon VPC CNI not found',
  compares:
    'Whether a vpc-cni add-on or a kube-system/aws-node DaemonSet exists on a cluster that is not in Auto Mode.',
});

export const CNI_SELF_MANAGED = configCheck({
  id: 'CFG-CNI-SELF-MANAGED',
  severity: 'info',
  title: 'Self-managed VPC CNI',
  compares: 'Whether the aws-node DaemonSet runs without a vpc-cni EKS add-on (Helm or manifest install).',
});

export const CNI_DAEMONSET_MISSING = configCheck({
  id: 'CFG-CNI-DAEMONSET-MISSING',
  severity: 'high',
  title: 'vpc-cni add-on without a live aws-node DaemonSet',
  compares: 'The vpc-cni add-on against the presence of the kube-system/aws-node DaemonSet it manages.',
});

export const CNI_VERSION = configCheck({
  id: 'CFG-CNI-VERSION',
  severity: 'critical',
  title: 'VPC CNI too old for network policy',
  compares: 'The VPC CNI version against 1.14.0, the first release with network policy support.',
});

export const CNI_VERSION_STRICT = configCheck({
  id: 'CFG-CNI-VERSION-STRICT',
  severity: 'high',
  title: 'VPC CNI too old for strict mode',
  compares:
    'The VPC CNI version against 1.17.1 when strict mode is live, intended by the add-on or desired by the user.',
});

export const CNI_VERSION_CNP = configCheck({
  id: 'CFG-CNI-VERSION-CNP',
  severity: 'high',
  title: 'VPC CNI too old for ClusterNetworkPolicy',
  compares: 'The VPC CNI version against 1.21.0 when ClusterNetworkPolicy objects exist in the cluster.',
});

export const VERSION_UNKNOWN = configCheck({
  id: 'CFG-VERSION-UNKNOWN',
  severity: 'medium',
  title: 'Version could not be judged',
  compares:
    'Whether the VPC CNI version (add-on addonVersion, aws-node image tag, VPC_CNI_VERSION) or the agent image tag parses as a semantic version.',
});

export const ADDON_STATUS = configCheck({
  id: 'CFG-ADDON-STATUS',
  severity: 'high',
  title: 'vpc-cni add-on not ACTIVE',
  compares: 'The vpc-cni add-on status against ACTIVE.',
});

export const ADDON_HEALTH = configCheck({
  id: 'CFG-ADDON-HEALTH',
  severity: 'high',
  title: 'vpc-cni add-on health issue',
  compares: 'The vpc-cni add-on health.issues list against empty (one finding per issue code).',
});

export const ADDON_VALUES_MALFORMED = configCheck({
  id: 'CFG-ADDON-VALUES-MALFORMED',
  severity: 'medium',
  title: 'vpc-cni add-on configurationValues unreadable',
  compares:
    'Whether the add-on configurationValues string parses as a JSON or YAML object with the documented value types.',
});

export const ADDON_KEY_CASE = configCheck({
  id: 'CFG-ADDON-KEY-CASE',
  severity: 'medium',
  title: 'Mis-cased vpc-cni configuration key',
  compares:
    'Each add-on configurationValues key against the case-sensitive network-policy keys (e.g. enableNetworkpolicy vs enableNetworkPolicy).',
});

export const ADDON_NP_DISABLED = configCheck({
  id: 'CFG-ADDON-NP-DISABLED',
  severity: 'high',
  title: 'Add-on does not enable network policy',
  compares: 'The add-on configurationValues enableNetworkPolicy (absent means "false") against "true".',
});

export const ADDON_DRIFT = configCheck({
  id: 'CFG-ADDON-DRIFT',
  severity: 'medium',
  title: 'Add-on configuration differs from the live DaemonSet or ConfigMap',
  compares:
    'Each network-policy setting of the add-on configurationValues (chart default when unset) against the live aws-node DaemonSet and amazon-vpc-cni ConfigMap.',
});

export const AGENT_MISSING = configCheck({
  id: 'CFG-AGENT-MISSING',
  severity: 'critical',
  title: 'Network policy agent container missing',
  compares: 'The live aws-node DaemonSet containers against the aws-eks-nodeagent container.',
});

export const AGENT_NP_DISABLED = configCheck({
  id: 'CFG-AGENT-NP-DISABLED',
  severity: 'critical',
  title: 'Network policy agent not enabled',
  compares: 'The aws-eks-nodeagent --enable-network-policy argument against true.',
  upstreamIssue: 'aws/aws-network-policy-agent#231',
});

export const MODE_WITHOUT_AGENT = configCheck({
  id: 'CFG-MODE-WITHOUT-AGENT',
  severity: 'critical',
  title: 'Enforcing mode set without the agent container',
  compares:
    'NETWORK_POLICY_ENFORCING_MODE on the aws-node container against the presence of the aws-eks-nodeagent container.',
});

export const CONFIGMAP_CONTROLLER_DISABLED = configCheck({
  id: 'CFG-CONFIGMAP-CONTROLLER-DISABLED',
  severity: 'critical',
  title: 'Network policy controller not enabled',
  compares: 'The kube-system/amazon-vpc-cni ConfigMap key enable-network-policy-controller against "true".',
});

export const MODE = configCheck({
  id: 'CFG-MODE',
  severity: 'info',
  title: 'Network policy enforcement mode',
  compares: 'Reports NETWORK_POLICY_ENFORCING_MODE of the aws-node container (standard when unset).',
});

export const MODE_MISMATCH = configCheck({
  id: 'CFG-MODE-MISMATCH',
  severity: 'high',
  title: 'Enforcement mode differs from the desired mode',
  compares: 'The live enforcement mode (or the add-on intent when the DaemonSet is unknown) against the desired mode.',
});

export const MODE_INVALID = configCheck({
  id: 'CFG-MODE-INVALID',
  severity: 'high',
  title: 'Invalid enforcement mode value',
  compares: 'NETWORK_POLICY_ENFORCING_MODE (live env and add-on env) against "standard" or "strict".',
});

export const AGENT_VERSION_SKEW = configCheck({
  id: 'CFG-AGENT-VERSION-SKEW',
  severity: 'medium',
  title: 'Network policy agent version does not match the VPC CNI',
  compares:
    'The aws-eks-nodeagent image version against the agent shipped with the VPC CNI version (CNI 1.23+ requires agent 1.4.1+).',
});

export const IPV6_MISMATCH = configCheck({
  id: 'CFG-IPV6-MISMATCH',
  severity: 'high',
  title: 'Agent IPv6 setting does not match the cluster IP family',
  compares: 'The agent --enable-ipv6 argument (or add-on nodeAgent.enableIpv6) against the cluster ipFamily.',
});

export const BANDWIDTH_PLUGIN = configCheck({
  id: 'CFG-BANDWIDTH-PLUGIN',
  severity: 'high',
  title: 'Bandwidth plugin enabled',
  compares: 'ENABLE_BANDWIDTH_PLUGIN on the aws-node container against false (it conflicts with the tc programs).',
});

export const CLOUDWATCH_WITHOUT_EVENT_LOGS = configCheck({
  id: 'CFG-CLOUDWATCH-WITHOUT-EVENT-LOGS',
  severity: 'medium',
  title: 'CloudWatch logs without policy event logs',
  compares: 'The agent --enable-cloudwatch-logs argument against --enable-policy-event-logs, which it requires.',
  upstreamIssue: 'aws/aws-network-policy-agent#141',
});

export const CONFIG_CHECKS: readonly CheckDefinition[] = [
  AUTO_MODE,
  CNI_MISSING,
  CNI_SELF_MANAGED,
  CNI_DAEMONSET_MISSING,
  CNI_VERSION,
  CNI_VERSION_STRICT,
  CNI_VERSION_CNP,
  VERSION_UNKNOWN,
  ADDON_STATUS,
  ADDON_HEALTH,
  ADDON_VALUES_MALFORMED,
  ADDON_KEY_CASE,
  ADDON_NP_DISABLED,
  ADDON_DRIFT,
  AGENT_MISSING,
  AGENT_NP_DISABLED,
  MODE_WITHOUT_AGENT,
  CONFIGMAP_CONTROLLER_DISABLED,
  MODE,
  MODE_MISMATCH,
  MODE_INVALID,
  AGENT_VERSION_SKEW,
  IPV6_MISMATCH,
  BANDWIDTH_PLUGIN,
  CLOUDWATCH_WITHOUT_EVENT_LOGS,
];
