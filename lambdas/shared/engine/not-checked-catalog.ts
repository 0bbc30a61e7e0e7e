import type { NotChecked } from './model/assessment';
import { defineNotChecked, type NotCheckedDefinition } from './model/not-checked';

const AUDIT = 'lambdas/shared/engine/audit.ts';
const RULE = 'lambdas/shared/engine/config/rule.ts';
const CHECK_ADDON = 'lambdas/shared/engine/config/check-addon.ts';
const CHECK_AGENT = 'lambdas/shared/engine/config/check-agent.ts';
const CHECK_AGENT_VERSION = 'lambdas/shared/engine/config/check-agent-version.ts';
const CHECK_CNI = 'lambdas/shared/engine/config/check-cni.ts';
const CHECK_CONFIGMAP = 'lambdas/shared/engine/config/check-configmap.ts';
const CHECK_DRIFT = 'lambdas/shared/engine/config/check-drift.ts';
const CHECK_KNOWN_BUGS = 'lambdas/shared/engine/config/check-known-bugs.ts';
const CHECK_MODE = 'lambdas/shared/engine/config/check-mode.ts';
const CHECK_SETTINGS = 'lambdas/shared/engine/config/check-settings.ts';
const CONTROL_PLANE = 'lambdas/shared/engine/control-plane/assess-control-plane.ts';
const NODE_LAYER = 'lambdas/shared/engine/node/compare/audit-node-layer.ts';
const NODE_LAYOUT = 'lambdas/shared/engine/node/readers/layout.ts';
const UNCHECKED = 'lambdas/shared/engine/report/unchecked.ts';

const KIND_BY_ACCESS = 'Grant the audit the RBAC of k8s/rbac.yaml (get/list on the kind)';

export const NC_INPUT_KIND_NOT_COLLECTED = defineNotChecked({
  kind: 'NC-INPUT-KIND-NOT-COLLECTED',
  layer: 'input',
  when: 'A hand-made snapshot (no snapshot.json) holds no object and no typed list of a kind the audit reads one object of (the aws-node DaemonSet, the amazon-vpc-cni ConfigMap).',
  why: 'Nothing says the kind was read, so a missing object would be a guess ("the CNI is not running"), not a fact.',
  remedy:
    'Collect the kind (`kubectl get daemonsets,configmaps -n kube-system -o json` into k8s/), or take the snapshot with `netpol-audit snapshot`, which writes snapshot.json.',
  producedBy: AUDIT,
});

export const NC_INPUT_KIND_FORBIDDEN = defineNotChecked({
  kind: 'NC-INPUT-KIND-FORBIDDEN',
  layer: 'input',
  when: 'Listing a kind was refused (HTTP 403) in a live audit or while the snapshot was taken.',
  why: 'The objects of the kind are unknown; the checks that need them are not run rather than judged on nothing.',
  remedy: `${KIND_BY_ACCESS}, then audit again.`,
  producedBy: AUDIT,
});

export const NC_INPUT_KIND_NOT_INSTALLED = defineNotChecked({
  kind: 'NC-INPUT-KIND-NOT-INSTALLED',
  layer: 'input',
  when: 'The CRD of a kind the audit reads does not exist in the cluster (ApplicationNetworkPolicy, ClusterNetworkPolicy and ClusterPolicyEndpoint come with VPC CNI 1.21).',
  why: 'There are no objects of the kind to compare with (an optional kind gets an info INPUT-KIND-UNAVAILABLE finding).',
  remedy: 'Nothing for an optional kind; for another, install the VPC CNI version that brings its CRD.',
  producedBy: AUDIT,
});

export const NC_INPUT_KIND_UNREADABLE = defineNotChecked({
  kind: 'NC-INPUT-KIND-UNREADABLE',
  layer: 'input',
  when: 'Listing a kind failed (server error, time-out, retries used up), or the one object of the kind the audit needs was malformed (INPUT-MALFORMED-OBJECT).',
  why: 'The objects of the kind are unknown; a missing object would be reported as absent, which it is not.',
  remedy:
    'Audit again when the API server answers; fix or re-collect the malformed object (the INPUT finding names it).',
  producedBy: AUDIT,
});

