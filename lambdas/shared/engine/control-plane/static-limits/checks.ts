import type { CheckDefinition } from '../../model/finding';

export const LIMIT_PORTS_PER_CIDR: CheckDefinition = {
  id: 'CP-LIMIT-PORTS-PER-CIDR',
  layer: 'control-plane',
  severity: 'medium',
  title: 'More than 24 port/protocol combinations on one CIDR for a pod',
  compares:
    'Per selected pod and direction, the unique (protocol, port, endPort) slots per CIDR after merging all policies that select it as the agent does (agent.md §2.8), against the 24-slot limit.',
  upstreamIssue: 'aws/containers-roadmap#2481',
};

export const LIMIT_HOSTNETWORK_SELECTED: CheckDefinition = {
  id: 'CP-LIMIT-HOSTNETWORK-SELECTED',
  layer: 'control-plane',
  severity: 'medium',
  title: 'Policy selects hostNetwork pods, which are not enforced',
  compares:
    "The hostNetwork pods matched by each policy's podSelector (the controller excludes them; they have no veth to enforce on).",
  upstreamIssue: 'aws/amazon-network-policy-controller-k8s#202',
};

export const LIMIT_SHARED_POD_IDENTIFIER: CheckDefinition = {
  id: 'CP-LIMIT-SHARED-POD-IDENTIFIER',
  layer: 'control-plane',
  severity: 'high',
  title: 'Pods sharing one agent pod identifier have different policies',
  compares:
    'The policy sets of pods on one node that map to the same agent pod identifier (agent.md §2.1), which share one eBPF program pair and map set.',
  upstreamIssue: 'aws/aws-network-policy-agent#616, aws/aws-network-policy-agent#676',
};

export const LIMIT_STRICT_NO_DNS: CheckDefinition = {
  id: 'CP-LIMIT-STRICT-NO-DNS',
  layer: 'control-plane',
  severity: 'medium',
  title: 'Strict mode: selected pods have restricted egress without DNS',
  compares:
    'In strict mode, for pods whose egress is restricted by their policies, whether any egress entry allows UDP or TCP port 53 (allow-all entries included).',
};

export const LIMIT_STRICT_UNSELECTED: CheckDefinition = {
  id: 'CP-LIMIT-STRICT-UNSELECTED',
  layer: 'control-plane',
  severity: 'medium',
  title: 'Strict mode: pods not selected by any policy are denied all traffic',
  compares:
    'In strict mode, the non-hostNetwork pods of each namespace that no NetworkPolicy or ApplicationNetworkPolicy selects (default deny).',
};

export const STATIC_LIMIT_CHECKS: readonly CheckDefinition[] = [
  LIMIT_PORTS_PER_CIDR,
  LIMIT_HOSTNETWORK_SELECTED,
  LIMIT_SHARED_POD_IDENTIFIER,
  LIMIT_STRICT_NO_DNS,
  LIMIT_STRICT_UNSELECTED,
];
