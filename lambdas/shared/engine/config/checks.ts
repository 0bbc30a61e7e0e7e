import { KNOWN_BUGS, type KnownBug } from '../facts/known-bugs';
import { defineCheck, type CheckDefinition } from '../model/check';
import type { Severity } from '../model/finding';

const DIR = 'lambdas/shared/engine/config';
const CHECK_CNI = `${DIR}/check-cni.ts`;
const CHECK_ADDON = `${DIR}/check-addon.ts`;
const CHECK_AGENT = `${DIR}/check-agent.ts`;
const CHECK_SETTINGS = `${DIR}/check-settings.ts`;
const CHECK_MODE = `${DIR}/check-mode.ts`;

/** Says plainly what an add-on update with OVERWRITE does to enforcement. */
const OVERWRITE_CHANGES_ENFORCEMENT =
  'This changes enforcement: --resolve-conflicts OVERWRITE replaces every hand-edited aws-node and amazon-vpc-cni ' +
  'setting with the add-on values, which can reset enableNetworkPolicy and NETWORK_POLICY_ENFORCING_MODE and switch ' +
  'the cluster to strict (pods no policy allows are then denied all traffic) or back to standard; read ' +
  '`aws eks describe-addon --cluster-name {cluster} --addon-name vpc-cni --query addon.configurationValues` first, ' +
  'or use --resolve-conflicts PRESERVE.';

/** `--configuration-values` replaces the whole value set, so keys left out fall back to the chart defaults. */
const VALUES_REPLACE_ALL =
  '--configuration-values replaces all values: keep the other keys you set (for example env.NETWORK_POLICY_ENFORCING_MODE), ' +
  'or the mode falls back to standard.';

const ENABLE_NETWORK_POLICY =
  'aws eks update-addon --cluster-name {cluster} --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\'';

const SHOW_ADDON_VALUES =
  'aws eks describe-addon --cluster-name {cluster} --addon-name vpc-cni --query addon.configurationValues --output text';

const SHOW_IMAGES =
  "kubectl get daemonset aws-node -n kube-system -o jsonpath='{.spec.template.spec.containers[*].image}'";

const SHOW_AGENT_ARGS =
  'kubectl get daemonset aws-node -n kube-system -o jsonpath=\'{.spec.template.spec.containers[?(@.name=="aws-eks-nodeagent")].args}\'';

const SHOW_AWS_NODE_ENV =
  'kubectl get daemonset aws-node -n kube-system -o jsonpath=\'{.spec.template.spec.containers[?(@.name=="aws-node")].env}\'';

const SHOW_MODE =
  'kubectl get daemonset aws-node -n kube-system -o jsonpath=\'{.spec.template.spec.containers[?(@.name=="aws-node")].env[?(@.name=="NETWORK_POLICY_ENFORCING_MODE")].value}\'';

const ENABLING_ENFORCES = 'This changes enforcement: every existing NetworkPolicy starts to be enforced on the nodes.';

/** The order that turns network policy off without leaving programs behind (aws/aws-network-policy-agent#97). */
const SAFE_DISABLE_ORDER =
  'To keep network policy off instead, switch it off only when no PolicyEndpoints remain: delete the NetworkPolicies (and ClusterNetworkPolicies) first, wait until kubectl get policyendpoints -A lists none, then disable; ' +
  'if it is already off while PolicyEndpoints exist, turn it back on first. Disabled with PolicyEndpoints present, the agent leaves their eBPF programs on the pods (agents before v1.1.5 crash-loop instead).';

const AGENT_97 = 'https://github.com/aws/aws-network-policy-agent/issues/97';
const AGENT_135 = 'https://github.com/aws/aws-network-policy-agent/issues/135';
const AGENT_568 = 'https://github.com/aws/aws-network-policy-agent/issues/568';