export const NC_INPUT_CLUSTER_UNREADABLE = defineNotChecked({
  kind: 'NC-INPUT-CLUSTER-UNREADABLE',
  layer: 'input',
  when: "The service could not read a configured cluster's EKS or Kubernetes API (INPUT-CLUSTER-UNREADABLE).",
  why: 'No input at all: every layer of that cluster is not checked.',
  remedy:
    'Give the audit role eks:DescribeCluster, DescribeAddon, an EKS access entry with the group of k8s/rbac.yaml and a reachable endpoint, then run again.',
  producedBy: UNCHECKED,
});

export const NC_CFG_AUTO_MODE = defineNotChecked({
  kind: 'NC-CFG-AUTO-MODE',
  layer: 'config',
  when: 'The cluster runs EKS Auto Mode (describe-cluster computeConfig.enabled).',
  why: 'Auto Mode has no vpc-cni add-on and no aws-node DaemonSet to read; its default mode is in NodeClass spec.networkPolicy, which is not in the inventory.',
  remedy: 'None in this audit: the add-on, DaemonSet, mode and version checks do not apply to Auto Mode.',
  producedBy: [RULE, CHECK_ADDON, CHECK_AGENT, CHECK_AGENT_VERSION, CHECK_DRIFT, CHECK_KNOWN_BUGS, CHECK_MODE],
});

export const NC_CFG_AUTO_MODE_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-AUTO-MODE-UNKNOWN',
  layer: 'config',
  when: 'There is no EKS cluster description (no eks/cluster.json, a live audit through a kubeconfig).',
  why: 'Auto Mode is unknown, and an Auto Mode cluster has neither the add-on nor the aws-node DaemonSet, so "the VPC CNI is not installed" cannot be told.',
  remedy:
    'Add eks/cluster.json (`aws eks describe-cluster --name C > eks/cluster.json`) or audit with `--cluster NAME`.',
  producedBy: [RULE, CHECK_CNI],
});

export const NC_CFG_CNI_ABSENT = defineNotChecked({
  kind: 'NC-CFG-CNI-ABSENT',
  layer: 'config',
  when: 'The cluster has no Amazon VPC CNI (no vpc-cni add-on, no aws-node DaemonSet; CFG-CNI-MISSING says so).',
  why: 'The checks of the CNI and its agent have nothing to read.',
  remedy: 'None: install the VPC CNI if it is meant to enforce the policies.',
  producedBy: [RULE, CHECK_AGENT],
});

export const NC_CFG_DAEMONSET_UNAVAILABLE = defineNotChecked({
  kind: 'NC-CFG-DAEMONSET-UNAVAILABLE',
  layer: 'config',
  when: 'The kube-system/aws-node DaemonSet was not read (kind not collected or not listable, object malformed), or only the ConfigMap could be compared with the add-on.',
  why: 'The live agent and CNI settings are unknown; their absence would be a guess.',
  remedy: `Collect the DaemonSet: ${KIND_BY_ACCESS.toLowerCase()} for daemonsets in kube-system.`,
  producedBy: [RULE, CHECK_AGENT, CHECK_CNI, CHECK_DRIFT],
});

export const NC_CFG_CONFIGMAP_UNAVAILABLE = defineNotChecked({
  kind: 'NC-CFG-CONFIGMAP-UNAVAILABLE',
  layer: 'config',
  when: 'The kube-system/amazon-vpc-cni ConfigMap was not read (not collected, not listable, malformed).',
  why: 'Whether the controller is enabled cannot be told; it is never reported as disabled on missing data.',
  remedy: `Collect the ConfigMap: ${KIND_BY_ACCESS.toLowerCase()} for configmaps in kube-system.`,
  producedBy: CHECK_CONFIGMAP,
});

export const NC_CFG_ADDON_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-ADDON-UNKNOWN',
  layer: 'config',
  when: 'The vpc-cni EKS add-on was not read: no eks/addon-vpc-cni.json, a live audit through a kubeconfig, or no DescribeAddon permission.',
  why: 'Whether the CNI is the EKS add-on or self-managed is unknown, and so is the intended configuration.',
  remedy:
    'Add eks/addon-vpc-cni.json (`aws eks describe-addon --cluster-name C --addon-name vpc-cni`), audit with `--cluster NAME`, or grant eks:DescribeAddon.',
  producedBy: [CHECK_ADDON, CHECK_CNI, CHECK_DRIFT],
});

