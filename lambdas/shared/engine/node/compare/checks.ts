import { defineCheck, onNode, type CheckDefinition } from '../../model/check';
import { NA_CLI_PATH } from '../map-dump-plan';

const DIR = 'lambdas/shared/engine/node/compare';
const COLLECTION = `${DIR}/collection.ts`;
const FILTERS = `${DIR}/filters.ts`;
const PROGRAMS = `${DIR}/programs.ts`;
const MAPS = `${DIR}/maps.ts`;

const NA_CLI = NA_CLI_PATH;

/** Restarts the aws-node pod (CNI and agent) of the finding's node. */
const RESTART_AGENT =
  'restart the aws-node pod of node {node} (kubectl delete pod -n kube-system -l k8s-app=aws-node --field-selector spec.nodeName={node})';

/** What a restart does, said once at the end of a remediation. */
const RESTART_EFFECT =
  'The restarted agent reloads the programs and rewrites the maps from the PolicyEndpoints; pods keep their current programs while it restarts.';

const SHOW_IDENTIFIER = onNode(`${NA_CLI} ebpf loaded-ebpfdata | grep -B2 -A11 {name}`);

export const NODE_COLLECTION_FAILED = defineCheck({
  id: 'NODE-COLLECTION-FAILED',
  unverified: true,
  layer: 'node',
  severity: 'high',
  title: 'Node state could not be collected',
  compares:
    'node.json errors and the presence of loaded-ebpfdata.txt: aws-eks-na-cli missing, bpffs not mounted, pin directory missing, or a CLI error instead of the report.',
  resource: 'on-node',
  remediation: `Make ${NA_CLI} (shipped with the VPC CNI) and a mounted bpffs available on node {node}, then collect it again; nothing on this node is checked until then.`,
  verify: onNode(`${NA_CLI} ebpf loaded-ebpfdata`),
  upstream: [],
  emittedBy: COLLECTION,
});

export const NODE_COLLECTION_INCOMPLETE = defineCheck({
  id: 'NODE-COLLECTION-INCOMPLETE',
  unverified: true,
  layer: 'node',
  severity: 'medium',
  title: 'Node state collected only in part',
  compares:
    'Each map referenced by loaded-ebpfdata against its maps/<id>.txt dump (missing, CLI error, read errors), and node.json errors such as timeouts or a missing tc.',
  resource: 'on-node',
  remediation:
    'Collect node {node} again (with a longer command timeout, and tc installed on the node); the parts that were not collected are not checked.',
  verify: onNode(`tc qdisc show && ${NA_CLI} ebpf loaded-ebpfdata`),
  upstream: [],
  emittedBy: [COLLECTION, FILTERS],
});

export const NODE_OUTPUT_UNPARSEABLE = defineCheck({
  id: 'NODE-OUTPUT-UNPARSEABLE',
  unverified: true,
  layer: 'node',
  severity: 'medium',
  title: 'Node output does not match any documented format',
  compares:
    'Every file of nodes/<node>/ against the aws-eks-na-cli, tc and node.json formats (file:line of the first mismatch).',
  resource: 'on-node',
  remediation:
    'Collect node {node} again; if the file still does not parse, the agent or CLI version prints a format the audit does not know yet: report it with the file.',
  verify: onNode(`${NA_CLI} ebpf loaded-ebpfdata`),
  upstream: [],
  emittedBy: COLLECTION,
});

