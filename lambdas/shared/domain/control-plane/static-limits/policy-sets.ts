import type { ResolvedPolicy } from '../../model/resolved-policy';

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
}

export interface PolicySetGroup {
  readonly signature: string;
  readonly policies: readonly ResolvedPolicy[];
  readonly pods: PodRef[];
}

export interface PolicySets {
  /** `namespace/name` of a selected pod → the signature of the policies selecting it. */
  readonly signatureOfPod: ReadonlyMap<string, string>;
  readonly groups: ReadonlyMap<string, PolicySetGroup>;
}

export function podKey(pod: PodRef): string {
  return `${pod.namespace}/${pod.name}`;
}

export function policyName(policy: ResolvedPolicy): string {
  return `${policy.policyRef.namespace}/${policy.policyRef.name}`;
}

/**
 * Pods grouped by the exact set of policies selecting them (from the expected podSelectorEndpoints). Pods with the
 * same set get the same merged rules from the agent, so per-pod checks run once per set.
 */
export function groupByPolicySet(expected: readonly ResolvedPolicy[]): PolicySets {
  const policiesOfPod = new Map<string, { pod: PodRef; indexes: number[] }>();
  expected.forEach((policy, index) => {
    for (const endpoint of policy.podSelectorEndpoints) {
      const pod = { namespace: endpoint.namespace, name: endpoint.name };
      const key = podKey(pod);
      const entry = policiesOfPod.get(key);
      if (entry === undefined) policiesOfPod.set(key, { pod, indexes: [index] });
      else if (entry.indexes[entry.indexes.length - 1] !== index) entry.indexes.push(index);
    }
  });
  const signatureOfPod = new Map<string, string>();
  const groups = new Map<string, PolicySetGroup>();
  for (const [key, { pod, indexes }] of policiesOfPod) {
    const signature = indexes.join(',');
    signatureOfPod.set(key, signature);
    const group = groups.get(signature);
    if (group === undefined) {
      const policies = indexes
        .map((index) => expected[index])
        .filter((policy): policy is ResolvedPolicy => policy !== undefined);
      groups.set(signature, { signature, policies, pods: [pod] });
    } else {
      group.pods.push(pod);
    }
  }
  return { signatureOfPod, groups };
}