export const NC_CFG_SELF_MANAGED = defineNotChecked({
  kind: 'NC-CFG-SELF-MANAGED',
  layer: 'config',
  when: 'DescribeAddon found no vpc-cni add-on: the CNI is self-managed (Helm or manifest).',
  why: 'There is no add-on whose status, values and intent could be compared.',
  remedy: 'None: the live DaemonSet and ConfigMap are judged instead; move to the EKS add-on to get the add-on checks.',
  producedBy: [CHECK_ADDON, CHECK_DRIFT],
});

export const NC_CFG_ADDON_STATUS_MISSING = defineNotChecked({
  kind: 'NC-CFG-ADDON-STATUS-MISSING',
  layer: 'config',
  when: 'The add-on description has no status.',
  why: 'ACTIVE or not cannot be told.',
  remedy: 'Collect eks/addon-vpc-cni.json again with `aws eks describe-addon`, which always returns the status.',
  producedBy: CHECK_ADDON,
});

export const NC_CFG_ADDON_VALUES_UNREADABLE = defineNotChecked({
  kind: 'NC-CFG-ADDON-VALUES-UNREADABLE',
  layer: 'config',
  when: "The add-on's configurationValues are neither a JSON nor a YAML object (CFG-ADDON-VALUES-INVALID says so).",
  why: 'The intended configuration is unknown, so nothing can be compared with it.',
  remedy: 'Fix configurationValues in the add-on (`aws eks update-addon --configuration-values`).',
  producedBy: [CHECK_ADDON, CHECK_DRIFT],
});

export const NC_CFG_AGENT_CONTAINER_MISSING = defineNotChecked({
  kind: 'NC-CFG-AGENT-CONTAINER-MISSING',
  layer: 'config',
  when: 'The aws-node DaemonSet has no aws-eks-nodeagent container.',
  why: 'The agent flags and its image version do not exist to be compared.',
  remedy: 'Update the VPC CNI to 1.14 or later (its aws-node DaemonSet has the container), then audit again.',
  producedBy: [CHECK_AGENT, CHECK_AGENT_VERSION],
});

export const NC_CFG_AGENT_VERSION_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-AGENT-VERSION-UNKNOWN',
  layer: 'config',
  when: 'The aws-eks-nodeagent image tag does not parse as a version (a digest-pinned or `latest` image).',
  why: 'The version skew and the known-bug checks are by version.',
  remedy: 'Pin the agent image to a release tag (the add-on does).',
  producedBy: [CHECK_AGENT_VERSION, CHECK_KNOWN_BUGS],
});

export const NC_CFG_CNI_VERSION_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-CNI-VERSION-UNKNOWN',
  layer: 'config',
  when: 'Neither the add-on version nor the aws-node image tag names the VPC CNI version.',
  why: 'The version minimums, the agent table and the known-bug checks are by version.',
  remedy: 'Add eks/addon-vpc-cni.json, or pin the aws-node image to a release tag.',
  producedBy: [CHECK_AGENT_VERSION, CHECK_CNI, CHECK_KNOWN_BUGS],
});

export const NC_CFG_CNI_VERSION_NOT_IN_TABLE = defineNotChecked({
  kind: 'NC-CFG-CNI-VERSION-NOT-IN-TABLE',
  layer: 'config',
  when: 'The VPC CNI version is not in the table of the agent each CNI release ships.',
  why: 'Only the hard minimum agent version can be checked; the expected agent is unknown.',
  remedy: 'Update the audit (a newer release knows the table row), or compare with the VPC CNI release notes by hand.',
  producedBy: CHECK_AGENT_VERSION,
});

export const NC_CFG_CONTROLLER_VERSION_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-CONTROLLER-VERSION-UNKNOWN',
  layer: 'config',
  when: 'A known bug of the network policy controller (always).',
  why: 'EKS runs the controller in the control plane; its version is not in a snapshot. Its symptoms are found by the PolicyEndpoint diff instead.',
  remedy: 'None: see the control-plane findings.',
  producedBy: CHECK_KNOWN_BUGS,
});

export const NC_CFG_BUG_TRIGGER_UNREADABLE = defineNotChecked({
  kind: 'NC-CFG-BUG-TRIGGER-UNREADABLE',
  layer: 'config',
  when: 'The running version is affected by a known bug, but a kind its trigger needs could not be listed.',
  why: 'Whether the cluster has the triggering objects is unknown.',
  remedy: `${KIND_BY_ACCESS} named in the entry, then audit again.`,
  producedBy: CHECK_KNOWN_BUGS,
});

