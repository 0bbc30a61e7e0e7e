import type { ClusterInventory } from '#engine';

/** What was read, for `--verbose`. */
export function inventoryCounts(inventory: ClusterInventory): string {
  const unavailable = inventory.unavailableKinds.map((entry) => entry.kind);
  return [
    `${String(inventory.namespaces.length)} namespaces`,
    `${String(inventory.pods.length)} pods`,
    `${String(inventory.services.length)} Services`,
    `${String(inventory.nodes.length)} nodes`,
    `${String(inventory.networkPolicies.length)} NetworkPolicies`,
    `${String(inventory.policyEndpoints.length)} PolicyEndpoints`,
    ...(unavailable.length === 0 ? [] : [`not read: ${unavailable.join(', ')}`]),
  ].join(', ');
}
