import type { EffectiveConfiguration } from '../../model/assessment';
import type { ClusterInventory } from '../../model/cluster';
import type { Finding } from '../../model/finding';
import type { ResolvedPolicy } from '../../model/resolved-policy';
import { checkHostNetworkSelected } from './host-network';
import { checkPortsPerCidr } from './ports-per-cidr';
import { groupByPolicySet } from './policy-sets';
import { checkSharedPodIdentifier } from './shared-identifier';
import { checkStrictNoDns, checkStrictUnselected } from './strict-mode';

/** Enforcement limits visible from the Kubernetes API alone (aws.md §A1.8, agent.md §2.1, §2.3, §2.7, §2.8). */
export function checkStaticLimits(
  inventory: ClusterInventory,
  expected: readonly ResolvedPolicy[],
  effective: EffectiveConfiguration,
): Finding[] {
  const sets = groupByPolicySet(expected);
  const strict = effective.enforcementMode === 'strict';
  return [
    ...checkPortsPerCidr(sets, effective),
    ...checkHostNetworkSelected(inventory),
    ...checkSharedPodIdentifier(inventory, expected, sets, effective),
    ...(strict ? checkStrictNoDns(sets) : []),
    ...(strict ? checkStrictUnselected(inventory, sets) : []),
  ];
}
