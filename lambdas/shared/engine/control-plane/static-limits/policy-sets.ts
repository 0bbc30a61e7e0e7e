import type { ResolvedPolicy } from '../../model/resolved-policy';

/** A selected pod; it may be the PodEndpoint itself, so read only these two fields. */
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
  /** The signature of the policies selecting the pod `namespace/name`, `undefined` when none selects it. */
  signatureOf(podKey: string): string | undefined;
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
 * same set get the same merged rules from the agent, so per-pod checks run once per set. A pod's signature grows as a
 * string while the policies are visited in order, and the per-pod map it is built in answers `signatureOf`.
 */
export function groupByPolicySet(expected: readonly ResolvedPolicy[]): PolicySets {
  const policiesOfPod = new Map<string, { readonly pod: PodRef; signature: string; last: number }>();
  expected.forEach((policy, index) => {
    for (const endpoint of policy.podSelectorEndpoints) {
      const key = podKey(endpoint);
      const entry = policiesOfPod.get(key);
      if (entry === undefined) {
        policiesOfPod.set(key, { pod: endpoint, signature: String(index), last: index });
      } else if (entry.last !== index) {
        entry.signature = `${entry.signature},${String(index)}`;
        entry.last = index;
      }
    }
  });
  const groups = new Map<string, PolicySetGroup>();
  for (const { pod, signature } of policiesOfPod.values()) {
    const group = groups.get(signature);
    if (group === undefined) {
      const policies = signature
        .split(',')
        .map((index) => expected[Number(index)])
        .filter((policy): policy is ResolvedPolicy => policy !== undefined);
      groups.set(signature, { signature, policies, pods: [pod] });
    } else {
      group.pods.push(pod);
    }
  }
  return { groups, signatureOf: (key) => policiesOfPod.get(key)?.signature };
}
