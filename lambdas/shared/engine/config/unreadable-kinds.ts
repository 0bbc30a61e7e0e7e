import type { ClusterInventory } from '../model/cluster';

/**
 * The kinds among `kinds` that could not be listed (forbidden, failed), as the inventory names them. A kind whose
 * CRD is not installed has no objects, so it does not count. `Pod` matches `pods` as well.
 */
export function unreadableKinds(inventory: ClusterInventory, kinds: readonly string[]): string[] {
  const wanted = new Set(kinds.map((kind) => kind.toLowerCase()));
  return inventory.unavailableKinds
    .filter((u) => u.cause !== 'not-installed' && wanted.has(u.kind.toLowerCase().replace(/s$/, '')))
    .map((u) => u.kind);
}