/** Links about turning network policy off while PolicyEndpoints exist: a finding names them only when some do. */
export const DISABLE_HAZARD_LINKS: ReadonlySet<string> = new Set([AGENT_97, AGENT_135, AGENT_568]);

export const CFG_AUTO_MODE = defineCheck({
  id: 'CFG-AUTO-MODE',
  layer: 'config',
  severity: 'info',
  title: 'EKS Auto Mode cluster',
  compares:
    'DescribeCluster computeConfig.enabled, which replaces the vpc-cni add-on and aws-node DaemonSet with the Auto Mode data plane.',
  resource: 'cluster-wide',
  remediation:
    'Nothing to fix: on Auto Mode, network policy is turned on by the kube-system/amazon-vpc-cni ConfigMap and the NodeClass spec.networkPolicy, not by an add-on.',
  verify:
    "aws eks describe-cluster --name {cluster} --query cluster.computeConfig && kubectl get nodeclass -o jsonpath='{.items[*].spec.networkPolicy}'",
  upstream: [],
  emittedBy: CHECK_CNI,
});

export const CFG_CNI_MISSING = defineCheck({
  id: 'CFG-CNI-MISSING',
  layer: 'config',
  severity: 'high',
  title: 'Amazon VPC CNI not found',
  compares:
    'Whether a vpc-cni add-on or a kube-system/aws-node DaemonSet exists on a cluster that is not in Auto Mode.',
  resource: 'cluster-wide',
  remediation:
    'If another CNI (Cilium, Calico) enforces policy, this audit does not apply. Otherwise install the add-on with network policy: aws eks create-addon --cluster-name {cluster} --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\'. ' +
    ENABLING_ENFORCES,
  verify:
    'aws eks describe-addon --cluster-name {cluster} --addon-name vpc-cni --query addon.status && kubectl get daemonset aws-node -n kube-system',
  upstream: [],
  emittedBy: CHECK_CNI,
});

export const CFG_CNI_SELF_MANAGED = defineCheck({
  id: 'CFG-CNI-SELF-MANAGED',
  layer: 'config',
  severity: 'info',
  title: 'Self-managed VPC CNI',
  compares: 'Whether the aws-node DaemonSet runs without a vpc-cni EKS add-on (Helm or manifest install).',
  resource: 'namespaced',
  remediation:
    'Nothing to fix; the add-on checks are skipped. To move {namespace}/{name} to the EKS add-on, write its settings into values.json and run aws eks create-addon --cluster-name {cluster} --addon-name vpc-cni --configuration-values file://values.json --resolve-conflicts OVERWRITE. ' +
    OVERWRITE_CHANGES_ENFORCEMENT,
  verify: 'aws eks list-addons --cluster-name {cluster} && kubectl get daemonset {name} -n {namespace} -o yaml',
  upstream: [],
  emittedBy: CHECK_CNI,
});

export const CFG_CNI_DAEMONSET_MISSING = defineCheck({
  id: 'CFG-CNI-DAEMONSET-MISSING',
  layer: 'config',
  severity: 'high',
  title: 'vpc-cni add-on without a live aws-node DaemonSet',
  compares: 'The vpc-cni add-on against the presence of the kube-system/aws-node DaemonSet it manages.',
  resource: 'namespaced',
  remediation:
    'Let the add-on re-create {namespace}/{name}: aws eks update-addon --cluster-name {cluster} --addon-name vpc-cni --resolve-conflicts OVERWRITE. ' +
    OVERWRITE_CHANGES_ENFORCEMENT,
  verify: 'kubectl get daemonset {name} -n {namespace} && kubectl rollout status daemonset/{name} -n {namespace}',
  upstream: [],
  emittedBy: CHECK_CNI,
});

