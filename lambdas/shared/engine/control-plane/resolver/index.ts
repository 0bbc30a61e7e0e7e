export { ClusterIndex } from './cluster-index';
export { RESOLVER_CHECKS, CP_SVC_PORT_UNMAPPED } from './checks';
export {
  resolveClusterNetworkPolicies,
  resolveClusterNetworkPolicy,
  type ResolvedClusterPolicy,
} from './cluster-network-policy';
export { canonicalEntries, compareEntries, entryKey } from './entries';
export {
  resolveApplicationNetworkPolicy,
  resolveNetworkPolicies,
  resolveNetworkPolicy,
  type ResolvedNetworkPolicy,
} from './network-policies';
export { checkServicePortMapping } from './service-port-mapping-check';
export {
  defaultedServicePorts,
  isHeadlessService,
  serviceClusterIpEntry,
  serviceClusterIpPorts,
  serviceMatchesPeerSelector,
  type DefaultedServicePort,
  type RulePortMapping,
} from './service-ports';
export type { RulePort } from './policy-input';
