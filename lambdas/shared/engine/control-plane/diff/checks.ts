import type { CheckDefinition } from '../../model/finding';

function check(
  id: string,
  severity: CheckDefinition['severity'],
  title: string,
  compares: string,
  upstreamIssue?: string,
): CheckDefinition {
  return upstreamIssue === undefined
    ? { id, layer: 'control-plane', severity, title, compares }
    : { id, layer: 'control-plane', severity, title, compares, upstreamIssue };
}

const CANONICAL = 'in the chunking-independent canonical form (controller.md §2.10)';

export const PE_MISSING = check(
  'CP-PE-MISSING',
  'high',
  'Policy has no PolicyEndpoint',
  'Whether at least one PolicyEndpoint exists (by spec.policyRef or controller owner UID) for every resolved policy.',
);
export const PE_ORPHAN = check(
  'CP-PE-ORPHAN',
  'medium',
  'Orphan PolicyEndpoint',
  'Whether the policy named by a PolicyEndpoint spec.policyRef, and the policy its controller owner UID names, still exist.',
);
export const PE_STALE_SELECTOR = check(
  'CP-PE-STALE-SELECTOR',
  'low',
  'PolicyEndpoint podSelector is stale',
  'Each PolicyEndpoint spec.podSelector against the current podSelector of its policy.',
  'aws/amazon-network-policy-controller-k8s#238, aws/aws-network-policy-agent#643',
);
export const PE_POD_MISSING = check(
  'CP-PE-POD-MISSING',
  'high',
  'Selected pod missing from PolicyEndpoints',
  `The pods the policy selects against the union of podSelectorEndpoints of all its PolicyEndpoints, ${CANONICAL}.`,
);
export const PE_POD_EXTRA = check(
  'CP-PE-POD-EXTRA',
  'medium',
  'PolicyEndpoints list a pod the policy does not select',
  `The union of podSelectorEndpoints of all the policy's PolicyEndpoints against the pods it selects, ${CANONICAL}.`,
);
export const PE_POD_STALE_IP = check(
  'CP-PE-POD-STALE-IP',
  'medium',
  'Selected pod listed with a stale podIP/hostIP',
  'For each selected pod name, the (podIP, hostIP) listed in the PolicyEndpoints against the pod now.',
);
export const PE_INGRESS_MISSING = check(
  'CP-PE-INGRESS-MISSING',
  'medium',
  'Ingress entry missing from PolicyEndpoints',
  `Expected ingress (cidr, except) groups against those of all the policy's PolicyEndpoints, ${CANONICAL}.`,
);
export const PE_INGRESS_EXTRA = check(
  'CP-PE-INGRESS-EXTRA',
  'high',
  'Unexpected ingress entry in PolicyEndpoints',
  `Ingress (cidr, except) groups of all the policy's PolicyEndpoints against the expected ones, ${CANONICAL}.`,
);
export const PE_EGRESS_MISSING = check(
  'CP-PE-EGRESS-MISSING',
  'medium',
  'Egress entry missing from PolicyEndpoints',
  `Expected egress (cidr or domainName, except) groups against those of all the policy's PolicyEndpoints, ${CANONICAL}.`,
);
export const PE_EGRESS_EXTRA = check(
  'CP-PE-EGRESS-EXTRA',
  'high',
  'Unexpected egress entry in PolicyEndpoints',
  `Egress (cidr or domainName, except) groups of all the policy's PolicyEndpoints against the expected ones, ${CANONICAL}.`,
);
export const PE_PORTS_NARROWER = check(
  'CP-PE-PORTS-NARROWER',
  'medium',
  'PolicyEndpoints allow fewer ports than the policy',
  'For one (direction, cidr, except) group, the expected port set (or all ports) against the ports in the PolicyEndpoints.',
);
export const PE_PORTS_WIDER = check(
  'CP-PE-PORTS-WIDER',
  'high',
  'PolicyEndpoints allow more ports than the policy',
  'For one (direction, cidr, except) group, the ports in the PolicyEndpoints against the expected port set (or all ports).',
);
export const PE_ISOLATION_MISMATCH = check(
  'CP-PE-ISOLATION-MISMATCH',
  'high',
  'PolicyEndpoint podIsolation differs from policyTypes',
  'Each PolicyEndpoint spec.podIsolation, as a set, against the policyTypes of its policy.',
);
export const ENTRY_KEY_COLLISION = check(
  'CP-PE-ENTRY-KEY-COLLISION',
  'medium',
  'Entry lost to the controller v1.1.7 entry-key collision',
  'For each expected entry missing from the PolicyEndpoints, whether another expected entry of the policy has the same getEndpointInfoKey text (CIDR, excepts, protocol/port/endPort without separators) and was kept instead.',
  'aws/amazon-network-policy-controller-k8s PR #260, PR #261, PR #263',
);

