import { findingOf, type Finding, type ResourceRef } from '../../model/finding';
import type { EndpointInfo } from '../../model/kubernetes';
import {
  canonicalGroups,
  canonicalPort,
  describePorts,
  groupKeyOf,
  portKey,
  viewOf,
  type CanonicalGroup,
  type EndpointLike,
  type GroupView,
} from './canonical';
import { CP_PE_ENTRY_KEY_COLLISION } from './checks';
import type { Direction } from './compare-content';

export const COLLIDING_CONTROLLER_VERSION = 'v1.1.7';
export const KEY_COLLISION_LINKS = [
  'https://github.com/aws/amazon-network-policy-controller-k8s/blob/v1.1.7/pkg/policyendpoints/manager.go#L452-L478',
  'https://github.com/aws/amazon-network-policy-controller-k8s/pull/260',
  'https://github.com/aws/amazon-network-policy-controller-k8s/pull/261',
  'https://github.com/aws/amazon-network-policy-controller-k8s/pull/263',
] as const;

/**
 * The text controller v1.1.7 hashes to key an entry (`getEndpointInfoKey`, pkg/policyendpoints/manager.go): the CIDR
 * or domainName, the except strings, then each port's protocol, port and endPort, all written without separators.
 * Equal texts mean one SHA-256 key, so only one of the entries reaches the PolicyEndpoints.
 */
export function controllerKeyText(entry: EndpointInfo): string {
  const domainName = entry.domainName ?? '';
  let text = domainName !== '' ? domainName : (entry.cidr ?? '') + (entry.except ?? []).join('');
  for (const port of entry.ports ?? []) {
    text += `${port.protocol ?? ''}${port.port === undefined ? '' : String(port.port)}`;
    text += port.endPort === undefined ? '' : String(port.endPort);
  }
  return text;
}

export interface KeyCollisionLoss {
  readonly lost: EndpointInfo;
  /** The entries with the same key that did reach the PolicyEndpoints. */
  readonly keptInstead: readonly EndpointInfo[];
  readonly keyText: string;
}

function covered(entry: EndpointInfo, actual: ReadonlyMap<string, CanonicalGroup>): boolean {
  const group = actual.get(groupKeyOf(entry, false));
  if (group === undefined) return false;
  if (group.allPorts) return true;
  const ports = entry.ports ?? [];
  return ports.length > 0 && ports.every((port) => group.ports.has(portKey(canonicalPort(port))));
}

/**
 * Expected entries missing from the PolicyEndpoints whose controller key another expected entry shares, where that
 * other entry is present: the controller's keying lost them. When no entry of a colliding set is present the
 * difference is not explained by the collision and is left to the ordinary comparison.
 */
export function keyCollisionLosses(
  expected: readonly EndpointInfo[],
  actual: readonly EndpointLike[],
): KeyCollisionLoss[] {
  const byKeyText = new Map<string, EndpointInfo[]>();
  for (const entry of expected) {
    const keyText = controllerKeyText(entry);
    const sharing = byKeyText.get(keyText);
    if (sharing === undefined) byKeyText.set(keyText, [entry]);
    else sharing.push(entry);
  }
  const colliding = [...byKeyText].filter(([, entries]) => entries.length > 1);
  if (colliding.length === 0) return [];
  const actualGroups = canonicalGroups(actual);
  const losses: KeyCollisionLoss[] = [];
  for (const [keyText, entries] of colliding) {
    const kept = entries.filter((entry) => covered(entry, actualGroups));
    if (kept.length === 0) continue;
    for (const entry of entries) if (!kept.includes(entry)) losses.push({ lost: entry, keptInstead: kept, keyText });
  }
  return losses;
}

function viewOfEntry(entry: EndpointInfo): GroupView {
  const group = canonicalGroups([entry]).values().next().value;
  return group === undefined ? { ports: 'all' } : viewOf(group);
}

function describeEntry(view: GroupView): string {
  const except = view.except === undefined ? '' : ` except ${view.except.join(',')}`;
  return `${view.cidr ?? view.domainName ?? ''}${except} ${describePorts(view.ports)}`;
}

export function keyCollisionFinding(resource: ResourceRef, direction: Direction, loss: KeyCollisionLoss): Finding {
  const lost = viewOfEntry(loss.lost);
  const kept = loss.keptInstead.map(viewOfEntry);
  const policy = `${resource.kind} ${resource.namespace ?? ''}/${resource.name}`;
  return findingOf(
    CP_PE_ENTRY_KEY_COLLISION,
    resource,
    `${policy}: the ${direction} entry ${describeEntry(lost)} never reached the PolicyEndpoints, so the traffic it ` +
      `allows is dropped and nothing logs it. The network policy controller ${COLLIDING_CONTROLLER_VERSION} keys ` +
      `entries by a SHA-256 of the CIDR, the excepts and each port's protocol, port and endPort written without ` +
      `separators (getEndpointInfoKey, pkg/policyendpoints/manager.go), and "${loss.keyText}" is also the key of ` +
      `${kept.map(describeEntry).join('; ')}, which was kept instead.`,
    {
      expected: { direction, entry: lost },
      actual: {
        collidesWith: kept,
        controllerKeyText: loss.keyText,
        controllerVersion: COLLIDING_CONTROLLER_VERSION,
        upstream: KEY_COLLISION_LINKS,
      },
    },
  );
}
