import { LabelIndex } from '../../label-index';
import type { ClusterInventory } from '../../model/cluster';
import type { LabelSelector, Namespace, Pod, PodEndpoint, Service } from '../../model/kubernetes';
import { EntryPool } from './entries';
import { isHostNetwork, isNetworkReady, podEndpointOf, podIp } from './pods';

const CLUSTER_SCOPE = '';

/**
 * Indexed, memoised lookups over one inventory: pods by namespace and labels, namespaces by labels,
 * services by namespace, and the pods behind each Service. Nothing here scans every pod.
 */
export class ClusterIndex {
  /** Pod entries shared by every policy resolved against this index. */
  readonly entryPool = new EntryPool();
  private readonly pods: LabelIndex<Pod>;
  private readonly namespaces: LabelIndex<Namespace>;
  private readonly servicesByNamespace = new Map<string, Service[]>();
  private readonly readyPodsMemo = new Map<string, readonly Pod[]>();
  private readonly namespacesMemo = new Map<string, readonly string[]>();
  private readonly serviceBackendsMemo = new Map<Service, readonly Pod[]>();
  private readonly podEndpointsMemo = new Map<readonly Pod[], readonly PodEndpoint[]>();
  private readonly podIpsMemo = new Map<readonly Pod[], readonly string[]>();

  constructor(inventory: Pick<ClusterInventory, 'pods' | 'namespaces' | 'services'>) {
    this.pods = new LabelIndex(
      inventory.pods,
      (pod) => pod.metadata.namespace,
      (pod) => pod.metadata.labels ?? {},
    );
    this.namespaces = new LabelIndex(
      inventory.namespaces,
      () => CLUSTER_SCOPE,
      (namespace) => namespace.metadata.labels ?? {},
    );
    for (const service of inventory.services) {
      const list = this.servicesByNamespace.get(service.metadata.namespace) ?? [];
      list.push(service);
      this.servicesByNamespace.set(service.metadata.namespace, list);
    }
  }

  /** Network-ready pods of `namespace` matched by `selector` (absent: all), hostNetwork pods included. */
  readyPods(namespace: string, selector: LabelSelector | undefined): readonly Pod[] {
    const key = `${namespace}\u0000${selectorKey(selector)}`;
    let pods = this.readyPodsMemo.get(key);
    if (pods === undefined) {
      pods = this.pods.select(namespace, selector).filter(isNetworkReady);
      this.readyPodsMemo.set(key, pods);
    }
    return pods;
  }

  /** The IPs of the pods `readyPods` returns, in the same order. */
  readyPodIps(namespace: string, selector: LabelSelector | undefined): readonly string[] {
    const pods = this.readyPods(namespace, selector);
    let ips = this.podIpsMemo.get(pods);
    if (ips === undefined) {
      ips = pods.map(podIp);
      this.podIpsMemo.set(pods, ips);
    }
    return ips;
  }

  /** §2.2: endpoints of the ready pods `readyPods` returns, hostNetwork pods excluded; shared, never modified. */
  selectedPodEndpoints(namespace: string, selector: LabelSelector | undefined): readonly PodEndpoint[] {
    const pods = this.readyPods(namespace, selector);
    let endpoints = this.podEndpointsMemo.get(pods);
    if (endpoints === undefined) {
      endpoints = pods.filter((pod) => !isHostNetwork(pod)).map(podEndpointOf);
      this.podEndpointsMemo.set(pods, endpoints);
    }
    return endpoints;
  }

  /** Names of the Namespace objects whose labels match `selector` (`{}` = all). */
  namespacesMatching(selector: LabelSelector): readonly string[] {
    const key = selectorKey(selector);
    let names = this.namespacesMemo.get(key);
    if (names === undefined) {
      names = this.namespaces.select(CLUSTER_SCOPE, selector).map((namespace) => namespace.metadata.name);
      this.namespacesMemo.set(key, names);
    }
    return names;
  }

  servicesIn(namespace: string): readonly Service[] {
    return this.servicesByNamespace.get(namespace) ?? [];
  }

  /**
   * All pods of the Service's namespace whose labels match its selector, with no readiness, phase or IP filter
   * (§2.6 pod scan and bypass guard). An absent or empty selector selects every pod of the namespace, as the
   * controller's label-set selector does.
   */
  podsSelectedByService(service: Service): readonly Pod[] {
    let pods = this.serviceBackendsMemo.get(service);
    if (pods === undefined) {
      pods = this.pods.select(service.metadata.namespace, { matchLabels: service.spec.selector ?? {} });
      this.serviceBackendsMemo.set(service, pods);
    }
    return pods;
  }
}

/** Collision-free memo key for a selector (absent and empty are distinguished). */
export function selectorKey(selector: LabelSelector | undefined): string {
  if (selector === undefined) return 'absent';
  let key = selectorKeys.get(selector);
  if (key === undefined) {
    key = computeSelectorKey(selector);
    selectorKeys.set(selector, key);
  }
  return key;
}

const selectorKeys = new WeakMap<LabelSelector, string>();

function computeSelectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const expressions = (selector.matchExpressions ?? []).map((requirement) => [
    requirement.key,
    requirement.operator,
    [...(requirement.values ?? [])].sort(),
  ]);
  return JSON.stringify([labels, expressions]);
}
