import type { CheckDefinition } from '../../model/finding';

function nodeCheck(definition: Omit<CheckDefinition, 'layer'>): CheckDefinition {
  return { ...definition, layer: 'node' };
}

export const NODE_COLLECTION_FAILED = nodeCheck({
  id: 'NODE-COLLECTION-FAILED',
  severity: 'high',
  title: 'Node state could not be collected',
  compares:
    'node.json errors and the presence of loaded-ebpfdata.txt: aws-eks-na-cli missing, bpffs not mounted, pin directory missing, or a CLI error instead of the report.',
});

export const NODE_COLLECTION_INCOMPLETE = nodeCheck({
  id: 'NODE-COLLECTION-INCOMPLETE',
  severity: 'medium',
  title: 'Node state collected only in part',
  compares:
    'Each map referenced by loaded-ebpfdata against its maps/<id>.txt dump (missing, CLI error, read errors), and node.json errors such as timeouts or a missing tc.',
});

export const NODE_OUTPUT_UNPARSEABLE = nodeCheck({
  id: 'NODE-OUTPUT-UNPARSEABLE',
  severity: 'medium',
  title: 'Node output does not match any documented format',
  compares:
    'Every file of nodes/<node>/ against the aws-eks-na-cli, tc and node.json formats (file:line of the first mismatch).',
});

export const NODE_AGENT_VERSION_MISMATCH = nodeCheck({
  id: 'NODE-AGENT-VERSION-MISMATCH',
  severity: 'low',
  title: 'Agent version on the node differs from the DaemonSet image',
  compares:
    'node.json agentVersion (running container or agent log) against the aws-eks-nodeagent image tag of the aws-node DaemonSet.',
});

export const NODE_VETH_NOT_FOUND = nodeCheck({
  id: 'NODE-VETH-NOT-FOUND',
  severity: 'high',
  title: 'Host veth of a pod not found',
  compares:
    'The host veth name of each pod that needs filters (eni/vlan + sha1, agent.md §3.2) against the tc/<veth>.* files and the node.json veth list.',
  upstreamIssue: 'aws/aws-network-policy-agent#569',
});

export const NODE_FILTER_MISSING = nodeCheck({
  id: 'NODE-FILTER-MISSING',
  severity: 'high',
  title: 'tc filter missing on a pod veth',
  compares:
    'Pods that need filters against the bpf filters on their veth: handle_ingress on tc egress, handle_egress on tc ingress.',
  upstreamIssue: 'aws/aws-network-policy-agent#183',
});

export const NODE_FILTER_PROGRAM_MISMATCH = nodeCheck({
  id: 'NODE-FILTER-PROGRAM-MISMATCH',
  severity: 'high',
  title: 'tc filter runs a program other than the pinned one',
  compares:
    'The program id (and bpf name) of the tc filter against the Prog ID pinned for <identifier>_handle_<direction>.',
  upstreamIssue: 'aws/aws-network-policy-agent#514',
});

export const NODE_PROGRAM_MISSING = nodeCheck({
  id: 'NODE-PROGRAM-MISSING',
  severity: 'high',
  title: 'No pinned program for a pod identifier',
  compares: 'Identifiers whose pods need filters against the programs listed by loaded-ebpfdata, per direction.',
  upstreamIssue: 'aws/aws-network-policy-agent#183',
});

export const NODE_PROGRAM_NOT_ATTACHED = nodeCheck({
  id: 'NODE-PROGRAM-NOT-ATTACHED',
  severity: 'medium',
  title: 'Pinned program not attached to any veth of its pods',
  compares:
    'Each pinned program of an identifier with local pods against the program ids on the tc hooks of those pods.',
  upstreamIssue: 'aws/aws-network-policy-agent#621',
});

export const NODE_ORPHANED_PINS = nodeCheck({
  id: 'NODE-ORPHANED-PINS',
  severity: 'low',
  title: 'Pins for an identifier with no pod on the node',
  compares: 'Identifiers pinned (loaded-ebpfdata, pins.txt) against the identifiers of the running pods of the node.',
  upstreamIssue: 'aws/aws-network-policy-agent#618',
});

export const NODE_MAP_UNMANAGED = nodeCheck({
  id: 'NODE-MAP-UNMANAGED',
  severity: 'high',
  title: 'Program reads a map the agent no longer manages',
  compares: 'Associated maps with an empty "Map Name:" in loaded-ebpfdata (a map id with no pin).',
  upstreamIssue: 'aws/aws-network-policy-agent#676',
});

