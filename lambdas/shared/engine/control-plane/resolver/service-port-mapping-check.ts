import type { ClusterInventory } from '../../model/cluster';
import { findingOf, type Finding } from '../../model/finding';
import type { EndpointInfo, EndpointPort, NetworkPolicy, Pod, Protocol, Service } from '../../model/kubernetes';
import { selectorMatches } from '../../selectors';
import { ClusterIndex, selectorKey } from './cluster-index';
import { CP_SVC_PORT_UNMAPPED } from './checks';
import { peerNamespaces, type PodsPeer } from './peers';
import { findNamedContainerPort, isNetworkReady } from './pods';
import { cidrContains } from '../../facts/cidr';
import { networkPolicyInput, type RulePort } from './policy-input';
import { resolvePolicyInput } from './resolve-policy';
import {
  defaultedServicePorts,
  isHeadlessService,
  serviceClusterIpPorts,
  serviceMatchesPeerSelector,
  type DefaultedServicePort,
  type RulePortMapping,
} from './service-ports';

interface RuleContext {
  readonly policy: NetworkPolicy;
  readonly ruleIndex: number;
  readonly rulePorts: readonly RulePort[];
  readonly peer: PodsPeer;
}

/** The container port a Service port forwards to on one pod (int targetPort, or the pod's first named match). */
function targetOnPod(servicePort: DefaultedServicePort, pod: Pod): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  return findNamedContainerPort(pod, servicePort.targetPort, servicePort.protocol)?.containerPort;
}

/** Whether the rule port, as the NetworkPolicy API means it, allows traffic to `target` on this pod. */
function rulePortAllowsOnPod(rulePort: RulePort, protocol: Protocol, target: number, pod: Pod): boolean {
  if (rulePort.protocol !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'string') {
    return findNamedContainerPort(pod, rulePort.port, protocol)?.containerPort === target;
  }
  return rulePort.endPort === undefined
    ? rulePort.port === target
    : rulePort.port <= target && target <= rulePort.endPort;
}

/** Service ports that forward to this rule port on at least one backend pod. */
function servicePortsServingRulePort(
  servicePorts: readonly DefaultedServicePort[],
  rulePort: RulePort,
  backends: readonly Pod[],
): DefaultedServicePort[] {
  return servicePorts.filter((servicePort) =>
    backends.some((pod) => {
      const target = targetOnPod(servicePort, pod);
      return target !== undefined && rulePortAllowsOnPod(rulePort, servicePort.protocol, target, pod);
    }),
  );
}

function portCovers(port: EndpointPort, servicePort: DefaultedServicePort): boolean {
  if ((port.protocol ?? 'TCP') !== servicePort.protocol) return false;
  if (port.port === undefined) return true;
  return port.endPort === undefined
    ? port.port === servicePort.port
    : port.port <= servicePort.port && servicePort.port <= port.endPort;
}

function formatRulePort(rulePort: RulePort): string {
  if (rulePort.port === undefined) return `${rulePort.protocol} (all ports)`;
  const range = rulePort.endPort === undefined ? '' : `-${rulePort.endPort}`;
  return `${rulePort.protocol}/${rulePort.port}${range}`;
}

function reasonFor(mapping: RulePortMapping | undefined): string {
  if (mapping === undefined) {
    return "the peer podSelector does not match the Service's selector read as a label set, so the Service is not considered";
  }
  switch (mapping.outcome) {
    case 'mapped':
      return `the rule port is mapped to listen port ${mapping.port.port ?? 'any'} only`;
    case 'no-target-port':
      return 'no service port has a targetPort that maps to the rule port (directly or through a selected pod)';
    case 'bypass-guard':
      return (
        `the named-targetPort bypass guard skipped it (service port ${mapping.servicePort.port} targets ` +
        `${String(mapping.servicePort.targetPort)}, which is ${mapping.containerPort} on pod ${mapping.pod})`
      );
  }
}

/** Ready peer pods that are also selected by the Service, memoised per Service and peer selector. */
class BackendLookup {
  private readonly memo = new Map<string, readonly Pod[]>();
  constructor(private readonly index: ClusterIndex) {}

  backends(service: Service, peer: PodsPeer): readonly Pod[] {
    const key = `${service.metadata.namespace}\u0000${service.metadata.name}\u0000${selectorKey(peer.podSelector)}`;
    let pods = this.memo.get(key);
    if (pods === undefined) {
      const peerSelector = peer.podSelector ?? {};
      pods = this.index
        .podsSelectedByService(service)
        .filter((pod) => isNetworkReady(pod) && selectorMatches(peerSelector, pod.metadata.labels ?? {}));
      this.memo.set(key, pods);
    }
    return pods;
  }
}

/** A Service port that forwards to a rule port but is not opened by that peer's ClusterIP entry. */
interface Gap {
  readonly context: RuleContext;
  readonly service: Service;
  readonly rulePort: RulePort;
  readonly uncovered: readonly DefaultedServicePort[];
  readonly mapping: RulePortMapping | undefined;
}