export const NC_CFG_SETTING_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-SETTING-UNKNOWN',
  layer: 'config',
  when: 'An agent or CNI setting is neither on the live aws-node DaemonSet nor in the add-on values, or is not a boolean.',
  why: 'The setting the check compares is unknown.',
  remedy: 'Collect the aws-node DaemonSet (and the add-on); fix the value when it is not `true`/`false`.',
  producedBy: CHECK_SETTINGS,
});

export const NC_CFG_IP_FAMILY_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-IP-FAMILY-UNKNOWN',
  layer: 'config',
  when: 'The cluster description has no kubernetesNetworkConfig.ipFamily (or there is none).',
  why: 'enableIpv6 cannot be compared with the IP family.',
  remedy: 'Add eks/cluster.json from `aws eks describe-cluster`, or audit with `--cluster NAME`.',
  producedBy: CHECK_SETTINGS,
});

export const NC_CFG_MODE_UNKNOWN = defineNotChecked({
  kind: 'NC-CFG-MODE-UNKNOWN',
  layer: 'config',
  when: 'Neither the aws-node container nor the add-on values give the enforcement mode, or its value is invalid (CFG-MODE-INVALID).',
  why: 'The mode and its match with `--desired-mode` cannot be told.',
  remedy: 'Collect the aws-node DaemonSet; set NETWORK_POLICY_ENFORCING_MODE to `standard` or `strict`.',
  producedBy: CHECK_MODE,
});

export const NC_CP_INPUTS_UNREADABLE = defineNotChecked({
  kind: 'NC-CP-INPUTS-UNREADABLE',
  layer: 'control-plane',
  when: 'A kind the resolver needs (policies, pods, namespaces, Services, PolicyEndpoints) could not be read.',
  why: 'The expected PolicyEndpoints would be computed from part of the cluster, which is false drift.',
  remedy: `${KIND_BY_ACCESS} for every kind named, then audit again.`,
  producedBy: CONTROL_PLANE,
});

export const NC_NODE_NO_OUTPUTS = defineNotChecked({
  kind: 'NC-NODE-NO-OUTPUTS',
  layer: 'node',
  when: 'The source has no node outputs (no nodes/ in the snapshot, a live audit without `--collect-nodes`).',
  why: 'The kernel state is only in the node outputs.',
  remedy:
    'Collect the nodes: `audit --cluster C --collect-nodes ssm`, or the collector by hand and `import-node-bundle` (README).',
  producedBy: NODE_LAYER,
});

export const NC_NODE_INPUTS_UNREADABLE = defineNotChecked({
  kind: 'NC-NODE-INPUTS-UNREADABLE',
  layer: 'node',
  when: 'A kind the resolver needs could not be read (as NC-CP-INPUTS-UNREADABLE).',
  why: 'The expected kernel state is computed from the same resolve and would be wrong.',
  remedy: `${KIND_BY_ACCESS} for every kind named, then audit again.`,
  producedBy: NODE_LAYER,
});

export const NC_NODE_NO_SHA1 = defineNotChecked({
  kind: 'NC-NODE-NO-SHA1',
  layer: 'node',
  when: 'The caller of the engine gave no SHA-1 implementation (a programming error; the CLI and the service always give one).',
  why: 'The host veth names are derived with SHA-1.',
  remedy: 'Pass `sha1Hex` to the engine.',
  producedBy: NODE_LAYER,
});

export const NC_NODE_NOT_COLLECTED = defineNotChecked({
  kind: 'NC-NODE-NOT-COLLECTED',
  layer: 'node',
  when: 'A node runs pods that PolicyEndpoints select but has no nodes/<node>/ outputs.',
  why: 'What its kernel enforces for those pods is unknown; it is never reported clean.',
  remedy: 'Collect the node (`--collect-nodes ssm --nodes NODE`, or by hand and `import-node-bundle --node NODE`).',
  producedBy: NODE_LAYER,
});

export const NC_NODE_COLLECTION_FAILED = defineNotChecked({
  kind: 'NC-NODE-COLLECTION-FAILED',
  layer: 'node',
  when: 'A node picked for collection delivered no outputs: its SSM agent is not online, or the command failed or timed out (NODE-NOT-COLLECTED).',
  why: 'There is nothing of the node to compare.',
  remedy: 'Make the node reachable for SSM Run Command (agent online, AmazonSSMManagedInstanceCore) and collect again.',
  producedBy: UNCHECKED,
});