export const CFG_CNI_VERSION = defineCheck({
  id: 'CFG-CNI-VERSION',
  layer: 'config',
  severity: 'critical',
  title: 'VPC CNI too old for network policy',
  compares: 'The VPC CNI version against 1.14.0, the first release with network policy support.',
  resource: 'cluster-wide',
  remediation:
    'Upgrade the VPC CNI to 1.14.0 or later: aws eks update-addon --cluster-name {cluster} --addon-name vpc-cni --addon-version <version> (list them with aws eks describe-addon-versions --addon-name vpc-cni), or upgrade the Helm chart. ' +
    'Once enableNetworkPolicy is "true", existing NetworkPolicies start to be enforced.',
  verify: `aws eks describe-addon --cluster-name {cluster} --addon-name vpc-cni --query addon.addonVersion && ${SHOW_IMAGES}`,
  upstream: [],
  emittedBy: CHECK_CNI,
});

export const CFG_CNI_VERSION_STRICT = defineCheck({
  id: 'CFG-CNI-VERSION-STRICT',
  layer: 'config',
  severity: 'high',
  title: 'VPC CNI too old for strict mode',
  compares:
    'The VPC CNI version against 1.17.1 when strict mode is live, intended by the add-on or desired by the user.',
  resource: 'cluster-wide',
  remediation:
    'Upgrade the VPC CNI to 1.17.1 or later (aws eks update-addon --cluster-name {cluster} --addon-name vpc-cni --addon-version <version>). ' +
    'This changes enforcement: after the upgrade NETWORK_POLICY_ENFORCING_MODE=strict takes effect and new pods start default-deny, so allow DNS and required traffic first.',
  verify: `${SHOW_IMAGES} && ${SHOW_MODE}`,
  upstream: [],
  emittedBy: CHECK_CNI,
});

export const CFG_CNI_VERSION_CNP = defineCheck({
  id: 'CFG-CNI-VERSION-CNP',
  layer: 'config',
  severity: 'high',
  title: 'VPC CNI too old for ClusterNetworkPolicy',
  compares: 'The VPC CNI version against 1.21.0 when ClusterNetworkPolicy objects exist in the cluster.',
  resource: 'cluster-wide',
  remediation:
    'Upgrade the VPC CNI to 1.21.0 or later (aws eks update-addon --cluster-name {cluster} --addon-name vpc-cni --addon-version <version>), or delete the ClusterNetworkPolicies you do not want. ' +
    'This changes enforcement: after the upgrade the ClusterNetworkPolicies start to be enforced.',
  verify: `kubectl get clusternetworkpolicies && ${SHOW_IMAGES}`,
  upstream: [],
  emittedBy: CHECK_CNI,
});

export const CFG_VERSION_UNKNOWN = defineCheck({
  id: 'CFG-VERSION-UNKNOWN',
  layer: 'config',
  severity: 'medium',
  title: 'Version could not be judged',
  compares:
    'Whether the VPC CNI version (add-on addonVersion, aws-node image tag, VPC_CNI_VERSION) or the agent image tag parses as a semantic version.',
  resource: 'cluster-wide',
  remediation:
    'Run released images tagged v<major>.<minor>.<patch>(-eksbuild.<n>) for aws-node and aws-eks-nodeagent (the add-on does), so the version checks can run.',
  verify: `aws eks describe-addon --cluster-name {cluster} --addon-name vpc-cni --query addon.addonVersion && ${SHOW_IMAGES}`,
  upstream: [],
  emittedBy: [CHECK_CNI, `${DIR}/check-agent-version.ts`],
});

export const CFG_ADDON_STATUS = defineCheck({
  id: 'CFG-ADDON-STATUS',
  layer: 'config',
  severity: 'high',
  title: 'vpc-cni add-on not ACTIVE',
  compares: 'The vpc-cni add-on status against ACTIVE.',
  resource: 'cluster-wide',
  remediation:
    'Wait while the add-on is CREATING or UPDATING; for DEGRADED or *_FAILED fix the issues in addon.health, then retry aws eks update-addon --cluster-name {cluster} --addon-name {name}.',
  verify: "aws eks describe-addon --cluster-name {cluster} --addon-name {name} --query 'addon.[status,health.issues]'",
  upstream: [],
  emittedBy: CHECK_ADDON,
});