export const NODE_PROGRAM_MAPS_INCOMPLETE = nodeCheck({
  id: 'NODE-PROGRAM-MAPS-INCOMPLETE',
  severity: 'high',
  title: 'Program lacks an expected map',
  compares:
    'The associated maps of each program against the set for the agent version: <dir>_map, <dir>_pod_state_map (v1.2+), cp_<dir>_map (v1.3+), aws_conntrack_map, policy_events.',
  upstreamIssue: 'aws/aws-network-policy-agent#646',
});

export const NODE_LPM_ENTRY_MISSING = nodeCheck({
  id: 'NODE-LPM-ENTRY-MISSING',
  severity: 'high',
  title: 'Policy map lacks an expected key',
  compares: 'Keys of ingress_map/egress_map against the entries recomputed from the PolicyEndpoints (agent.md §2.8).',
  upstreamIssue: 'aws/aws-network-policy-agent#206',
});

export const NODE_LPM_ENTRY_EXTRA = nodeCheck({
  id: 'NODE-LPM-ENTRY-EXTRA',
  severity: 'medium',
  title: 'Policy map holds a key no PolicyEndpoint asks for',
  compares: 'Keys of ingress_map/egress_map that the recomputed entries do not contain (stale rules).',
  upstreamIssue: 'aws/aws-network-policy-agent#645',
});

export const NODE_LPM_PORTS_MISMATCH = nodeCheck({
  id: 'NODE-LPM-PORTS-MISMATCH',
  severity: 'high',
  title: 'Policy map key has other ports or protocols',
  compares:
    'The value slots of a key, as a set of (protocol, start port, end port), against the recomputed slots (subset when truncated at the slot limit).',
  upstreamIssue: 'aws/aws-network-policy-agent#307',
});

export const NODE_CP_ENTRY_MISMATCH = nodeCheck({
  id: 'NODE-CP-ENTRY-MISMATCH',
  severity: 'high',
  title: 'Cluster policy map differs from the ClusterPolicyEndpoints',
  compares:
    'Keys and (protocol, ports, priority) slots of cp_ingress_map/cp_egress_map against the recomputed entries.',
});

export const NODE_POD_STATE_MISMATCH = nodeCheck({
  id: 'NODE-POD-STATE-MISMATCH',
  severity: 'high',
  title: 'Pod state differs from the policies that select the pod',
  compares:
    'Key 0 (NetworkPolicy) and key 1 (ClusterNetworkPolicy, v1.3+) of the pod-state maps against POLICIES_APPLIED / the mode default.',
  upstreamIssue: 'aws/aws-network-policy-agent#616',
});

export const NODE_POD_STATE_KEY_MISSING = nodeCheck({
  id: 'NODE-POD-STATE-KEY-MISSING',
  severity: 'critical',
  title: 'Pod-state key missing: every packet is dropped',
  compares: 'The keys present in ingress_pod_state_map/egress_pod_state_map against key 0 (v1.2+) and key 1 (v1.3+).',
  upstreamIssue: 'aws/aws-network-policy-agent#646',
});

export const NODE_CHECKS: readonly CheckDefinition[] = [
  NODE_COLLECTION_FAILED,
  NODE_COLLECTION_INCOMPLETE,
  NODE_OUTPUT_UNPARSEABLE,
  NODE_AGENT_VERSION_MISMATCH,
  NODE_VETH_NOT_FOUND,
  NODE_FILTER_MISSING,
  NODE_FILTER_PROGRAM_MISMATCH,
  NODE_PROGRAM_MISSING,
  NODE_PROGRAM_NOT_ATTACHED,
  NODE_ORPHANED_PINS,
  NODE_MAP_UNMANAGED,
  NODE_PROGRAM_MAPS_INCOMPLETE,
  NODE_LPM_ENTRY_MISSING,
  NODE_LPM_ENTRY_EXTRA,
  NODE_LPM_PORTS_MISMATCH,
  NODE_CP_ENTRY_MISMATCH,
  NODE_POD_STATE_MISMATCH,
  NODE_POD_STATE_KEY_MISSING,
];

export const UPSTREAM = {
  clusterPolicyKeyMissing: 'aws/aws-network-policy-agent#570',
  stalePodState: 'aws/aws-network-policy-agent#645',
  nodeIpKeyMissing: 'aws/aws-network-policy-agent#484',
  sharedIdentifier: 'aws/aws-network-policy-agent#616',
} as const;
