import { defineCheck, type CheckDefinition, type CheckSpec } from '../../model/check';

const CANONICAL = 'in the chunking-independent canonical form (controller.md §2.10)';

const DIFF_PE = 'lambdas/shared/engine/control-plane/diff/diff-policy-endpoints.ts';
const DIFF_CPE = 'lambdas/shared/engine/control-plane/diff/diff-cluster-policy-endpoints.ts';

const LIST_PE =
  'kubectl get policyendpoints -n {namespace} -o custom-columns=NAME:.metadata.name,POLICY:.spec.policyRef.name && kubectl describe {kind} {name} -n {namespace}';
const LIST_CPE =
  'kubectl get clusterpolicyendpoints -o custom-columns=NAME:.metadata.name,POLICY:.spec.policyRef.name,TIER:.spec.tier,PRIORITY:.spec.priority && kubectl describe clusternetworkpolicy {name}';

/** The controller owns PolicyEndpoints: the fix for content drift is a fresh reconcile of the policy. */
const RECONCILE_PE =
  'The network policy controller writes the PolicyEndpoints of {kind} {namespace}/{name}: make it reconcile again by re-applying the policy (kubectl apply -f <policy file>). ' +
  'If the drift stays, delete the drifted PolicyEndpoints of the policy so the controller re-creates them; until it does, the pods they list are not enforced, which changes enforcement for a moment.';
const RECONCILE_CPE =
  'The network policy controller writes the ClusterPolicyEndpoints of ClusterNetworkPolicy {name}: re-apply the policy (kubectl apply -f <policy file>). ' +
  'If the drift stays, delete its ClusterPolicyEndpoints so the controller re-creates them; until it does, the pods they list are not enforced by it.';

/** The fields a family of endpoint checks shares unless a check says otherwise. */
type Defaulted = 'layer' | 'resource' | 'remediation' | 'verify' | 'emittedBy' | 'upstream';
type EndpointCheckSpec<P extends string> = Omit<CheckSpec<P>, Defaulted> & Partial<Pick<CheckSpec<P>, Defaulted>>;

function family(
  defaults: Pick<CheckSpec, Defaulted>,
): <const P extends string = never>(spec: EndpointCheckSpec<P>) => CheckDefinition<P> {
  return <const P extends string = never>(spec: EndpointCheckSpec<P>) => defineCheck<P>({ ...defaults, ...spec });
}

const policyEndpointCheck = family({
  layer: 'control-plane',
  resource: 'namespaced',
  remediation: RECONCILE_PE,
  verify: LIST_PE,
  emittedBy: DIFF_PE,
  upstream: [],
});

const clusterPolicyEndpointCheck = family({
  layer: 'control-plane',
  resource: 'cluster-wide',
  remediation: RECONCILE_CPE,
  verify: LIST_CPE,
  emittedBy: DIFF_CPE,
  upstream: [],
});