export const CFG_ADDON_HEALTH = defineCheck({
  id: 'CFG-ADDON-HEALTH',
  layer: 'config',
  severity: 'high',
  title: 'vpc-cni add-on health issue',
  compares: 'The vpc-cni add-on health.issues list against empty (one finding per issue code).',
  resource: 'cluster-wide',
  remediation:
    'Fix the issue the code names (ConfigurationConflict: a field was edited by hand; AccessDenied or AddonPermissionFailure: the add-on role), then update the add-on again. ' +
    OVERWRITE_CHANGES_ENFORCEMENT,
  verify: 'aws eks describe-addon --cluster-name {cluster} --addon-name {name} --query addon.health.issues',
  upstream: [],
  emittedBy: CHECK_ADDON,
});

export const CFG_ADDON_VALUES_MALFORMED = defineCheck({
  id: 'CFG-ADDON-VALUES-MALFORMED',
  layer: 'config',
  severity: 'medium',
  title: 'vpc-cni add-on configurationValues unreadable',
  compares:
    'Whether the add-on configurationValues string parses as a JSON or YAML object with the documented value types.',
  resource: 'cluster-wide',
  remediation:
    'Rewrite the configurationValues as a JSON or YAML object valid against the schema of aws eks describe-addon-configuration --addon-name {name} --addon-version <version>, and apply it with aws eks update-addon --cluster-name {cluster} --addon-name {name} --configuration-values file://values.json. ' +
    'Whatever the new values say about enableNetworkPolicy and NETWORK_POLICY_ENFORCING_MODE becomes the enforcement: write both out.',
  verify: SHOW_ADDON_VALUES,
  upstream: [],
  emittedBy: CHECK_ADDON,
});

export const CFG_ADDON_KEY_CASE = defineCheck({
  id: 'CFG-ADDON-KEY-CASE',
  layer: 'config',
  severity: 'medium',
  title: 'Mis-cased vpc-cni configuration key',
  compares:
    'Each add-on configurationValues key (top level, nodeAgent.*, network-policy env variables) against the case-sensitive keys of the add-on (e.g. enableNetworkpolicy vs enableNetworkPolicy).',
  resource: 'cluster-wide',
  remediation:
    'Spell the key exactly as the add-on schema does (aws eks describe-addon-configuration --addon-name {name} --addon-version <version>) and update the add-on. ' +
    'The corrected setting then takes effect: for enableNetworkPolicy or NETWORK_POLICY_ENFORCING_MODE that changes enforcement. ' +
    VALUES_REPLACE_ALL,
  verify: SHOW_ADDON_VALUES,
  upstream: [],
  emittedBy: CHECK_ADDON,
});

export const CFG_ADDON_KEY_UNKNOWN = defineCheck({
  id: 'CFG-ADDON-KEY-UNKNOWN',
  layer: 'config',
  severity: 'medium',
  title: 'Unknown vpc-cni configuration key',
  compares:
    'Each top-level and nodeAgent.* key of the add-on configurationValues against the keys of the vpc-cni chart values the add-on schema derives from; a key within one edit per four characters of a known key is a likely misspelling (medium), any other unknown key is low.',
  resource: 'cluster-wide',
  placeholders: ['closest'],
  remediation:
    'Rename the key to {closest} if that is what you meant (compare with the schema of aws eks describe-addon-configuration --addon-name {name} --addon-version <version>), or remove it, and update the add-on: until then the setting you meant is not applied and keeps its default. ' +
    'The corrected setting then takes effect: for nodeAgent.enabled or enableNetworkPolicy that changes enforcement. ' +
    VALUES_REPLACE_ALL,
  verify:
    'aws eks describe-addon-configuration --addon-name {name} --addon-version $(aws eks describe-addon --cluster-name {cluster} --addon-name {name} --query addon.addonVersion --output text) --query configurationSchema --output text',
  upstream: [],
  emittedBy: CHECK_ADDON,
});

