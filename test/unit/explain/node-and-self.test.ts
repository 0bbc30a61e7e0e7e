import { explainFlow, type FlowEndpoint, type FlowExplanation } from '#engine/explain/index';
import type { ClusterInventory } from '#engine/model/cluster';
import type { ClusterNetworkPolicy, ClusterPolicyEndpoint } from '#engine/model/kubernetes';
import type { ParsedNodeBundle } from '#engine/node/bundle';
import {
  configuration,
  inventory,
  loadedEbpfData,
  lpmDumpG3,
  namespace,
  networkPolicy,
  NODE_IP,
  nodeBundle,
  pod,
  podStateDump,
  policyEndpoint,
  sha1Hex,
  type Slot,
} from './fixtures';

const web = pod('app', 'web-1', '10.1.0.5', { app: 'web' });
const WEB = { namespace: 'app', pod: 'web-1' };
const OTHER_NODE_IP = '10.0.0.20';

/** web isolated in both directions: egress only to DNS, ingress only from 10.9.0.0/16. */
function isolatedWeb(parts: Partial<ClusterInventory> = {}): ClusterInventory {
  return inventory({
    namespaces: [namespace('app')],
    pods: [web],
    networkPolicies: [
      networkPolicy('app', 'web-locked', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ ipBlock: { cidr: '10.9.0.0/16' } }] }],
        egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
    ],
    policyEndpoints: [
      policyEndpoint('app', 'web-locked', [web], {
        isolation: ['Ingress', 'Egress'],
        ingress: [{ cidr: '10.9.0.0/16' }],
        egress: [{ cidr: '0.0.0.0/0', ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
    ],
    ...parts,
  });
}

/** web's programs (v1.3+ identifier form) with the agent's maps: `lpm` in both directions, pod state key 0. */
function webNode(lpm: readonly { cidr: string; slots: readonly Slot[] }[], podState = 0): ParsedNodeBundle {
  const program = (direction: 'ingress' | 'egress', first: number) => ({
    identifier: 'web-app',
    direction,
    programId: first,
    maps: { [`${direction}_map`]: first + 1, [`${direction}_pod_state_map`]: first + 2 },
  });
  const state = podStateDump([
    [0, podState],
    [1, 1],
  ]);
  return nodeBundle({
    'loaded-ebpfdata.txt': loadedEbpfData([program('ingress', 100), program('egress', 200)]),
    'maps/101.txt': lpmDumpG3(lpm),
    'maps/102.txt': state,
    'maps/201.txt': lpmDumpG3(lpm),
    'maps/202.txt': state,
  });
}

const AGENT_MAPS = [
  { cidr: `${NODE_IP}/32`, slots: [['ANY PROTOCOL', 0, 0]] as const },
  { cidr: '10.9.0.0/16', slots: [['ANY PROTOCOL', 0, 0]] as const },
  { cidr: '0.0.0.0/0', slots: [['UDP', 53, 0]] as const },
];

function explain(
  cluster: ClusterInventory,
  from: FlowEndpoint,
  to: FlowEndpoint,
  options: { agentVersion?: string; mode?: 'standard' | 'strict'; bundles?: ParsedNodeBundle[] } = {},
): FlowExplanation {
  return explainFlow({
    inventory: cluster,
    nodeBundles: options.bundles ?? [webNode(AGENT_MAPS)],
    configuration: configuration(options.agentVersion ?? '1.3.4', options.mode ?? 'standard'),
    flow: { from, to, port: 10250 },
    sha1Hex,
  });
}

function layers(result: FlowExplanation) {
  return [result.intent.verdict, result.policyEndpoint.verdict, result.kernel.verdict];
}

const NODE_IP_RULE = { kind: 'node-ip', ip: NODE_IP, node: 'node-a', tier: 'NetworkPolicy' };

describe('the node-IP and self rules', () => {
  it('a pod reaching its own node IP is allowed at every layer by the node-IP rule', () => {
    // Act
    const toNode = explain(isolatedWeb(), WEB, { ip: NODE_IP });
    const probe = explain(isolatedWeb(), { ip: NODE_IP }, WEB);

    // Assess
    for (const result of [toNode, probe]) {
      expect(layers(result)).toEqual(['allow', 'allow', 'allow']);
      expect(result.intent.decidedBy).toEqual({ ...NODE_IP_RULE, direction: result.intent.sides[0]?.side });
      expect(result.policyEndpoint.decidedBy).toEqual(result.intent.decidedBy);
      expect(result.kernel.decidedBy).toMatchObject({ kind: 'map', key: `${NODE_IP}/32`, rule: 'node-ip' });
      expect(result.disagreements).toEqual([]);
    }
    expect(toNode.intent.sides.map((side) => side.side)).toEqual(['egress']);
    expect(probe.intent.sides.map((side) => side.side)).toEqual(['ingress']);
  });

  it('the node-IP rule decides the layer when the node IP is also the IP of a hostNetwork pod', () => {
    // Prepare: aws-node runs with the node's IP
    const awsNode = {
      ...pod('kube-system', 'aws-node-x1', NODE_IP, { 'k8s-app': 'aws-node' }),
      spec: { nodeName: 'node-a', hostNetwork: true, containers: [] },
    };
    const cluster = isolatedWeb({ pods: [web, awsNode] });

    // Act
    const result = explain(cluster, WEB, { ip: NODE_IP });

    // Assess
    expect(result.flow.to).toBe('kube-system/aws-node-x1');
    expect(layers(result)).toEqual(['allow', 'allow', 'allow']);
    expect(result.intent.decidedBy).toEqual({ ...NODE_IP_RULE, direction: 'egress' });
    expect(result.policyEndpoint.decidedBy).toEqual({ ...NODE_IP_RULE, direction: 'egress' });
    expect(result.kernel.decidedBy).toMatchObject({ kind: 'map', key: `${NODE_IP}/32`, rule: 'node-ip' });
  });

  it('a pod reaching itself is allowed at every layer', () => {
    // Prepare: the maps would drop 10.1.0.5 on both sides
    const cluster = isolatedWeb();

    // Act
    const result = explain(cluster, WEB, WEB);
    const byIp = explain(cluster, WEB, { ip: '10.1.0.5' });

    // Assess
    for (const flow of [result, byIp]) {
      expect(layers(flow)).toEqual(['allow', 'allow', 'allow']);
      for (const layer of [flow.intent, flow.policyEndpoint, flow.kernel]) {
        expect(layer.sides.map((side) => [side.side, side.decidedBy])).toEqual([
          ['egress', { kind: 'self', pod: 'app/web-1' }],
          ['ingress', { kind: 'self', pod: 'app/web-1' }],
        ]);
      }
      expect(flow.disagreements).toEqual([]);
    }
  });

  it("another node's IP gets no node-IP allow", () => {
    // Act
    const result = explain(isolatedWeb(), WEB, { ip: OTHER_NODE_IP });

    // Assess
    expect(layers(result)).toEqual(['deny', 'deny', 'deny']);
    expect(result.intent.decidedBy).toMatchObject({ kind: 'NetworkPolicy', name: 'web-locked' });
  });

  it('a kernel map without the node-IP entry is node drift (agent#484), not an allow', () => {
    // Act
    const result = explain(isolatedWeb(), { ip: NODE_IP }, WEB, { bundles: [webNode(AGENT_MAPS.slice(1))] });

    // Assess
    expect(layers(result)).toEqual(['allow', 'allow', 'deny']);
    expect(result.disagreements.map((d) => d.between)).toEqual([['policyEndpoint', 'kernel']]);
  });

  it('strict mode: the node IP of a pod no policy selects is denied at every layer (kubelet probes too)', () => {
    // Prepare
    const cluster = inventory({ namespaces: [namespace('app')], pods: [web] });
    const defaultDeny = webNode([], 2);

    // Act
    const result = explain(cluster, { ip: NODE_IP }, WEB, { mode: 'strict', bundles: [defaultDeny] });

    // Assess
    expect(layers(result)).toEqual(['deny', 'deny', 'deny']);
    expect(result.intent.reason).toContain('its allow entry exists only once policies are programmed');
    expect(result.policyEndpoint.reason).toContain('its allow entry exists only once policies are programmed');
  });

  it('an Admin deny of the node IP wins up to v1.4.1; the cp node-IP entry of later agents allows it', () => {
    // Prepare
    const cluster = adminDenyOf('10.0.0.0/8', 5);

    // Act
    const tagged = explain(cluster, { ip: NODE_IP }, WEB, { agentVersion: '1.4.1' });
    const later = explain(cluster, { ip: NODE_IP }, WEB, { agentVersion: '1.4.2' });

    // Assess
    expect([tagged.intent.verdict, tagged.policyEndpoint.verdict]).toEqual(['deny', 'deny']);
    expect(tagged.intent.decidedBy).toMatchObject({ kind: 'ClusterNetworkPolicy', name: 'no-vpc' });
    expect(tagged.policyEndpoint.decidedBy).toMatchObject({ kind: 'ClusterPolicyEndpoint', name: 'no-vpc-x1y2z' });
    expect([later.intent.verdict, later.policyEndpoint.verdict]).toEqual(['allow', 'allow']);
    expect(later.intent.decidedBy).toEqual({ ...NODE_IP_RULE, direction: 'ingress', tier: 'Admin' });
    expect(later.policyEndpoint.decidedBy).toEqual(later.intent.decidedBy);
  });

  it('after v1.4.1 only an Admin deny of priority 0 written for exactly the node IP beats the cp node-IP entry', () => {
    // Act
    const verdicts = [
      adminDenyOf('10.0.0.0/8', 0),
      adminDenyOf(`${NODE_IP}/32`, 1),
      adminDenyOf(`${NODE_IP}/32`, 0),
    ].map((cluster) => {
      const result = explain(cluster, { ip: NODE_IP }, WEB, { agentVersion: '1.4.2' });
      return [result.intent.verdict, result.policyEndpoint.verdict];
    });

    // Assess
    expect(verdicts).toEqual([
      ['allow', 'allow'],
      ['allow', 'allow'],
      ['deny', 'deny'],
    ]);
  });
});

/** isolatedWeb with an Admin ClusterNetworkPolicy denying ingress from `cidr` to every pod of app, and its CPE. */
function adminDenyOf(cidr: string, priority: number): ClusterInventory {
  const policy: ClusterNetworkPolicy = {
    kind: 'ClusterNetworkPolicy',
    metadata: { name: 'no-vpc' },
    spec: {
      tier: 'Admin',
      priority,
      subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'app' } } },
      ingress: [{ action: 'Deny', from: [{ networks: [cidr] }] }],
    },
  };
  const endpoint: ClusterPolicyEndpoint = {
    kind: 'ClusterPolicyEndpoint',
    metadata: { name: 'no-vpc-x1y2z' },
    spec: {
      policyRef: { name: 'no-vpc' },
      tier: 'Admin',
      priority,
      podSelectorEndpoints: [{ namespace: 'app', name: 'web-1', podIP: '10.1.0.5', hostIP: NODE_IP }],
      ingress: [{ cidr, action: 'Deny' }],
    },
  };
  return isolatedWeb({ clusterNetworkPolicies: [policy], clusterPolicyEndpoints: [endpoint] });
}