export const CPE_MISSING = check(
  'CP-CPE-MISSING',
  'high',
  'ClusterNetworkPolicy has no ClusterPolicyEndpoint',
  'Whether at least one ClusterPolicyEndpoint exists (by spec.policyRef.name or controller owner UID) for every resolved ClusterNetworkPolicy.',
);
export const CPE_ORPHAN = check(
  'CP-CPE-ORPHAN',
  'medium',
  'Orphan ClusterPolicyEndpoint',
  'Whether the ClusterNetworkPolicy named by a ClusterPolicyEndpoint policyRef or controller owner UID still exists.',
);
export const CPE_TIER_PRIORITY_MISMATCH = check(
  'CP-CPE-TIER-PRIORITY-MISMATCH',
  'high',
  'ClusterPolicyEndpoint tier or priority differs from the policy',
  'Each ClusterPolicyEndpoint spec.tier and spec.priority against its ClusterNetworkPolicy.',
);
export const CPE_POD_MISSING = check(
  'CP-CPE-POD-MISSING',
  'high',
  'Subject pod missing from ClusterPolicyEndpoints',
  `The subject pods against the union of podSelectorEndpoints of all the policy's ClusterPolicyEndpoints, ${CANONICAL}.`,
);
export const CPE_POD_EXTRA = check(
  'CP-CPE-POD-EXTRA',
  'medium',
  'ClusterPolicyEndpoints list a pod outside the subject',
  `The union of podSelectorEndpoints of all the policy's ClusterPolicyEndpoints against the subject pods, ${CANONICAL}.`,
);
export const CPE_POD_STALE_IP = check(
  'CP-CPE-POD-STALE-IP',
  'medium',
  'Subject pod listed with a stale podIP/hostIP',
  'For each subject pod name, the (podIP, hostIP) listed in the ClusterPolicyEndpoints against the pod now.',
);
export const CPE_INGRESS_MISSING = check(
  'CP-CPE-INGRESS-MISSING',
  'medium',
  'Ingress entry missing from ClusterPolicyEndpoints',
  `Expected ingress (cidr, action) groups against those of all the policy's ClusterPolicyEndpoints, ${CANONICAL}.`,
);
export const CPE_INGRESS_EXTRA = check(
  'CP-CPE-INGRESS-EXTRA',
  'high',
  'Unexpected ingress entry in ClusterPolicyEndpoints',
  `Ingress (cidr, action) groups of all the policy's ClusterPolicyEndpoints against the expected ones, ${CANONICAL}.`,
);
export const CPE_EGRESS_MISSING = check(
  'CP-CPE-EGRESS-MISSING',
  'medium',
  'Egress entry missing from ClusterPolicyEndpoints',
  `Expected egress (cidr or domainName, action) groups against those of all the policy's ClusterPolicyEndpoints, ${CANONICAL}.`,
);
export const CPE_EGRESS_EXTRA = check(
  'CP-CPE-EGRESS-EXTRA',
  'high',
  'Unexpected egress entry in ClusterPolicyEndpoints',
  `Egress (cidr or domainName, action) groups of all the policy's ClusterPolicyEndpoints against the expected ones, ${CANONICAL}.`,
);
export const CPE_PORTS_NARROWER = check(
  'CP-CPE-PORTS-NARROWER',
  'medium',
  'ClusterPolicyEndpoints allow fewer ports than the policy',
  'For one (direction, cidr or domainName, action) group, the expected port set (or all ports) against the ClusterPolicyEndpoints.',
);
export const CPE_PORTS_WIDER = check(
  'CP-CPE-PORTS-WIDER',
  'high',
  'ClusterPolicyEndpoints allow more ports than the policy',
  'For one (direction, cidr or domainName, action) group, the ports in the ClusterPolicyEndpoints against the expected port set.',
);

export const DIFF_CHECKS: readonly CheckDefinition[] = [
  PE_MISSING,
  PE_ORPHAN,
  PE_STALE_SELECTOR,
  PE_POD_MISSING,
  PE_POD_EXTRA,
  PE_POD_STALE_IP,
  PE_INGRESS_MISSING,
  PE_INGRESS_EXTRA,
  PE_EGRESS_MISSING,
  PE_EGRESS_EXTRA,
  PE_PORTS_NARROWER,
  PE_PORTS_WIDER,
  PE_ISOLATION_MISMATCH,
  ENTRY_KEY_COLLISION,
  CPE_MISSING,
  CPE_ORPHAN,
  CPE_TIER_PRIORITY_MISMATCH,
  CPE_POD_MISSING,
  CPE_POD_EXTRA,
  CPE_POD_STALE_IP,
  CPE_INGRESS_MISSING,
  CPE_INGRESS_EXTRA,
  CPE_EGRESS_MISSING,
  CPE_EGRESS_EXTRA,
  CPE_PORTS_NARROWER,
  CPE_PORTS_WIDER,
];