export const CFG_ADDON_NP_DISABLED = defineCheck({
  id: 'CFG-ADDON-NP-DISABLED',
  layer: 'config',
  severity: 'high',
  title: 'Add-on does not enable network policy',
  compares: 'The add-on configurationValues enableNetworkPolicy (absent means "false") against "true".',
  resource: 'cluster-wide',
  remediation: `${ENABLE_NETWORK_POLICY}. ${ENABLING_ENFORCES} ${VALUES_REPLACE_ALL} ${SAFE_DISABLE_ORDER}`,
  verify: `${SHOW_ADDON_VALUES} && kubectl get configmap amazon-vpc-cni -n kube-system -o jsonpath='{.data.enable-network-policy-controller}'`,
  upstream: [AGENT_97, AGENT_135],
  emittedBy: CHECK_ADDON,
});

export const CFG_ADDON_DRIFT = defineCheck({
  id: 'CFG-ADDON-DRIFT',
  layer: 'config',
  severity: 'medium',
  title: 'Add-on configuration differs from the live DaemonSet or ConfigMap',
  compares:
    'Each network-policy setting of the add-on configurationValues (chart default when unset) against the live aws-node DaemonSet and amazon-vpc-cni ConfigMap.',
  resource: 'namespaced',
  remediation:
    'Decide which value is right. To keep the live value of {namespace}/{name}, write it into the add-on configurationValues and update with --resolve-conflicts PRESERVE; to restore the add-on intent, update with --resolve-conflicts OVERWRITE. ' +
    OVERWRITE_CHANGES_ENFORCEMENT,
  verify: `${SHOW_ADDON_VALUES} && kubectl get {kind} {name} -n {namespace} -o yaml`,
  upstream: [],
  emittedBy: `${DIR}/check-drift.ts`,
});

export const CFG_AGENT_MISSING = defineCheck({
  id: 'CFG-AGENT-MISSING',
  layer: 'config',
  severity: 'critical',
  title: 'Network policy agent container missing',
  compares: 'The live aws-node DaemonSet containers against the aws-eks-nodeagent container.',
  resource: 'namespaced',
  remediation:
    `Add the aws-eks-nodeagent container to {namespace}/{name}: with the add-on, ${ENABLE_NETWORK_POLICY}; self-managed, upgrade the chart or manifest to 1.14+ with the node agent enabled. ` +
    `${ENABLING_ENFORCES} ${SAFE_DISABLE_ORDER}`,
  verify: "kubectl get daemonset {name} -n {namespace} -o jsonpath='{.spec.template.spec.containers[*].name}'",
  upstream: [AGENT_97],
  emittedBy: CHECK_AGENT,
});

export const CFG_AGENT_NP_DISABLED = defineCheck({
  id: 'CFG-AGENT-NP-DISABLED',
  layer: 'config',
  severity: 'critical',
  title: 'Network policy agent not enabled',
  compares: 'The aws-eks-nodeagent --enable-network-policy argument against true.',
  resource: 'namespaced',
  remediation:
    'Run aws-eks-nodeagent of {namespace}/{name} with --enable-network-policy=true: add-on enableNetworkPolicy "true" (which also sets the ConfigMap key enable-network-policy-controller), or the same value in the Helm chart. ' +
    `${ENABLING_ENFORCES} ${SAFE_DISABLE_ORDER}`,
  verify:
    'kubectl get daemonset {name} -n {namespace} -o jsonpath=\'{.spec.template.spec.containers[?(@.name=="aws-eks-nodeagent")].args}\'',
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/231', AGENT_97, AGENT_135],
  emittedBy: CHECK_AGENT,
});

