import type { ClusterInventory } from '../../model/cluster';
import { findingOf, type Finding } from '../../model/finding';
import type { Pod } from '../../model/kubernetes';
import { LabelIndex } from '../../label-index';
import { CP_LIMIT_HOSTNETWORK_SELECTED } from './checks';
import { sample } from './sample';

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

export function isTerminal(pod: Pod): boolean {
  return pod.status.phase !== undefined && TERMINAL_PHASES.has(pod.status.phase);
}

/** hostNetwork pods matched by a policy's podSelector; only hostNetwork pods are indexed, so this stays cheap. */
export function checkHostNetworkSelected(inventory: ClusterInventory): Finding[] {
  const hostNetworkPods = inventory.pods.filter((pod) => pod.spec.hostNetwork === true && !isTerminal(pod));
  if (hostNetworkPods.length === 0) return [];
  const index = new LabelIndex(
    hostNetworkPods,
    (pod) => pod.metadata.namespace,
    (pod) => pod.metadata.labels ?? {},
  );
  const findings: Finding[] = [];
  for (const policy of [...inventory.networkPolicies, ...inventory.applicationNetworkPolicies]) {
    const { namespace, name } = policy.metadata;
    const selected = index.select(namespace, policy.spec.podSelector ?? {});
    if (selected.length === 0) continue;
    const pods = selected.map((pod) => pod.metadata.name);
    findings.push(
      findingOf(
        CP_LIMIT_HOSTNETWORK_SELECTED,
        { kind: policy.kind, namespace, name },
        `${policy.kind} ${namespace}/${name} selects ${String(pods.length)} hostNetwork pod(s) (${sample(pods).join(', ')}); the controller leaves them out of its PolicyEndpoints and they have no veth to enforce on, so the policy does not apply to them.`,
        { expected: { hostNetworkPods: 0 }, actual: { hostNetworkPods: pods.length, samplePods: sample(pods) } },
      ),
    );
  }
  return findings;
}
