import { defineCheck, type CheckDefinition } from '../../model/check';

export const CP_SVC_PORT_UNMAPPED = defineCheck({
  id: 'CP-SVC-PORT-UNMAPPED',
  layer: 'control-plane',
  severity: 'high',
  title: 'Egress rule reaches Service backends but the controller adds no ClusterIP entry for its port',
  compares:
    'For each NetworkPolicy egress rule with ports and a pod/namespace peer, the Service ports that forward to the ' +
    "rule's ports on ready peer pods against the ClusterIP entry the controller's Service port mapping produces.",
  resource: 'namespaced',
  remediation:
    'Add an egress rule to NetworkPolicy {namespace}/{name} that allows the Service port itself (or an ipBlock with the ClusterIP and its port), so clients that connect through the Service are not dropped; ' +
    'this widens what the policy allows.',
  verify:
    'kubectl get policyendpoints -n {namespace} -o custom-columns=NAME:.metadata.name,POLICY:.spec.policyRef.name,EGRESS:.spec.egress && kubectl get services -A -o wide',
  upstream: [
    'https://github.com/aws/aws-network-policy-agent/issues/166',
    'https://github.com/aws/amazon-network-policy-controller-k8s/issues/222',
  ],
  emittedBy: 'lambdas/shared/engine/control-plane/resolver/service-port-mapping-check.ts',
});

export const RESOLVER_CHECKS: readonly CheckDefinition[] = [CP_SVC_PORT_UNMAPPED];