export const CP_PE_MISSING = policyEndpointCheck({
  id: 'CP-PE-MISSING',
  severity: 'high',
  title: 'Policy has no PolicyEndpoint',
  compares:
    'Whether at least one PolicyEndpoint exists (by spec.policyRef or controller owner UID) for every resolved policy.',
  remediation:
    'Check that the network policy controller runs and is enabled (kube-system/amazon-vpc-cni enable-network-policy-controller "true"), then re-apply {kind} {namespace}/{name} so it publishes the PolicyEndpoints. ' +
    'Once they exist the policy is enforced, which changes enforcement for the pods it selects.',
});
export const CP_PE_ORPHAN = policyEndpointCheck({
  id: 'CP-PE-ORPHAN',
  severity: 'medium',
  title: 'Orphan PolicyEndpoint',
  compares:
    'Whether the policy named by a PolicyEndpoint spec.policyRef, and the policy its controller owner UID names, still exist.',
  placeholders: ['policyEndpoint'],
  remediation:
    'Delete the orphan: kubectl delete policyendpoint {policyEndpoint} -n {namespace}. This changes enforcement: the agent stops enforcing its rules for the pods it lists.',
  verify: 'kubectl get policyendpoint {policyEndpoint} -n {namespace} -o yaml',
});
export const CP_PE_POLICY_UNREADABLE = policyEndpointCheck({
  id: 'CP-PE-POLICY-UNREADABLE',
  severity: 'info',
  title: 'PolicyEndpoint of a policy that could not be read',
  compares:
    'Whether the policy a PolicyEndpoint refers to was skipped as malformed (INPUT-MALFORMED-OBJECT): then the PolicyEndpoint is not compared, and not reported as an orphan.',
  placeholders: ['policyEndpoint'],
  remediation:
    'Fix or re-collect {kind} {namespace}/{name} (see its INPUT-MALFORMED-OBJECT finding) and audit again: its PolicyEndpoint {policyEndpoint} is compared once the policy can be read. Do not delete the PolicyEndpoint: the agent enforces it.',
  verify:
    'kubectl get {kind} {name} -n {namespace} -o yaml && kubectl get policyendpoint {policyEndpoint} -n {namespace} -o yaml',
});
export const CP_PE_STALE_SELECTOR = policyEndpointCheck({
  id: 'CP-PE-STALE-SELECTOR',
  severity: 'low',
  title: 'PolicyEndpoint podSelector is stale',
  compares: 'Each PolicyEndpoint spec.podSelector against the current podSelector of its policy.',
  docs: 'see [limits.md](limits.md): the controller never refreshes the podSelector of an existing PolicyEndpoint',
  upstream: [
    'https://github.com/aws/amazon-network-policy-controller-k8s/issues/238',
    'https://github.com/aws/aws-network-policy-agent/issues/643',
  ],
});
export const CP_PE_POD_MISSING = policyEndpointCheck({
  id: 'CP-PE-POD-MISSING',
  severity: 'high',
  title: 'Selected pod missing from PolicyEndpoints',
  compares: `The pods the policy selects against the union of podSelectorEndpoints of all its PolicyEndpoints, ${CANONICAL}.`,
});
export const CP_PE_POD_EXTRA = policyEndpointCheck({
  id: 'CP-PE-POD-EXTRA',
  severity: 'medium',
  title: 'PolicyEndpoints list a pod the policy does not select',
  compares: `The union of podSelectorEndpoints of all the policy's PolicyEndpoints against the pods it selects, ${CANONICAL}.`,
});
export const CP_PE_POD_STALE_IP = policyEndpointCheck({
  id: 'CP-PE-POD-STALE-IP',
  severity: 'medium',
  title: 'Selected pod listed with a stale podIP/hostIP',
  compares: 'For each selected pod name, the (podIP, hostIP) listed in the PolicyEndpoints against the pod now.',
});
export const CP_PE_INGRESS_MISSING = policyEndpointCheck({
  id: 'CP-PE-INGRESS-MISSING',
  severity: 'medium',
  title: 'Ingress entry missing from PolicyEndpoints',
  compares: `Expected ingress (cidr, except) groups against those of all the policy's PolicyEndpoints, ${CANONICAL}.`,
});
export const CP_PE_INGRESS_EXTRA = policyEndpointCheck({
  id: 'CP-PE-INGRESS-EXTRA',
  severity: 'high',
  title: 'Unexpected ingress entry in PolicyEndpoints',
  compares: `Ingress (cidr, except) groups of all the policy's PolicyEndpoints against the expected ones, ${CANONICAL}.`,
});
export const CP_PE_EGRESS_MISSING = policyEndpointCheck({
  id: 'CP-PE-EGRESS-MISSING',
  severity: 'medium',
  title: 'Egress entry missing from PolicyEndpoints',
  compares: `Expected egress (cidr or domainName, except) groups against those of all the policy's PolicyEndpoints, ${CANONICAL}.`,
});
export const CP_PE_EGRESS_EXTRA = policyEndpointCheck({
  id: 'CP-PE-EGRESS-EXTRA',
  severity: 'high',
  title: 'Unexpected egress entry in PolicyEndpoints',
  compares: `Egress (cidr or domainName, except) groups of all the policy's PolicyEndpoints against the expected ones, ${CANONICAL}.`,
});
export const CP_PE_PORTS_NARROWER = policyEndpointCheck({
  id: 'CP-PE-PORTS-NARROWER',
  severity: 'medium',
  title: 'PolicyEndpoints allow fewer ports than the policy',
  compares:
    'For one (direction, cidr, except) group, the expected port set (or all ports) against the ports in the PolicyEndpoints.',
});
export const CP_PE_PORTS_WIDER = policyEndpointCheck({
  id: 'CP-PE-PORTS-WIDER',
  severity: 'high',
  title: 'PolicyEndpoints allow more ports than the policy',
  compares:
    'For one (direction, cidr, except) group, the ports in the PolicyEndpoints against the expected port set (or all ports).',
});
export const CP_PE_ISOLATION_MISMATCH = policyEndpointCheck({
  id: 'CP-PE-ISOLATION-MISMATCH',
  severity: 'high',
  title: 'PolicyEndpoint podIsolation differs from policyTypes',
  compares: 'Each PolicyEndpoint spec.podIsolation, as a set, against the policyTypes of its policy.',
});
export const CP_PE_ENTRY_KEY_COLLISION = policyEndpointCheck({
  id: 'CP-PE-ENTRY-KEY-COLLISION',
  severity: 'medium',
  title: 'Entry lost to the controller v1.1.7 entry-key collision',
  compares:
    'For each expected entry missing from the PolicyEndpoints, whether another expected entry of the policy has the same getEndpointInfoKey text (CIDR, excepts, protocol/port/endPort without separators) and was kept instead.',
  remediation:
    'A reconcile does not help: the controller drops the entry every time. Upgrade the network policy controller past the fix, or split {kind} {namespace}/{name} so the two entries no longer produce the same key (for example other ports in separate rules).',
  emittedBy: 'lambdas/shared/engine/control-plane/diff/key-collisions.ts',
  upstream: [
    'https://github.com/aws/amazon-network-policy-controller-k8s/pull/260',
    'https://github.com/aws/amazon-network-policy-controller-k8s/pull/261',
    'https://github.com/aws/amazon-network-policy-controller-k8s/pull/263',
  ],
});

