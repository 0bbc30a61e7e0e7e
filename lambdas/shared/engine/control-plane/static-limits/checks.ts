import { defineCheck, onNode, type CheckDefinition } from '../../model/check';

const DIR = 'lambdas/shared/engine/control-plane/static-limits';

export const CP_LIMIT_PORTS_PER_CIDR = defineCheck({
  id: 'CP-LIMIT-PORTS-PER-CIDR',
  layer: 'control-plane',
  severity: 'medium',
  title: 'More than 24 port/protocol combinations on one CIDR for a pod',
  compares:
    'Per selected pod and direction, the unique (protocol, port, endPort) slots per CIDR after merging all policies that select it as the agent does (agent.md §2.8), against the 24-slot limit.',
  resource: 'namespaced',
  remediation:
    'Bring the policies that select pod {namespace}/{name} to at most 24 (protocol, port, endPort) combinations per CIDR and direction: merge ports into ranges (port with endPort) or allow all ports for that CIDR. Slots past the 24th are dropped by the agent.',
  verify: 'kubectl get networkpolicies -n {namespace} -o yaml && kubectl get policyendpoints -n {namespace} -o yaml',
  upstream: ['https://github.com/aws/containers-roadmap/issues/2481'],
  emittedBy: `${DIR}/ports-per-cidr.ts`,
});

export const CP_LIMIT_HOSTNETWORK_SELECTED = defineCheck({
  id: 'CP-LIMIT-HOSTNETWORK-SELECTED',
  layer: 'control-plane',
  severity: 'medium',
  title: 'Policy selects hostNetwork pods, which are not enforced',
  compares:
    "The hostNetwork pods matched by each policy's podSelector (the controller excludes them; they have no veth to enforce on).",
  resource: 'namespaced',
  remediation:
    'Do not rely on {kind} {namespace}/{name} for its hostNetwork pods: they are never enforced. Protect them with security groups or node-level firewalling, or narrow the podSelector so the policy states what it enforces.',
  verify:
    'kubectl get pods -n {namespace} -o custom-columns=NAME:.metadata.name,HOSTNETWORK:.spec.hostNetwork && kubectl describe {kind} {name} -n {namespace}',
  upstream: ['https://github.com/aws/amazon-network-policy-controller-k8s/issues/202'],
  emittedBy: `${DIR}/host-network.ts`,
});

export const CP_LIMIT_SHARED_POD_IDENTIFIER = defineCheck({
  id: 'CP-LIMIT-SHARED-POD-IDENTIFIER',
  layer: 'control-plane',
  severity: 'high',
  title: 'Pods sharing one agent pod identifier have different policies',
  compares:
    'The policy sets of pods on one node that map to the same agent pod identifier (agent.md §2.1), which share one eBPF program pair and map set.',
  resource: 'namespaced-on-node',
  remediation:
    'Give the pods that share the identifier of {namespace}/{name} on node {node} the same policies, or rename them (owner names that differ before the pod hash) so they get their own identifiers; otherwise one policy set is enforced for all of them.',
  verify: onNode('/opt/cni/bin/aws-eks-na-cli ebpf loaded-ebpfdata'),
  upstream: [
    'https://github.com/aws/aws-network-policy-agent/issues/616',
    'https://github.com/aws/aws-network-policy-agent/issues/676',
  ],
  emittedBy: `${DIR}/shared-identifier.ts`,
});

export const CP_LIMIT_STRICT_NO_DNS = defineCheck({
  id: 'CP-LIMIT-STRICT-NO-DNS',
  layer: 'control-plane',
  severity: 'medium',
  title: 'Strict mode: selected pods have restricted egress without DNS',
  compares:
    'In strict mode, for pods whose egress is restricted by their policies, whether any egress entry allows UDP or TCP port 53 (allow-all entries included).',
  resource: 'namespaced',
  remediation:
    'Add an egress rule that allows UDP and TCP port 53 to kube-dns (namespaceSelector kubernetes.io/metadata.name: kube-system, podSelector k8s-app: kube-dns) to a policy selecting pod {namespace}/{name}; this widens its egress by DNS only.',
  verify: 'kubectl exec -n {namespace} {name} -- nslookup kubernetes.default',
  upstream: [],
  emittedBy: `${DIR}/strict-mode.ts`,
});

export const CP_LIMIT_STRICT_UNSELECTED = defineCheck({
  id: 'CP-LIMIT-STRICT-UNSELECTED',
  layer: 'control-plane',
  severity: 'medium',
  title: 'Strict mode: pods not selected by any policy are denied all traffic',
  compares:
    'In strict mode, the non-hostNetwork pods of each namespace that no NetworkPolicy or ApplicationNetworkPolicy selects (default deny).',
  resource: 'cluster-wide',
  remediation:
    'Add NetworkPolicies to namespace {name} that allow what its pods need (DNS included), or, if they should be open, an allow-all policy; in strict mode they are denied everything until then.',
  verify: 'kubectl get networkpolicies -n {name} && kubectl get pods -n {name} -o wide',
  upstream: [],
  emittedBy: `${DIR}/strict-mode.ts`,
});

export const STATIC_LIMIT_CHECKS: readonly CheckDefinition[] = [
  CP_LIMIT_PORTS_PER_CIDR,
  CP_LIMIT_HOSTNETWORK_SELECTED,
  CP_LIMIT_SHARED_POD_IDENTIFIER,
  CP_LIMIT_STRICT_NO_DNS,
  CP_LIMIT_STRICT_UNSELECTED,
];