export const CFG_MODE_WITHOUT_AGENT = defineCheck({
  id: 'CFG-MODE-WITHOUT-AGENT',
  layer: 'config',
  severity: 'critical',
  title: 'Enforcing mode set without the agent container',
  compares:
    'NETWORK_POLICY_ENFORCING_MODE on the aws-node container against the presence of the aws-eks-nodeagent container.',
  resource: 'namespaced',
  remediation:
    'Either add the agent container (enable network policy, which changes enforcement: policies and the mode start to apply) or remove NETWORK_POLICY_ENFORCING_MODE from the aws-node container of {namespace}/{name} so pods can be created again.',
  verify: "kubectl get daemonset {name} -n {namespace} -o jsonpath='{.spec.template.spec.containers[*].name}'",
  upstream: [],
  emittedBy: CHECK_AGENT,
});

export const CFG_CONFIGMAP_CONTROLLER_DISABLED = defineCheck({
  id: 'CFG-CONFIGMAP-CONTROLLER-DISABLED',
  layer: 'config',
  severity: 'critical',
  title: 'Network policy controller not enabled',
  compares: 'The kube-system/amazon-vpc-cni ConfigMap key enable-network-policy-controller against "true".',
  resource: 'namespaced',
  remediation:
    'Set enable-network-policy-controller: "true" in ConfigMap {namespace}/{name} (the add-on does so with enableNetworkPolicy "true"). ' +
    'This changes enforcement: the controller starts publishing PolicyEndpoints and existing policies start to be enforced. ' +
    'While it is off, PolicyEndpoints left from before are frozen (still enforced as they are) and deleted NetworkPolicies wait on their networking.k8s.aws/resources finalizer. ' +
    SAFE_DISABLE_ORDER,
  verify:
    "kubectl get configmap {name} -n {namespace} -o jsonpath='{.data.enable-network-policy-controller}' && kubectl get policyendpoints -A",
  upstream: [AGENT_568],
  emittedBy: `${DIR}/check-configmap.ts`,
});

export const CFG_MODE = defineCheck({
  id: 'CFG-MODE',
  layer: 'config',
  severity: 'info',
  title: 'Network policy enforcement mode',
  compares: 'Reports NETWORK_POLICY_ENFORCING_MODE of the aws-node container (standard when unset).',
  resource: 'cluster-wide',
  remediation:
    'Nothing to fix. To change the mode, set env.NETWORK_POLICY_ENFORCING_MODE in the vpc-cni add-on values; that changes enforcement (strict denies pods all traffic no policy allows, DNS included).',
  verify: SHOW_MODE,
  upstream: [],
  emittedBy: CHECK_MODE,
});

export const CFG_MODE_MISMATCH = defineCheck({
  id: 'CFG-MODE-MISMATCH',
  layer: 'config',
  severity: 'high',
  title: 'Enforcement mode differs from the desired mode',
  compares: 'The live enforcement mode (or the add-on intent when the DaemonSet is unknown) against the desired mode.',
  resource: 'cluster-wide',
  remediation:
    'Set env.NETWORK_POLICY_ENFORCING_MODE to the desired mode in the vpc-cni add-on values (keep enableNetworkPolicy "true") and update the add-on, or correct the desired mode of the audit. ' +
    'This changes enforcement: in strict mode pods no policy allows are denied all traffic (allow DNS first); in standard mode they are allowed everything.',
  verify: SHOW_MODE,
  upstream: [],
  emittedBy: CHECK_MODE,
});

export const CFG_MODE_INVALID = defineCheck({
  id: 'CFG-MODE-INVALID',
  layer: 'config',
  severity: 'high',
  title: 'Invalid enforcement mode value',
  compares: 'NETWORK_POLICY_ENFORCING_MODE (live env and add-on env) against "standard" or "strict".',
  resource: 'cluster-wide',
  remediation:
    'Set NETWORK_POLICY_ENFORCING_MODE to "standard" or "strict" in the add-on values (or the aws-node env). Once the value is valid it takes effect, which changes enforcement if it is "strict".',
  verify: `${SHOW_MODE} && ${SHOW_ADDON_VALUES}`,
  upstream: [],
  emittedBy: CHECK_MODE,
});