function serviceGaps(context: RuleContext, service: Service, backends: readonly Pod[], index: ClusterIndex): Gap[] {
  const servicePorts = defaultedServicePorts(service);
  const matches = serviceMatchesPeerSelector(service, context.peer.podSelector);
  const mappings = matches
    ? serviceClusterIpPorts(service, context.rulePorts, index.podsSelectedByService(service))
    : [];
  const entryPorts = mappings.flatMap((mapping) => (mapping.outcome === 'mapped' ? [mapping.port] : []));
  return context.rulePorts.flatMap((rulePort, portIndex) => {
    const uncovered = servicePortsServingRulePort(servicePorts, rulePort, backends).filter(
      (servicePort) => !entryPorts.some((port) => portCovers(port, servicePort)),
    );
    return uncovered.length === 0 ? [] : [{ context, service, rulePort, uncovered, mapping: mappings[portIndex] }];
  });
}

/** Egress entries of the policy that let traffic to `clusterIp` through (any rule, any peer, ipBlocks included). */
function entriesReaching(egress: readonly EndpointInfo[], clusterIp: string): EndpointInfo[] {
  return egress.filter((entry) => entry.cidr !== undefined && cidrContains(entry.cidr, clusterIp, entry.except ?? []));
}

function allowedByPolicy(entries: readonly EndpointInfo[], servicePort: DefaultedServicePort): boolean {
  return entries.some(
    (entry) => (entry.ports ?? []).length === 0 || (entry.ports ?? []).some((port) => portCovers(port, servicePort)),
  );
}

function unmappedFinding(
  gap: Gap,
  uncovered: readonly DefaultedServicePort[],
  reaching: readonly EndpointInfo[],
): Finding {
  const { policy } = gap.context;
  const serviceName = `${gap.service.metadata.namespace}/${gap.service.metadata.name}`;
  const clusterIp = gap.service.spec.clusterIP ?? '';
  const listenPorts = uncovered.map((port) => `${port.protocol}/${port.port}`).join(', ');
  const message =
    `NetworkPolicy ${policy.metadata.namespace}/${policy.metadata.name} egress rule #${gap.context.ruleIndex + 1} port ` +
    `${formatRulePort(gap.rulePort)} reaches backends of Service ${serviceName}, but the controller adds no ClusterIP ` +
    `entry for ${clusterIp} ${listenPorts}: ${reasonFor(gap.mapping)}; clients that connect through the Service are dropped`;
  return findingOf(
    CP_SVC_PORT_UNMAPPED,
    { kind: 'NetworkPolicy', namespace: policy.metadata.namespace, name: policy.metadata.name },
    message,
    {
      expected: {
        service: serviceName,
        clusterIP: clusterIp,
        ports: uncovered.map(({ protocol, port }) => ({ protocol, port })),
      },
      actual: reaching,
      upstreamIssue: upstreamIssueFor(gap.mapping),
      identity: `${serviceName}|${uncovered
        .map((port) => `${port.protocol}/${String(port.port)}`)
        .sort()
        .join(',')}`,
    },
  );
}

const SELECTOR_AS_LABELS_ISSUES =
  'aws/amazon-network-policy-controller-k8s#194, aws/amazon-network-policy-controller-k8s#207, aws/amazon-network-policy-controller-k8s#224';

function upstreamIssueFor(mapping: RulePortMapping | undefined): string | undefined {
  return mapping === undefined ? SELECTOR_AS_LABELS_ISSUES : undefined;
}

function ruleGaps(context: RuleContext, index: ClusterIndex, lookup: BackendLookup): Gap[] {
  return peerNamespaces(context.peer, context.policy.metadata.namespace, index).flatMap((namespace) =>
    index.servicesIn(namespace).flatMap((service) => {
      if (isHeadlessService(service) || Object.keys(service.spec.selector ?? {}).length === 0) return [];
      const backends = lookup.backends(service, context.peer);
      return backends.length === 0 ? [] : serviceGaps(context, service, backends, index);
    }),
  );
}

/** Gaps found per peer are kept only if no other egress entry of the policy opens the ClusterIP port. */
function policyFindings(policy: NetworkPolicy, index: ClusterIndex, lookup: BackendLookup): Finding[] {
  const input = networkPolicyInput(policy);
  const gaps = input.egress.flatMap((rule, ruleIndex) => {
    if (rule.ports.length === 0 || rule.peers === undefined) return [];
    return rule.peers.flatMap((peer) =>
      peer.kind === 'pods' ? ruleGaps({ policy, ruleIndex, rulePorts: rule.ports, peer }, index, lookup) : [],
    );
  });
  if (gaps.length === 0) return [];
  const egress = resolvePolicyInput(input, index).egress;
  return gaps.flatMap((gap) => {
    const reaching = entriesReaching(egress, gap.service.spec.clusterIP ?? '');
    const uncovered = gap.uncovered.filter((servicePort) => !allowedByPolicy(reaching, servicePort));
    return uncovered.length === 0 ? [] : [unmappedFinding(gap, uncovered, reaching)];
  });
}

/**
 * CP-SVC-PORT-UNMAPPED: an egress rule with ports whose pod/namespace peer selects ready backends of a non-headless
 * Service, where the §2.6 port mapping yields no ClusterIP entry covering the Service ports that forward to the rule's
 * ports. A Service whose port differs from its targetPort is not a finding by itself.
 */
export function checkServicePortMapping(
  inventory: ClusterInventory,
  index: ClusterIndex = new ClusterIndex(inventory),
): Finding[] {
  const lookup = new BackendLookup(index);
  const unique = new Map<string, Finding>();
  for (const policy of inventory.networkPolicies) {
    for (const finding of policyFindings(policy, index, lookup)) unique.set(finding.message, finding);
  }
  return [...unique.values()];
}
