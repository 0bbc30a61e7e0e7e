import type {
  ApplicationNetworkPolicy,
  ApplicationNetworkPolicyPeer,
  EndpointInfo,
  NetworkPolicyPort,
} from '../../model/kubernetes';
import { endpointPort } from './port-conversion';
import { defaultPolicyTypes, toPeers, toRulePorts, type PolicyInput, type PolicyRule } from './policy-input';

export interface ApplicationPolicyConversion {
  /** The ANP as the NP the controller resolves (ingress, and egress rules reduced to their non-domain peers). */
  readonly input: PolicyInput;
  readonly domainEntries: readonly EndpointInfo[];
  readonly problems: readonly string[];
}

type AnpEgressRule = NonNullable<ApplicationNetworkPolicy['spec']['egress']>[number];

function isDomainPeer(peer: ApplicationNetworkPolicyPeer): boolean {
  return (peer.domainNames ?? []).length > 0;
}

/** Domain peers: `{protocol (default TCP), port if numeric (named → whole protocol), endPort}` (§2.13). */
function domainEntries(rule: AnpEgressRule): EndpointInfo[] {
  const ports = (rule.ports ?? []).map((port) =>
    endpointPort(port.protocol ?? 'TCP', typeof port.port === 'number' ? port.port : undefined, port.endPort),
  );
  return (rule.to ?? [])
    .filter(isDomainPeer)
    .flatMap((peer) =>
      (peer.domainNames ?? []).map((domainName) => (ports.length === 0 ? { domainName } : { domainName, ports })),
    );
}

function missingProtocolProblem(direction: 'ingress' | 'egress', ruleIndex: number): string {
  return (
    `${direction} rule #${ruleIndex + 1} has a port without protocol: ApplicationNetworkPolicy ports are not defaulted ` +
    'by the CRD and the controller dereferences the protocol, so its resolver panics and no PolicyEndpoint is written ' +
    'or updated (derived from code); the entries shown assume TCP'
  );
}

function convertedRule(
  ports: readonly NetworkPolicyPort[] | null | undefined,
  peers: PolicyRule['peers'],
  onMissingProtocol: () => void,
): PolicyRule {
  return { peers, ports: toRulePorts(ports, onMissingProtocol) };
}

/**
 * §2.13: ingress is resolved as an NP; an egress rule with non-domain peers becomes an NP egress rule with only those
 * peers; an egress rule without `to` produces nothing (derived from code: allow-all is lost).
 */
export function convertApplicationNetworkPolicy(policy: ApplicationNetworkPolicy): ApplicationPolicyConversion {
  const problems = new Set<string>();
  const egress = policy.spec.egress ?? [];
  const ingress = (policy.spec.ingress ?? []).map((rule, ruleIndex) =>
    convertedRule(rule.ports, toPeers(rule.from), () => problems.add(missingProtocolProblem('ingress', ruleIndex))),
  );
  const npEgress = egress.flatMap((rule, ruleIndex) => {
    const peers = toPeers((rule.to ?? []).filter((peer) => !isDomainPeer(peer)));
    if (peers === undefined) return [];
    return [convertedRule(rule.ports, peers, () => problems.add(missingProtocolProblem('egress', ruleIndex)))];
  });
  return {
    input: {
      name: policy.metadata.name,
      namespace: policy.metadata.namespace,
      podSelector: policy.spec.podSelector ?? {},
      policyTypes: defaultPolicyTypes(policy.spec.policyTypes, egress.length),
      ingress,
      egress: npEgress,
    },
    domainEntries: egress.flatMap(domainEntries),
    problems: [...problems],
  };
}