export const NC_NODE_NOT_COLLECTABLE = defineNotChecked({
  kind: 'NC-NODE-NOT-COLLECTABLE',
  layer: 'node',
  when: 'A node the collector cannot run on: Fargate, hybrid, EKS Auto Mode, Windows, or a spec.providerID that names no EC2 instance.',
  why: 'SSM Run Command of the collector needs a Linux EC2 instance the audit can address.',
  remedy:
    'None with SSM; on a Linux node that is reachable otherwise, run the collector by hand and `import-node-bundle`.',
  producedBy: UNCHECKED,
});

export const NC_NODE_NOT_IN_INVENTORY = defineNotChecked({
  kind: 'NC-NODE-NOT-IN-INVENTORY',
  layer: 'node',
  when: 'A nodes/<node>/ directory names a node that is not in the cluster inventory.',
  why: 'Without the node object and its pods there is nothing to compare it with.',
  remedy:
    'Take the snapshot and the node outputs together; name the directory after the Kubernetes node (`import-node-bundle --node`).',
  producedBy: NODE_LAYER,
});

export const NC_NODE_NOTHING_READABLE = defineNotChecked({
  kind: 'NC-NODE-NOTHING-READABLE',
  layer: 'node',
  when: 'Neither loaded-ebpfdata nor the tc filters of a node could be read.',
  why: 'Nothing of the kernel state is known (the collection findings say why).',
  remedy: 'Collect the node again (see its NODE-COLLECTION-* finding).',
  producedBy: NODE_LAYER,
});

export const NC_NODE_TC_NOT_COLLECTED = defineNotChecked({
  kind: 'NC-NODE-TC-NOT-COLLECTED',
  layer: 'node',
  when: 'A node has no tc output (no tc/ files, no veth list, or tc missing on the node).',
  why: 'Whether the programs are attached to the pod veths is unknown.',
  remedy: 'Collect the node with the collector of ssm-documents/ (it runs `tc filter show` on every pod veth).',
  producedBy: NODE_LAYER,
});

export const NC_NODE_TC_EXEC_COLLECTOR = defineNotChecked({
  kind: 'NC-NODE-TC-EXEC-COLLECTOR',
  layer: 'node',
  when: 'A node was collected with `--collect-nodes exec` (node.json `collector: "exec"`).',
  why: "The exec collector runs in the aws-eks-nodeagent container, which cannot list the host's tc filters: whether the programs are attached to the pod veths is unknown.",
  remedy:
    'Where the node allows it, collect it with the SSM collector of ssm-documents/ (`--collect-nodes ssm`), which runs `tc filter show` on every pod veth.',
  producedBy: NODE_LAYER,
});

export const NC_NODE_EBPF_NOT_COLLECTED = defineNotChecked({
  kind: 'NC-NODE-EBPF-NOT-COLLECTED',
  layer: 'node',
  when: 'loaded-ebpfdata timed out, is empty, or was not run (NODE-COLLECTION-FAILED).',
  why: "The node's programs and maps are unknown; they are never reported missing.",
  remedy: 'Collect the node again, with a longer time-out if it timed out.',
  producedBy: NODE_LAYER,
});

export const NC_NODE_LOG_COLLECTOR_GAP = defineNotChecked({
  kind: 'NC-NODE-LOG-COLLECTOR-GAP',
  layer: 'node',
  when: "The node directory is an output of AWS's eks-log-collector.sh.",
  why: 'It dumps only ingress_map/egress_map and the cp maps, not the pod-state maps.',
  remedy: 'Collect the node with the collector of ssm-documents/ for the pod-state maps.',
  producedBy: NODE_LAYOUT,
});

export const NC_NODE_AGENT_VERSION_UNKNOWN = defineNotChecked({
  kind: 'NC-NODE-AGENT-VERSION-UNKNOWN',
  layer: 'node',
  when: 'Neither node.json nor the aws-node image names the network policy agent version (a digest-pinned or `latest` image), and `--agent-version` does not state one.',
  why: 'What the agent programs depends on its version; assuming the newest turned older nodes into drift.',
  remedy: 'State the version: `--agent-version v1.2.2`.',
  producedBy: NODE_LAYER,
});

export const NC_NODE_AGENT_VERSION_ASSUMED = defineNotChecked({
  kind: 'NC-NODE-AGENT-VERSION-ASSUMED',
  layer: 'node',
  when: 'The agent version is unknown on the node and `--agent-version` states it.',
  why: 'Listed so the report says the node was compared with the stated version, not one it showed.',
  remedy: 'Pin the agent image to a release tag, or collect node.json with the version.',
  producedBy: NODE_LAYER,
});

