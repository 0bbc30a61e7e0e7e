import type { ClusterPolicyEndpoint, Pod, PodEndpoint, PolicyEndpoint } from '#engine/model/kubernetes';
import type { ExpectedNodeStateInput } from '#engine/node/expected/expected-node-state';
import { NodeTargetIndex, scanEndpoints } from '#engine/node/expected/node-index';
import { indexClusterPolicyEndpoints, indexPolicyEndpoints, IpMatcher } from '#engine/node/expected/targets';
import { clusterPolicyEndpoint, computeOk, pod, policyEndpoint, sha1Hex, target } from './fixtures';

const NODES = ['ip-10-0-0-1', 'ip-10-0-0-2', 'ip-10-0-0-3'] as const;
const HOSTS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'] as const;

/** Three nodes; deployments spread over them, host-network and terminal pods, odd host-IP spellings. */
function cluster(): { pods: Pod[]; pes: PolicyEndpoint[]; cpes: ClusterPolicyEndpoint[] } {
  const pods: Pod[] = [];
  const pes: PolicyEndpoint[] = [];
  for (let d = 0; d < 4; d++) {
    const targets: PodEndpoint[] = [];
    for (let r = 0; r < 3; r++) {
      const n = (d + r) % 3;
      const name = `app${d}-5f6d7c8b9-r${r}`;
      const podIP = `10.0.${10 + n}.${d * 3 + r + 1}`;
      pods.push(pod('shop', name, podIP, NODES[n] ?? '', HOSTS[n]));
      targets.push(target('shop', name, podIP, HOSTS[n] ?? ''));
    }
    // A stale target, a host-network one, and the node IP written another way (IPv4-mapped IPv6 is not equal).
    targets.push(target('shop', `app${d}-5f6d7c8b9-gone`, '10.0.99.9', '10.0.0.2'));
    targets.push(target('kube-system', 'kube-proxy-x', '10.0.0.1', '10.0.0.1'));
    targets.push(target('shop', `app${d}-5f6d7c8b9-v6`, '10.0.98.9', '::ffff:10.0.0.3'));
    const chunks = d === 2 ? ['app2-policy-aaaaa', 'app2-policy-bbbbb'] : [`app${d}-policy-abcde`];
    chunks.forEach((chunk, k) => {
      pes.push(
        policyEndpoint('shop', chunk, {
          targets: k === 0 ? targets : targets.slice(0, 1),
          isolation: ['Ingress', 'Egress'],
          ingress: [{ cidr: `10.${d}.0.0/16`, ports: [{ protocol: 'TCP', port: 80 + k }] }],
          egress: [{ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }],
        }),
      );
    });
  }
  pods.push({
    ...pod('shop', 'done-1', '10.0.10.200', NODES[0], HOSTS[0]),
    status: { phase: 'Succeeded', podIP: '10.0.10.200' },
  });
  const cpes = [
    clusterPolicyEndpoint('deny-metadata-abcde', 'Admin', 10, {
      targets: [target('shop', 'app1-5f6d7c8b9-r0', '10.0.11.4', '10.0.0.2')],
      egress: [{ cidr: '169.254.169.254/32', action: 'Deny' }],
    }),
  ];
  return { pods, pes, cpes };
}

function inputFor(n: number, lists: ReturnType<typeof cluster>, nodeIndex?: NodeTargetIndex): ExpectedNodeStateInput {
  return {
    nodeName: NODES[n] ?? '',
    nodeIPs: [HOSTS[n] ?? ''],
    pods: lists.pods,
    policyEndpoints: lists.pes,
    clusterPolicyEndpoints: lists.cpes,
    agentVersion: '1.3.7',
    enforcementMode: 'standard',
    sha1Hex,
    nodeIndex,
  };
}

describe('NodeTargetIndex', () => {
  it('gives every node the state it computes from the raw lists', () => {
    // Prepare
    const lists = cluster();
    const shared = new NodeTargetIndex(lists.pods, lists.pes, lists.cpes);

    // Act
    const indexed = NODES.map((_, n) => computeOk(inputFor(n, lists, shared)));
    const alone = NODES.map((_, n) => computeOk(inputFor(n, lists)));

    // Assess
    expect(indexed).toEqual(alone);
    expect(indexed.map((state) => state.identifiers.length)).toEqual([4, 4, 4]);
    expect(indexed[1]?.identifiers.some((id) => id.unmatchedTargets.length > 0)).toBe(true);
    expect(indexed[1]?.identifiers.some((id) => id.clusterPolicyEndpoints.length > 0)).toBe(true);
  });

  it('finds for any node IP the targets and parent groups a scan over every PolicyEndpoint finds', () => {
    // Prepare
    const lists = cluster();
    const index = new NodeTargetIndex(lists.pods, lists.pes, lists.cpes);
    const nodeIps = [...HOSTS, '::ffff:10.0.0.3', '10.0.0.9', 'not-an-ip', ''];

    // Act
    const indexed = nodeIps.map((ip) => [index.policyEndpointsOn(ip), index.clusterEndpointsOn(ip)]);

    // Assess
    const scanned = nodeIps.map((ip) => [
      scanEndpoints(indexPolicyEndpoints(lists.pes), ip, new IpMatcher()),
      scanEndpoints(indexClusterPolicyEndpoints(lists.cpes), ip, new IpMatcher()),
    ]);
    expect(indexed).toEqual(scanned);
    expect(indexed[0]?.[0]?.targets.map(({ target: t }) => t.name)).not.toContain('kube-proxy-x');
    expect(indexed[0]?.[0]?.targets.length).toBeGreaterThan(0);
    expect(indexed[1]?.[1]?.targets.length).toBe(1);
  });

  it('is ignored when built from other lists than the input', () => {
    // Prepare
    const lists = cluster();
    const other = new NodeTargetIndex([], [], []);

    // Act
    const state = computeOk(inputFor(0, lists, other));

    // Assess
    expect(state).toEqual(computeOk(inputFor(0, lists)));
    expect(state.identifiers.length).toBe(4);
  });
});
