import type { ClusterInventory } from '../../model/cluster';
import type { Finding, ResourceRef } from '../../model/finding';
import type { ParsedNodeBundle } from '../bundle';
import type { CidrParser } from '../../facts/cidr';
import type { ExpectedIdentifierState, ExpectedNodeState, ExpectedPod } from '../expected/expected-node-state';
import type { PolicyDirection, TcHook } from '../model';
import type { LpmDiffs } from './maps';

/** Everything one node's comparison needs: read-only inputs, and the findings sink the steps append to. */
export interface NodeCompareContext {
  readonly bundle: ParsedNodeBundle;
  readonly expected: ExpectedNodeState;
  readonly cidrs: CidrParser;
  readonly owners: IpOwners;
  /** LPM diffs of this audit, by expected entries and dump. */
  readonly lpmDiffs: LpmDiffs;
  /** Append-only: each step adds its findings; no step reads another's, so their order does not matter. */
  readonly findings: Finding[];
  /** tc outputs can be compared (tc files or a veth list exist, tc was not missing). */
  readonly tcAvailable: boolean;
}

/** Which object a host IP belongs to, for messages (`pod default/accesstrue`, `node ip-…`, `service …`). */
export class IpOwners {
  private readonly owners = new Map<string, string[]>();

  static of(inventory: ClusterInventory): IpOwners {
    const owners = new IpOwners();
    for (const pod of inventory.pods) {
      const ip = pod.status.podIP;
      if (ip === undefined || ip === '' || pod.spec.hostNetwork === true) continue;
      owners.add(ip, `pod ${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    for (const node of inventory.nodes) {
      for (const address of node.status.addresses ?? []) {
        if (address.type === 'InternalIP') owners.add(address.address, `node ${node.metadata.name}`);
      }
    }
    for (const service of inventory.services) {
      const ip = service.spec.clusterIP;
      if (ip !== undefined && ip !== '' && ip !== 'None') {
        owners.add(ip, `service ${service.metadata.namespace}/${service.metadata.name}`);
      }
    }
    return owners;
  }

  private add(ip: string, owner: string): void {
    const list = this.owners.get(ip);
    if (list === undefined) this.owners.set(ip, [owner]);
    else if (!list.includes(owner)) list.push(owner);
  }

  /** `10.0.1.5/32 (pod shop/web-1)`; the owner is named for host keys only. */
  describe(cidr: string): string {
    const slash = cidr.indexOf('/');
    const ip = slash < 0 ? cidr : cidr.slice(0, slash);
    const length = slash < 0 ? undefined : Number(cidr.slice(slash + 1));
    const host = length === undefined || length === 32 || length === 128;
    const owners = host ? this.owners.get(ip) : undefined;
    return owners === undefined ? cidr : `${cidr} (${owners.join(', ')})`;
  }
}

export function hookOf(direction: PolicyDirection): TcHook {
  return direction === 'ingress' ? 'egress' : 'ingress';
}

export function nodeResource(nodeName: string): ResourceRef {
  return { kind: 'Node', name: nodeName, node: nodeName };
}

export function podResource(pod: ExpectedPod, nodeName: string): ResourceRef {
  return { kind: 'Pod', namespace: pod.namespace, name: pod.name, node: nodeName };
}

/** Maps and programs are shared by all pods of an identifier: findings about them name the identifier. */
export function identifierResource(
  identifier: string,
  nodeName: string,
  pods: readonly ExpectedPod[] = [],
): ResourceRef {
  const namespaces = new Set(pods.map((pod) => pod.namespace));
  const namespace = namespaces.size === 1 ? [...namespaces][0] : undefined;
  return namespace === undefined
    ? { kind: 'PodIdentifier', name: identifier, node: nodeName }
    : { kind: 'PodIdentifier', namespace, name: identifier, node: nodeName };
}

export function podList(pods: readonly ExpectedPod[]): string {
  return pods.map((pod) => `${pod.namespace}/${pod.name}`).join(', ');
}

export function identifierLabel(state: ExpectedIdentifierState): string {
  return `${state.podIdentifier} (pods ${podList(state.pods)})`;
}

/** Lists at most `limit` items, then `… and N more`. */
export function listSome(items: readonly string[], limit = 5): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')} … and ${items.length - limit} more`;
}
