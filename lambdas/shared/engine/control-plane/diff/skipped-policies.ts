import { z } from 'zod';
import { INPUT_MALFORMED_OBJECT } from '../../inventory/checks';
import type { ClusterInventory } from '../../model/cluster';

/** The `actual` INPUT-MALFORMED-OBJECT carries (inventory/project-object.ts). */
const MalformedObjectDetails = z.object({ reason: z.string() });

/**
 * `namespace/name` (`name` for cluster-wide kinds) → why the inventory skipped the object, for the malformed objects of `kinds`: their
 * PolicyEndpoints belong to a policy that exists but could not be read.
 */
export function skippedPolicyReasons(inventory: ClusterInventory, kinds: ReadonlySet<string>): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const finding of inventory.inputFindings) {
    const { kind, namespace, name } = finding.resource;
    if (finding.checkId !== INPUT_MALFORMED_OBJECT.id || !kinds.has(kind)) continue;
    const details = MalformedObjectDetails.safeParse(finding.actual);
    reasons.set(
      namespace === undefined ? name : `${namespace}/${name}`,
      details.success ? details.data.reason : finding.message,
    );
  }
  return reasons;
}
