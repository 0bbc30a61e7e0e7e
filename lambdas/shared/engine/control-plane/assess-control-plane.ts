/**
 * The control-plane layer: the PolicyEndpoints and ClusterPolicyEndpoints the controller wrote against what it must
 * write for the policies, pods, namespaces and Services (controller.md), and the limits visible from the API alone.
 */
import type { EffectiveConfiguration, LayerOutcome, NotChecked } from '../model/assessment';
import type { ClusterInventory } from '../model/cluster';
import type { CheckDefinition, Finding } from '../model/finding';
import { clusterResource, passedOf, type Evaluation } from '../model/outcome';
import type { ResolvedPolicy } from '../model/resolved-policy';
import { NC_CP_INPUTS_UNREADABLE, notCheckedOf } from '../not-checked-catalog';
import { UNTIMED, type PhaseTimer } from '../ports';
import { DIFF_CHECKS, diffClusterPolicyEndpoints, diffPolicyEndpoints } from './diff';
import { CP_CPE_ORPHAN, CP_CPE_POLICY_UNREADABLE, CP_PE_ORPHAN, CP_PE_POLICY_UNREADABLE } from './diff/checks';
import { isKindUnavailable } from './diff/diff-policy-endpoints';
import {
  checkServicePortMapping,
  ClusterIndex,
  resolveClusterNetworkPolicies,
  resolveNetworkPolicies,
  CP_SVC_PORT_UNMAPPED,
  type ResolvedClusterPolicy,
} from './resolver';
import { checkStaticLimits } from './static-limits';
import { CP_LIMIT_STRICT_NO_DNS, CP_LIMIT_STRICT_UNSELECTED, STATIC_LIMIT_CHECKS } from './static-limits/checks';

export interface ControlPlaneAssessment extends LayerOutcome {
  /** The expected content per NetworkPolicy / ApplicationNetworkPolicy (empty when the layer could not run). */
  readonly resolved: readonly ResolvedPolicy[];
}

/** Kinds the resolver cannot do without: if one could not be read, any expected content would be wrong. */
const RESOLVER_INPUT_KINDS: ReadonlySet<string> = new Set(['Namespace', 'Pod', 'Service', 'NetworkPolicy']);

/** The resolver inputs that could not be read; the control-plane and node layers do not run without them. */
export function missingResolverInputs(inventory: ClusterInventory): string[] {
  return inventory.unavailableKinds.filter((entry) => RESOLVER_INPUT_KINDS.has(entry.kind)).map((entry) => entry.kind);
}

/** Checks of PolicyEndpoints no resolved policy gathers: run once over the cluster. */
const PER_CLUSTER: ReadonlySet<CheckDefinition> = new Set([
  CP_PE_ORPHAN,
  CP_PE_POLICY_UNREADABLE,
  CP_CPE_ORPHAN,
  CP_CPE_POLICY_UNREADABLE,
]);
const perPolicy = (prefix: string): CheckDefinition[] =>
  DIFF_CHECKS.filter((check) => check.id.startsWith(prefix) && !PER_CLUSTER.has(check));
const POLICY_ENDPOINT_CHECKS = perPolicy('CP-PE-');
const CLUSTER_POLICY_ENDPOINT_CHECKS = perPolicy('CP-CPE-');
const STRICT_ONLY: ReadonlySet<CheckDefinition> = new Set([CP_LIMIT_STRICT_NO_DNS, CP_LIMIT_STRICT_UNSELECTED]);

/** Which checks ran on which resource: per policy for the content diff, the cluster for the rest. */
function evaluations(
  inventory: ClusterInventory,
  resolved: readonly ResolvedPolicy[],
  resolvedCluster: readonly ResolvedClusterPolicy[],
  effective: EffectiveConfiguration,
): Evaluation[] {
  const cluster = clusterResource(inventory.clusterName);
  const strict = effective.enforcementMode === 'strict';
  const result: Evaluation[] = [
    { checks: STATIC_LIMIT_CHECKS.filter((check) => strict || !STRICT_ONLY.has(check)), resource: cluster },
    { checks: [CP_SVC_PORT_UNMAPPED], resource: cluster },
  ];
  if (!isKindUnavailable(inventory, 'PolicyEndpoint')) {
    result.push({ checks: [CP_PE_ORPHAN, CP_PE_POLICY_UNREADABLE], resource: cluster });
    for (const policy of resolved) {
      const { namespace, name } = policy.policyRef;
      result.push({ checks: POLICY_ENDPOINT_CHECKS, resource: { kind: policy.kind, namespace, name } });
    }
  }
  if (!isKindUnavailable(inventory, 'ClusterPolicyEndpoint')) {
    result.push({ checks: [CP_CPE_ORPHAN, CP_CPE_POLICY_UNREADABLE], resource: cluster });
    for (const policy of resolvedCluster) {
      result.push({
        checks: CLUSTER_POLICY_ENDPOINT_CHECKS,
        resource: { kind: 'ClusterNetworkPolicy', name: policy.policyRef.name },
      });
    }
  }
  return result;
}

/** Resolves the expected PolicyEndpoint content, diffs it with the actual objects and checks the static limits. */
export function assessControlPlane(
  inventory: ClusterInventory,
  effective: EffectiveConfiguration,
  timer: PhaseTimer = UNTIMED,
): ControlPlaneAssessment {
  const missing = missingResolverInputs(inventory);
  if (missing.length > 0) {
    const notChecked: NotChecked = notCheckedOf(
      NC_CP_INPUTS_UNREADABLE,
      'control-plane layer',
      `${missing.join(', ')} could not be read, so the expected PolicyEndpoints cannot be computed without false drift`,
    );
    return { findings: [], passed: [], notChecked: [notChecked], resolved: [] };
  }
  const { index, resolved, resolvedCluster } = timer.time('control-plane-resolve', () => {
    const clusterIndex = new ClusterIndex(inventory);
    return {
      index: clusterIndex,
      resolved: resolveNetworkPolicies(inventory, clusterIndex),
      resolvedCluster: resolveClusterNetworkPolicies(inventory, clusterIndex),
    };
  });
  const findings: Finding[] = timer.time('control-plane-diff', () => [
    ...diffPolicyEndpoints(inventory, resolved),
    ...diffClusterPolicyEndpoints(inventory, resolvedCluster),
  ]);
  findings.push(...checkStaticLimits(inventory, resolved, effective), ...checkServicePortMapping(inventory, index));
  const passed = passedOf(evaluations(inventory, resolved, resolvedCluster, effective), findings);
  return { findings, passed, notChecked: [], resolved };
}
