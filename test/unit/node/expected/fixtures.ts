import { createHash } from 'node:crypto';
import type {
  ClusterEndpointInfo,
  ClusterPolicyEndpoint,
  EndpointInfo,
  Pod,
  PodEndpoint,
  PolicyEndpoint,
  PolicyType,
} from '#engine/model/kubernetes';
import { agentBehaviour, type AgentBehaviour } from '#engine/facts/agent-behaviour';
import { CidrParser, type IpFamily } from '#engine/facts/cidr';
import type { CpContext } from '#engine/node/expected/cp-entries';
import type { ExpectedNodeState, ExpectedNodeStateInput } from '#engine/node/expected/expected-node-state';
import { computeExpectedNodeState } from '#engine/node/expected/expected-node-state';
import { LpmCache } from '#engine/node/expected/lpm-cache';
import type { LpmContext } from '#engine/node/expected/lpm-entries';
import type { ExpectedMapEntry } from '#engine/node/expected/map-entry';
import type { PortSlot } from '#engine/node/expected/slots';

export const sha1Hex = (input: string): string => createHash('sha1').update(input).digest('hex');

export function pod(namespace: string, name: string, podIP: string, nodeName: string, hostIP = ''): Pod {
  return {
    kind: 'Pod',
    metadata: { namespace, name },
    spec: { nodeName, containers: [] },
    status: { phase: 'Running', podIP, hostIP },
  };
}

export function target(namespace: string, name: string, podIP: string, hostIP: string): PodEndpoint {
  return { namespace, name, podIP, hostIP };
}

export interface PolicyEndpointSpecInput {
  readonly targets?: readonly PodEndpoint[];
  readonly isolation?: readonly PolicyType[];
  readonly ingress?: readonly EndpointInfo[];
  readonly egress?: readonly EndpointInfo[];
}

export function policyEndpoint(namespace: string, name: string, spec: PolicyEndpointSpecInput): PolicyEndpoint {
  return {
    kind: 'PolicyEndpoint',
    metadata: { namespace, name },
    spec: {
      policyRef: { namespace, name: name.slice(0, name.lastIndexOf('-')) },
      podIsolation: spec.isolation === undefined ? undefined : [...spec.isolation],
      podSelectorEndpoints: spec.targets === undefined ? undefined : [...spec.targets],
      ingress: spec.ingress === undefined ? undefined : [...spec.ingress],
      egress: spec.egress === undefined ? undefined : [...spec.egress],
    },
  };
}

export function clusterPolicyEndpoint(
  name: string,
  tier: 'Admin' | 'Baseline',
  priority: number,
  spec: {
    targets: readonly PodEndpoint[];
    ingress?: readonly ClusterEndpointInfo[];
    egress?: readonly ClusterEndpointInfo[];
  },
): ClusterPolicyEndpoint {
  return {
    kind: 'ClusterPolicyEndpoint',
    metadata: { name },
    spec: {
      policyRef: { name: name.slice(0, name.lastIndexOf('-')) },
      tier,
      priority,
      podSelectorEndpoints: [...spec.targets],
      ingress: spec.ingress === undefined ? undefined : [...spec.ingress],
      egress: spec.egress === undefined ? undefined : [...spec.egress],
    },
  };
}

export interface TestContext extends LpmContext, CpContext {
  readonly behaviour: AgentBehaviour;
  readonly invalid: string[];
}

export function lpmContext(agentVersion: string | undefined, nodeIp: string, family: IpFamily = 'ipv4'): TestContext {
  const cidrs = new CidrParser();
  const invalid: string[] = [];
  const parsedNode = cidrs.parse(nodeIp);
  if (parsedNode === undefined) throw new Error(`bad node IP ${nodeIp}`);
  return {
    behaviour: agentBehaviour(agentVersion),
    family,
    nodeIp: parsedNode,
    cidrs,
    invalid,
    reportInvalid: (cidr: string) => invalid.push(cidr),
    tables: new LpmCache().forNode(),
  };
}

/** Entries as `cidr → "protocol:start:end[:priority]"` sorted numerically: the order-independent form. */
export function asSets<T extends PortSlot>(entries: readonly ExpectedMapEntry<T, string>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of entries) {
    const tuples = entry.ports.map((port) =>
      'priority' in port && typeof port.priority === 'number'
        ? [port.protocol, port.startPort, port.endPort, port.priority]
        : [port.protocol, port.startPort, port.endPort],
    );
    tuples.sort((a, b) => {
      for (let i = 0; i < a.length; i++) {
        const difference = (a[i] ?? 0) - (b[i] ?? 0);
        if (difference !== 0) return difference;
      }
      return 0;
    });
    out[entry.cidr] = tuples.map((tuple) => tuple.join(':'));
  }
  return out;
}

export function computeOk(input: ExpectedNodeStateInput): ExpectedNodeState {
  const result = computeExpectedNodeState(input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function identifierState(state: ExpectedNodeState, podIdentifier: string) {
  const found = state.identifiers.find((entry) => entry.podIdentifier === podIdentifier);
  if (found === undefined) {
    throw new Error(`no identifier ${podIdentifier}; have ${state.identifiers.map((i) => i.podIdentifier).join(', ')}`);
  }
  return found;
}

/** The shared sample node of agent.md Appendix / samples/README.md. */
export const SAMPLE = {
  nodeName: 'ip-10-0-1-25',
  nodeIp: '10.0.1.25',
  ingress: [
    {
      cidr: '10.0.0.0/16',
      except: ['10.0.5.0/24'],
      ports: [
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 9000, endPort: 9100 },
      ],
    },
    { cidr: '10.0.40.12', ports: [{ protocol: 'TCP', port: 80 }] },
  ] satisfies EndpointInfo[],
  egress: [
    {
      cidr: '172.20.0.10',
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    {
      cidr: '10.0.2.33',
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    {
      cidr: '10.0.50.8',
      ports: [
        { protocol: 'TCP', port: 53 },
        { protocol: 'UDP', port: 53 },
      ],
    },
    { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'], ports: [{ protocol: 'TCP', port: 443 }] },
  ] satisfies EndpointInfo[],
} as const;