export const CFG_AGENT_VERSION_SKEW = defineCheck({
  id: 'CFG-AGENT-VERSION-SKEW',
  layer: 'config',
  severity: 'medium',
  title: 'Network policy agent version does not match the VPC CNI',
  compares:
    'The aws-eks-nodeagent image version against the agent shipped with the VPC CNI version (CNI 1.23+ requires agent 1.4.1+).',
  resource: 'namespaced',
  remediation:
    'Run the aws-eks-nodeagent image shipped with the VPC CNI version in {namespace}/{name}: update the add-on, which sets both images, or set the agent image tag to match in the chart.',
  verify: "kubectl get daemonset {name} -n {namespace} -o jsonpath='{.spec.template.spec.containers[*].image}'",
  upstream: [],
  emittedBy: `${DIR}/check-agent-version.ts`,
});

export const CFG_IPV6_MISMATCH = defineCheck({
  id: 'CFG-IPV6-MISMATCH',
  layer: 'config',
  severity: 'high',
  title: 'Agent IPv6 setting does not match the cluster IP family',
  compares: 'The agent --enable-ipv6 argument (or add-on nodeAgent.enableIpv6) against the cluster ipFamily.',
  resource: 'cluster-wide',
  remediation:
    'Set the agent --enable-ipv6 (add-on nodeAgent.enableIpv6) to match the cluster ipFamily. This changes enforcement: once it matches, policies are enforced for pods of that family.',
  verify: `aws eks describe-cluster --name {cluster} --query cluster.kubernetesNetworkConfig.ipFamily && ${SHOW_AGENT_ARGS}`,
  upstream: [],
  emittedBy: CHECK_SETTINGS,
});

export const CFG_BANDWIDTH_PLUGIN = defineCheck({
  id: 'CFG-BANDWIDTH-PLUGIN',
  layer: 'config',
  severity: 'high',
  title: 'Bandwidth plugin enabled',
  compares: 'ENABLE_BANDWIDTH_PLUGIN on the aws-node container against false (it conflicts with the tc programs).',
  resource: 'cluster-wide',
  remediation:
    'Set ENABLE_BANDWIDTH_PLUGIN to "false" on the aws-node container (add-on env.ENABLE_BANDWIDTH_PLUGIN) and drop bandwidth limits that rely on it.',
  verify: SHOW_AWS_NODE_ENV,
  upstream: [],
  emittedBy: CHECK_SETTINGS,
});

export const CFG_CLOUDWATCH_WITHOUT_EVENT_LOGS = defineCheck({
  id: 'CFG-CLOUDWATCH-WITHOUT-EVENT-LOGS',
  layer: 'config',
  severity: 'medium',
  title: 'CloudWatch logs without policy event logs',
  compares: 'The agent --enable-cloudwatch-logs argument against --enable-policy-event-logs, which it requires.',
  resource: 'cluster-wide',
  remediation:
    'Set --enable-policy-event-logs=true (add-on nodeAgent.enablePolicyEventLogs "true") or turn --enable-cloudwatch-logs off. Enforcement does not change.',
  verify: SHOW_AGENT_ARGS,
  upstream: ['https://github.com/aws/aws-network-policy-agent/issues/141'],
  emittedBy: CHECK_SETTINGS,
});

const SHOW_AGENT_IMAGE =
  'kubectl get daemonset {name} -n {namespace} -o jsonpath=\'{.spec.template.spec.containers[?(@.name=="aws-eks-nodeagent")].image}\'';

interface KnownBugCheck {
  readonly id: string;
  readonly bug: KnownBug;
  readonly severity: Severity;
  readonly title: string;
  /** What the upgrade changes on the nodes, for the "changes enforcement" sentence. */
  readonly upgradeChanges: string;
}

