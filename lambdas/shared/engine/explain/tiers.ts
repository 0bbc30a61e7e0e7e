import type { ClusterPolicyAction } from '../model/kubernetes';

/** A matching ClusterNetworkPolicy rule or ClusterPolicyEndpoint entry, ranked as the datapath ranks cp slots. */
export interface TierCandidate<T> {
  readonly priority: number;
  readonly action: ClusterPolicyAction;
  readonly source: T;
}

const ACTION_ORDER: Readonly<Record<ClusterPolicyAction, number>> = { Deny: 0, Accept: 1, Pass: 2 };

/**
 * agent.md §2.6: the lowest priority wins; on a tie the lower action code (Deny 0 < Accept 1 < Pass 2). The first
 * candidate in input order wins a full tie.
 */
export function tierWinner<T>(candidates: readonly TierCandidate<T>[]): TierCandidate<T> | undefined {
  let best: TierCandidate<T> | undefined;
  for (const candidate of candidates) {
    if (
      best === undefined ||
      candidate.priority < best.priority ||
      (candidate.priority === best.priority && ACTION_ORDER[candidate.action] < ACTION_ORDER[best.action])
    ) {
      best = candidate;
    }
  }
  return best;
}