export const CP_CPE_MISSING = clusterPolicyEndpointCheck({
  id: 'CP-CPE-MISSING',
  severity: 'high',
  title: 'ClusterNetworkPolicy has no ClusterPolicyEndpoint',
  compares:
    'Whether at least one ClusterPolicyEndpoint exists (by spec.policyRef.name or controller owner UID) for every resolved ClusterNetworkPolicy.',
  remediation:
    'Check that the network policy controller runs with ClusterNetworkPolicy support (VPC CNI 1.21+), then re-apply ClusterNetworkPolicy {name}. Once its ClusterPolicyEndpoints exist it is enforced, which changes enforcement for its subject pods.',
});
export const CP_CPE_ORPHAN = clusterPolicyEndpointCheck({
  id: 'CP-CPE-ORPHAN',
  severity: 'medium',
  title: 'Orphan ClusterPolicyEndpoint',
  compares:
    'Whether the ClusterNetworkPolicy named by a ClusterPolicyEndpoint policyRef or controller owner UID still exists.',
  placeholders: ['clusterPolicyEndpoint'],
  remediation:
    'Delete the orphan: kubectl delete clusterpolicyendpoint {clusterPolicyEndpoint}. This changes enforcement: the agent stops enforcing its rules for the pods it lists.',
  verify: 'kubectl get clusterpolicyendpoint {clusterPolicyEndpoint} -o yaml',
});
export const CP_CPE_POLICY_UNREADABLE = clusterPolicyEndpointCheck({
  id: 'CP-CPE-POLICY-UNREADABLE',
  severity: 'info',
  title: 'ClusterPolicyEndpoint of a ClusterNetworkPolicy that could not be read',
  compares:
    'Whether the ClusterNetworkPolicy a ClusterPolicyEndpoint refers to was skipped as malformed (INPUT-MALFORMED-OBJECT): then the ClusterPolicyEndpoint is not compared, and not reported as an orphan.',
  placeholders: ['clusterPolicyEndpoint'],
  remediation:
    'Fix or re-collect ClusterNetworkPolicy {name} (see its INPUT-MALFORMED-OBJECT finding) and audit again: its ClusterPolicyEndpoint {clusterPolicyEndpoint} is compared once the policy can be read. Do not delete the ClusterPolicyEndpoint: the agent enforces it.',
  verify:
    'kubectl get clusternetworkpolicy {name} -o yaml && kubectl get clusterpolicyendpoint {clusterPolicyEndpoint} -o yaml',
});
export const CP_CPE_TIER_PRIORITY_MISMATCH = clusterPolicyEndpointCheck({
  id: 'CP-CPE-TIER-PRIORITY-MISMATCH',
  severity: 'high',
  title: 'ClusterPolicyEndpoint tier or priority differs from the policy',
  compares: 'Each ClusterPolicyEndpoint spec.tier and spec.priority against its ClusterNetworkPolicy.',
});
export const CP_CPE_POD_MISSING = clusterPolicyEndpointCheck({
  id: 'CP-CPE-POD-MISSING',
  severity: 'high',
  title: 'Subject pod missing from ClusterPolicyEndpoints',
  compares: `The subject pods against the union of podSelectorEndpoints of all the policy's ClusterPolicyEndpoints, ${CANONICAL}.`,
});
export const CP_CPE_POD_EXTRA = clusterPolicyEndpointCheck({
  id: 'CP-CPE-POD-EXTRA',
  severity: 'medium',
  title: 'ClusterPolicyEndpoints list a pod outside the subject',
  compares: `The union of podSelectorEndpoints of all the policy's ClusterPolicyEndpoints against the subject pods, ${CANONICAL}.`,
});
export const CP_CPE_POD_STALE_IP = clusterPolicyEndpointCheck({
  id: 'CP-CPE-POD-STALE-IP',
  severity: 'medium',
  title: 'Subject pod listed with a stale podIP/hostIP',
  compares: 'For each subject pod name, the (podIP, hostIP) listed in the ClusterPolicyEndpoints against the pod now.',
});
export const CP_CPE_INGRESS_MISSING = clusterPolicyEndpointCheck({
  id: 'CP-CPE-INGRESS-MISSING',
  severity: 'medium',
  title: 'Ingress entry missing from ClusterPolicyEndpoints',
  compares: `Expected ingress (cidr, action) groups against those of all the policy's ClusterPolicyEndpoints, ${CANONICAL}.`,
});
export const CP_CPE_INGRESS_EXTRA = clusterPolicyEndpointCheck({
  id: 'CP-CPE-INGRESS-EXTRA',
  severity: 'high',
  title: 'Unexpected ingress entry in ClusterPolicyEndpoints',
  compares: `Ingress (cidr, action) groups of all the policy's ClusterPolicyEndpoints against the expected ones, ${CANONICAL}.`,
});
export const CP_CPE_EGRESS_MISSING = clusterPolicyEndpointCheck({
  id: 'CP-CPE-EGRESS-MISSING',
  severity: 'medium',
  title: 'Egress entry missing from ClusterPolicyEndpoints',
  compares: `Expected egress (cidr or domainName, action) groups against those of all the policy's ClusterPolicyEndpoints, ${CANONICAL}.`,
});
export const CP_CPE_EGRESS_EXTRA = clusterPolicyEndpointCheck({
  id: 'CP-CPE-EGRESS-EXTRA',
  severity: 'high',
  title: 'Unexpected egress entry in ClusterPolicyEndpoints',
  compares: `Egress (cidr or domainName, action) groups of all the policy's ClusterPolicyEndpoints against the expected ones, ${CANONICAL}.`,
});
export const CP_CPE_PORTS_NARROWER = clusterPolicyEndpointCheck({
  id: 'CP-CPE-PORTS-NARROWER',
  severity: 'medium',
  title: 'ClusterPolicyEndpoints allow fewer ports than the policy',
  compares:
    'For one (direction, cidr or domainName, action) group, the expected port set (or all ports) against the ClusterPolicyEndpoints.',
});
export const CP_CPE_PORTS_WIDER = clusterPolicyEndpointCheck({
  id: 'CP-CPE-PORTS-WIDER',
  severity: 'high',
  title: 'ClusterPolicyEndpoints allow more ports than the policy',
  compares:
    'For one (direction, cidr or domainName, action) group, the ports in the ClusterPolicyEndpoints against the expected port set.',
});