/** A check for one entry of facts/known-bugs.ts: its version range, trigger, fix and links come from the entry. */
function knownBugCheck(spec: KnownBugCheck) {
  const { bug } = spec;
  return defineCheck({
    id: spec.id,
    layer: 'config',
    severity: spec.severity,
    title: spec.title,
    compares: `The network policy agent version against ${bug.affected} (fixed in v${bug.fixedIn}) and, when it is affected, the snapshot for ${bug.triggerNoun}.`,
    resource: 'namespaced',
    remediation:
      `Upgrade the VPC CNI to ${bug.fixedFromCni} or later, whose agent is v${bug.fixedIn} or later (aws eks update-addon --cluster-name {cluster} --addon-name vpc-cni --addon-version <version>; self-managed: the chart or manifest of {namespace}/{name}). ` +
      `This changes enforcement: ${spec.upgradeChanges}`,
    verify: SHOW_AGENT_IMAGE,
    upstream: bug.upstream,
    emittedBy: `${DIR}/check-known-bugs.ts`,
  });
}

export const CFG_AGENT_BUG_ATTACH_KEY = knownBugCheck({
  id: 'CFG-AGENT-BUG-ATTACH-KEY',
  bug: KNOWN_BUGS.attachKeyCollision,
  severity: 'high',
  title: 'Agent bug: colliding pod name + namespace leaves a pod without tc filters',
  upgradeChanges: 'the pods that had no filter get one and their policies start to apply to them.',
});

export const CFG_AGENT_BUG_DOTTED_POD_NAME = knownBugCheck({
  id: 'CFG-AGENT-BUG-DOTTED-POD-NAME',
  bug: KNOWN_BUGS.dottedPodName,
  severity: 'medium',
  title: 'Agent bug: pod names with a dot break reconcile or pin recovery',
  upgradeChanges: 'pods with a "." in the name get the programs their policies need, after the agent restarts.',
});

export const CFG_AGENT_BUG_EXCEPT = knownBugCheck({
  id: 'CFG-AGENT-BUG-EXCEPT',
  bug: KNOWN_BUGS.exceptRules,
  severity: 'high',
  title: 'Agent bug: ipBlock except programmed the pre-v1.2.4 way',
  upgradeChanges:
    'excepts are programmed as written, so traffic the old maps wrongly allowed inside an except is denied and allows the old except key overwrote come back.',
});

export const CONFIG_CHECKS: readonly CheckDefinition[] = [
  CFG_AUTO_MODE,
  CFG_CNI_MISSING,
  CFG_CNI_SELF_MANAGED,
  CFG_CNI_DAEMONSET_MISSING,
  CFG_CNI_VERSION,
  CFG_CNI_VERSION_STRICT,
  CFG_CNI_VERSION_CNP,
  CFG_VERSION_UNKNOWN,
  CFG_ADDON_STATUS,
  CFG_ADDON_HEALTH,
  CFG_ADDON_VALUES_MALFORMED,
  CFG_ADDON_KEY_CASE,
  CFG_ADDON_KEY_UNKNOWN,
  CFG_ADDON_NP_DISABLED,
  CFG_ADDON_DRIFT,
  CFG_AGENT_MISSING,
  CFG_AGENT_NP_DISABLED,
  CFG_MODE_WITHOUT_AGENT,
  CFG_CONFIGMAP_CONTROLLER_DISABLED,
  CFG_MODE,
  CFG_MODE_MISMATCH,
  CFG_MODE_INVALID,
  CFG_AGENT_VERSION_SKEW,
  CFG_IPV6_MISMATCH,
  CFG_BANDWIDTH_PLUGIN,
  CFG_CLOUDWATCH_WITHOUT_EVENT_LOGS,
  CFG_AGENT_BUG_ATTACH_KEY,
  CFG_AGENT_BUG_DOTTED_POD_NAME,
  CFG_AGENT_BUG_EXCEPT,
];