export const NODE_AGENT_VERSION_MISMATCH = defineCheck({
  id: 'NODE-AGENT-VERSION-MISMATCH',
  layer: 'node',
  severity: 'low',
  title: 'Agent version on the node differs from the DaemonSet image',
  compares:
    'node.json agentVersion (running container or agent log) against the aws-eks-nodeagent image tag of the aws-node DaemonSet.',
  resource: 'on-node',
  remediation: `The DaemonSet rollout has not reached node {node}: ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify:
    "kubectl get pods -n kube-system -l k8s-app=aws-node --field-selector spec.nodeName={node} -o jsonpath='{.items[*].spec.containers[*].image}'",
  upstream: [],
  emittedBy: `${DIR}/audit-node-layer.ts`,
});

export const NODE_VETH_NOT_FOUND = defineCheck({
  id: 'NODE-VETH-NOT-FOUND',
  layer: 'node',
  severity: 'high',
  title: 'Host veth of a pod not found',
  compares:
    'The host veth name of each pod that needs filters (eni/vlan + sha1, agent.md §3.2) against the tc/<veth>.* files and the node.json veth list.',
  resource: 'namespaced-on-node',
  placeholders: ['veth'],
  remediation:
    'Re-create pod {namespace}/{name} (kubectl delete pod {name} -n {namespace}; its owner starts a new one) so the CNI sets up veth {veth} again; if the pod has no owner, apply it again. Until then the pod is not enforced on node {node}.',
  verify: onNode('ip link show {veth} && tc filter show dev {veth} ingress && tc filter show dev {veth} egress'),
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/569'],
  emittedBy: FILTERS,
});

export const NODE_FILTER_MISSING = defineCheck({
  id: 'NODE-FILTER-MISSING',
  layer: 'node',
  severity: 'high',
  title: 'tc filter missing on a pod veth',
  compares:
    'Pods that need filters against the bpf filters on their veth: handle_ingress on tc egress, handle_egress on tc ingress.',
  resource: 'namespaced-on-node',
  placeholders: ['veth', 'hook'],
  remediation: `Pod {namespace}/{name} is not enforced in that direction: ${RESTART_AGENT}, or re-create the pod. ${RESTART_EFFECT}`,
  verify: onNode('tc filter show dev {veth} {hook}'),
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/183'],
  emittedBy: FILTERS,
});

export const NODE_FILTER_PROGRAM_MISMATCH = defineCheck({
  id: 'NODE-FILTER-PROGRAM-MISMATCH',
  layer: 'node',
  severity: 'high',
  title: 'tc filter runs a program other than the pinned one',
  compares:
    'The program id (and bpf name) of the tc filter against the Prog ID pinned for <identifier>_handle_<direction>.',
  resource: 'namespaced-on-node',
  placeholders: ['veth', 'hook'],
  remediation: `Veth {veth} of pod {namespace}/{name} runs an old program that no longer reads the agent's maps: re-create the pod, or ${RESTART_AGENT} (after a restart the filters can still point at the old program, so check again). ${RESTART_EFFECT}`,
  verify: onNode(`tc filter show dev {veth} {hook} && ${NA_CLI} ebpf loaded-ebpfdata`),
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/514'],
  emittedBy: FILTERS,
});

export const NODE_PROGRAM_MISSING = defineCheck({
  id: 'NODE-PROGRAM-MISSING',
  layer: 'node',
  severity: 'high',
  title: 'No pinned program for a pod identifier',
  compares: 'Identifiers whose pods need filters against the programs listed by loaded-ebpfdata, per direction.',
  resource: 'on-node',
  remediation: `The pods of identifier {name} are not enforced on node {node}: re-create them, or ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify: SHOW_IDENTIFIER,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/183'],
  emittedBy: PROGRAMS,
});

export const NODE_PROGRAM_NOT_ATTACHED = defineCheck({
  id: 'NODE-PROGRAM-NOT-ATTACHED',
  layer: 'node',
  severity: 'medium',
  title: 'Pinned program not attached to any veth of its pods',
  compares:
    'Each pinned program of an identifier with local pods against the program ids on the tc hooks of those pods.',
  resource: 'on-node',
  remediation: `The program of identifier {name} is pinned but guards nothing on node {node}: re-create its pods, or ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify: SHOW_IDENTIFIER,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/621'],
  emittedBy: PROGRAMS,
});

export const NODE_ORPHANED_PINS = defineCheck({
  id: 'NODE-ORPHANED-PINS',
  layer: 'node',
  severity: 'low',
  title: 'Pins for an identifier with no pod on the node',
  compares: 'Identifiers pinned (loaded-ebpfdata, pins.txt) against the identifiers of the running pods of the node.',
  resource: 'on-node',
  remediation:
    'No pod uses them, so enforcement does not change: remove the pins of {name} on node {node} (rm /sys/fs/bpf/globals/aws/programs/{name}_handle_* /sys/fs/bpf/globals/aws/maps/{name}_*) or replace the node.',
  verify: onNode('ls /sys/fs/bpf/globals/aws/programs/ /sys/fs/bpf/globals/aws/maps/ | grep {name}'),
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/618'],
  emittedBy: PROGRAMS,
});

export const NODE_MAP_UNMANAGED = defineCheck({
  id: 'NODE-MAP-UNMANAGED',
  layer: 'node',
  severity: 'high',
  title: 'Program reads a map the agent no longer manages',
  compares: 'Associated maps with an empty "Map Name:" in loaded-ebpfdata (a map id with no pin).',
  resource: 'on-node',
  remediation: `Policy updates for identifier {name} on node {node} go to a map its program does not read: re-create its pods, or ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify: SHOW_IDENTIFIER,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/676'],
  emittedBy: PROGRAMS,
});

export const NODE_PROGRAM_MAPS_INCOMPLETE = defineCheck({
  id: 'NODE-PROGRAM-MAPS-INCOMPLETE',
  layer: 'node',
  severity: 'high',
  title: 'Program lacks an expected map',
  compares:
    'The associated maps of each program against the set for the agent version: <dir>_map, <dir>_pod_state_map (v1.2+), cp_<dir>_map (v1.3+), aws_conntrack_map, policy_events.',
  resource: 'on-node',
  remediation: `Pods of identifier {name} can be blackholed until the agent reloads: ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify: SHOW_IDENTIFIER,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/646'],
  emittedBy: PROGRAMS,
});