export const NC_NODE_NO_NODE_IP = defineNotChecked({
  kind: 'NC-NODE-NO-NODE-IP',
  layer: 'node',
  when: 'The node has no InternalIP of the cluster IP family, or its IP does not parse.',
  why: 'The expected maps include the node IP; without it they cannot be computed.',
  remedy: 'Collect the Node object with its status.addresses.',
  producedBy: NODE_LAYER,
});

export const NC_NODE_UNSELECTED_PODS_MODE_UNKNOWN = defineNotChecked({
  kind: 'NC-NODE-UNSELECTED-PODS-MODE-UNKNOWN',
  layer: 'node',
  when: 'The enforcement mode is unknown (see NC-CFG-MODE-UNKNOWN) and a node runs pods no PolicyEndpoint selects.',
  why: 'Whether those pods need tc filters depends on the mode (strict attaches them to every pod).',
  remedy: 'Collect the aws-node DaemonSet so the mode is known.',
  producedBy: NODE_LAYER,
});

/** Every kind of "not checked" the audit can report; the "Not checked" section of docs/limits.md is generated from it. */
export const NOT_CHECKED_CATALOG = [
  NC_INPUT_KIND_NOT_COLLECTED,
  NC_INPUT_KIND_FORBIDDEN,
  NC_INPUT_KIND_NOT_INSTALLED,
  NC_INPUT_KIND_UNREADABLE,
  NC_INPUT_CLUSTER_UNREADABLE,
  NC_CFG_AUTO_MODE,
  NC_CFG_AUTO_MODE_UNKNOWN,
  NC_CFG_CNI_ABSENT,
  NC_CFG_DAEMONSET_UNAVAILABLE,
  NC_CFG_CONFIGMAP_UNAVAILABLE,
  NC_CFG_ADDON_UNKNOWN,
  NC_CFG_SELF_MANAGED,
  NC_CFG_ADDON_STATUS_MISSING,
  NC_CFG_ADDON_VALUES_UNREADABLE,
  NC_CFG_AGENT_CONTAINER_MISSING,
  NC_CFG_AGENT_VERSION_UNKNOWN,
  NC_CFG_CNI_VERSION_UNKNOWN,
  NC_CFG_CNI_VERSION_NOT_IN_TABLE,
  NC_CFG_CONTROLLER_VERSION_UNKNOWN,
  NC_CFG_BUG_TRIGGER_UNREADABLE,
  NC_CFG_SETTING_UNKNOWN,
  NC_CFG_IP_FAMILY_UNKNOWN,
  NC_CFG_MODE_UNKNOWN,
  NC_CP_INPUTS_UNREADABLE,
  NC_NODE_NO_OUTPUTS,
  NC_NODE_INPUTS_UNREADABLE,
  NC_NODE_NO_SHA1,
  NC_NODE_NOT_COLLECTED,
  NC_NODE_COLLECTION_FAILED,
  NC_NODE_NOT_COLLECTABLE,
  NC_NODE_NOT_IN_INVENTORY,
  NC_NODE_NOTHING_READABLE,
  NC_NODE_TC_NOT_COLLECTED,
  NC_NODE_TC_EXEC_COLLECTOR,
  NC_NODE_EBPF_NOT_COLLECTED,
  NC_NODE_LOG_COLLECTOR_GAP,
  NC_NODE_AGENT_VERSION_UNKNOWN,
  NC_NODE_AGENT_VERSION_ASSUMED,
  NC_NODE_NO_NODE_IP,
  NC_NODE_UNSELECTED_PODS_MODE_UNKNOWN,
] as const;

/** A kind of "not checked" the catalogue declares: the only kinds a producer can emit. */
export type NotCheckedKind = (typeof NOT_CHECKED_CATALOG)[number]['kind'];

/** The declared kinds, for the report schema. */
export const NOT_CHECKED_KINDS = NOT_CHECKED_CATALOG.map((entry) => entry.kind);

/** The one way to produce a not-checked entry: from a catalogue entry, with the case's scope and reason. */
export function notCheckedOf(
  definition: NotCheckedDefinition<NotCheckedKind>,
  scope: string,
  reason: string,
): NotChecked {
  return { scope, reason, kind: definition.kind };
}