export const DIFF_CHECKS: readonly CheckDefinition[] = [
  CP_PE_MISSING,
  CP_PE_ORPHAN,
  CP_PE_POLICY_UNREADABLE,
  CP_PE_STALE_SELECTOR,
  CP_PE_POD_MISSING,
  CP_PE_POD_EXTRA,
  CP_PE_POD_STALE_IP,
  CP_PE_INGRESS_MISSING,
  CP_PE_INGRESS_EXTRA,
  CP_PE_EGRESS_MISSING,
  CP_PE_EGRESS_EXTRA,
  CP_PE_PORTS_NARROWER,
  CP_PE_PORTS_WIDER,
  CP_PE_ISOLATION_MISMATCH,
  CP_PE_ENTRY_KEY_COLLISION,
  CP_CPE_MISSING,
  CP_CPE_ORPHAN,
  CP_CPE_POLICY_UNREADABLE,
  CP_CPE_TIER_PRIORITY_MISMATCH,
  CP_CPE_POD_MISSING,
  CP_CPE_POD_EXTRA,
  CP_CPE_POD_STALE_IP,
  CP_CPE_INGRESS_MISSING,
  CP_CPE_INGRESS_EXTRA,
  CP_CPE_EGRESS_MISSING,
  CP_CPE_EGRESS_EXTRA,
  CP_CPE_PORTS_NARROWER,
  CP_CPE_PORTS_WIDER,
];