/** Map findings name the map they read, so the verify command dumps exactly that map. */
const DUMP_MAP = onNode(`${NA_CLI} ebpf dump-maps {mapId}`);
const REWRITE_MAPS = `The map of identifier {name} on node {node} differs from its PolicyEndpoints: ${RESTART_AGENT}. ${RESTART_EFFECT}`;

export const NODE_LPM_ENTRY_MISSING = defineCheck({
  id: 'NODE-LPM-ENTRY-MISSING',
  layer: 'node',
  severity: 'high',
  title: 'Policy map lacks an expected key',
  compares: 'Keys of ingress_map/egress_map against the entries recomputed from the PolicyEndpoints (agent.md §2.8).',
  resource: 'on-node',
  placeholders: ['mapId'],
  remediation: REWRITE_MAPS,
  verify: DUMP_MAP,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/206'],
  emittedBy: MAPS,
});

export const NODE_LPM_ENTRY_EXTRA = defineCheck({
  id: 'NODE-LPM-ENTRY-EXTRA',
  layer: 'node',
  severity: 'medium',
  title: 'Policy map holds a key no PolicyEndpoint asks for',
  compares: 'Keys of ingress_map/egress_map that the recomputed entries do not contain (stale rules).',
  resource: 'on-node',
  placeholders: ['mapId'],
  remediation: REWRITE_MAPS,
  verify: DUMP_MAP,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/645'],
  emittedBy: MAPS,
});

export const NODE_LPM_PORTS_MISMATCH = defineCheck({
  id: 'NODE-LPM-PORTS-MISMATCH',
  layer: 'node',
  severity: 'high',
  title: 'Policy map key has other ports or protocols',
  compares:
    'The value slots of a key, as a set of (protocol, start port, end port), against the recomputed slots (subset when truncated at the slot limit).',
  resource: 'on-node',
  placeholders: ['mapId'],
  remediation: REWRITE_MAPS,
  verify: DUMP_MAP,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/307'],
  emittedBy: MAPS,
});

export const NODE_CP_ENTRY_MISMATCH = defineCheck({
  id: 'NODE-CP-ENTRY-MISMATCH',
  layer: 'node',
  severity: 'high',
  title: 'Cluster policy map differs from the ClusterPolicyEndpoints',
  compares:
    'Keys and (protocol, ports, priority) slots of cp_ingress_map/cp_egress_map against the recomputed entries.',
  resource: 'on-node',
  placeholders: ['mapId'],
  remediation: `The cluster policy map of identifier {name} on node {node} differs from its ClusterPolicyEndpoints: ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify: onNode(`${NA_CLI} ebpf dump-cp-maps {mapId}`),
  upstream: [],
  emittedBy: MAPS,
});

export const NODE_POD_STATE_MISMATCH = defineCheck({
  id: 'NODE-POD-STATE-MISMATCH',
  layer: 'node',
  severity: 'high',
  title: 'Pod state differs from the policies that select the pod',
  compares:
    'Key 0 (NetworkPolicy) and key 1 (ClusterNetworkPolicy, v1.3+) of the pod-state maps against POLICIES_APPLIED / the mode default.',
  resource: 'on-node',
  placeholders: ['mapId'],
  remediation: `The pods of identifier {name} are enforced by a stale state: re-create them (a pod deselected by every policy keeps its old rules), or ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify: DUMP_MAP,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/616'],
  emittedBy: MAPS,
});

export const NODE_POD_STATE_KEY_MISSING = defineCheck({
  id: 'NODE-POD-STATE-KEY-MISSING',
  layer: 'node',
  severity: 'critical',
  title: 'Pod-state key missing: every packet is dropped',
  compares: 'The keys present in ingress_pod_state_map/egress_pod_state_map against key 0 (v1.2+) and key 1 (v1.3+).',
  resource: 'on-node',
  placeholders: ['mapId'],
  remediation: `Every packet of the pods of identifier {name} is dropped until the agent reloads: ${RESTART_AGENT}. ${RESTART_EFFECT}`,
  verify: DUMP_MAP,
  upstream: [
    'https://github.com/aws/aws-network-policy-agent/issues/646',
    'https://github.com/aws/aws-network-policy-agent/issues/484',
  ],
  emittedBy: MAPS,
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

/** Finding-level upstream hints: the issue behind one variant of a check's drift. */
export const UPSTREAM = {
  clusterPolicyKeyMissing: 'aws/aws-network-policy-agent#570',
  stalePodState: 'aws/aws-network-policy-agent#645',
  nodeIpKeyMissing: 'aws/aws-network-policy-agent#484',
  strayPodStateKey: 'aws/aws-network-policy-agent#484',
  incompleteMapSet: 'aws/aws-network-policy-agent#646',
  sharedIdentifier: 'aws/aws-network-policy-agent#616',
} as const;
