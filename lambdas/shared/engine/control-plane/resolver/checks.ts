import type { CheckDefinition } from '../../model/finding';

export const SERVICE_PORT_UNMAPPED: CheckDefinition = {
  id: 'CP-SVC-PORT-UNMAPPED',
  layer: 'control-plane',
  severity: 'high',
  title: 'Egress rule reaches Service backends but the controller adds no ClusterIP entry for its port',
  compares:
    'For each NetworkPolicy egress rule with ports and a pod/namespace peer, the Service ports that forward to the ' +
    "rule's ports on ready peer pods against the ClusterIP entry the controller's Service port mapping produces.",
  upstreamIssue: 'aws/aws-network-policy-agent#166, aws/amazon-network-policy-controller-k8s#222',
};

export const RESOLVER_CHECKS: readonly CheckDefinition[] = [SERVICE_PORT_UNMAPPED];
