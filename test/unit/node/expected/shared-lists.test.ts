import type { EndpointInfo, Pod, PolicyEndpoint } from '#engine/model/kubernetes';
import { computeOk, identifierState, pod, policyEndpoint, sha1Hex, target } from './fixtures';

const NODE = 'ip-10-0-0-10';
const NODE_IP = '10.0.0.10';

const rules = (port: number): EndpointInfo[] => [
  { cidr: '10.1.0.0/16', ports: [{ protocol: 'TCP', port }] },
  { cidr: '10.1.2.3', except: undefined, ports: [{ protocol: 'UDP', port: 53 }] },
  { cidr: '10.2.0.0/16', except: ['10.2.3.0/24'] },
  { cidr: '' },
];

function deployment(name: string, podIP: string, ingress: EndpointInfo[]): { pod: Pod; pe: PolicyEndpoint } {
  return {
    pod: pod('shop', `${name}-7d4b9c6f8-x1q2z`, podIP, NODE),
    pe: policyEndpoint('shop', `${name}-abcde`, {
      targets: [target('shop', `${name}-7d4b9c6f8-x1q2z`, podIP, NODE_IP)],
      isolation: ['Ingress', 'Egress'],
      // Separate objects with equal contents, as distinct PolicyEndpoints carry them.
      ingress: ingress.map((entry) => ({ ...entry })),
    }),
  };
}

function node(deployments: readonly { pod: Pod; pe: PolicyEndpoint }[]) {
  return computeOk({
    nodeName: NODE,
    nodeIPs: [NODE_IP],
    pods: deployments.map((d) => d.pod),
    policyEndpoints: deployments.map((d) => d.pe),
    clusterPolicyEndpoints: [],
    agentVersion: '1.3.7',
    enforcementMode: 'standard',
    sha1Hex,
  });
}

describe('PolicyEndpoints with equal rules', () => {
  it('share one computed direction per identifier, equal to what each computes alone', () => {
    // Prepare
    const a = deployment('cart', '10.0.1.1', rules(8080));
    const b = deployment('shop', '10.0.1.2', rules(8080));

    // Act
    const together = node([a, b]);
    const alone = node([b]);

    // Assess
    const cart = identifierState(together, 'cart-7d4b9c6f8-shop').maps;
    const shop = identifierState(together, 'shop-7d4b9c6f8-shop').maps;
    expect(shop?.ingress).toBe(cart?.ingress);
    expect(shop?.ingress).toEqual(identifierState(alone, 'shop-7d4b9c6f8-shop').maps?.ingress);
    expect(shop?.ingress.entries.map((entry) => entry.cidr)).toContain('10.2.3.0/24');
    expect(together.invalidCidrs).toEqual(['']);
  });

  it('are told apart by any rule difference (here one port)', () => {
    // Prepare
    const a = deployment('cart', '10.0.1.1', rules(8080));
    const b = deployment('shop', '10.0.1.2', rules(8081));

    // Act
    const state = node([a, b]);

    // Assess
    const cart = identifierState(state, 'cart-7d4b9c6f8-shop').maps?.ingress;
    const shop = identifierState(state, 'shop-7d4b9c6f8-shop').maps?.ingress;
    expect(shop).not.toBe(cart);
    const port = (entries: typeof cart): number | undefined =>
      entries?.entries.find((entry) => entry.cidr === '10.1.0.0/16')?.ports[0]?.startPort;
    expect([port(cart), port(shop)]).toEqual([8080, 8081]);
  });

  it('do not report the empty CIDR of a list that has no CIDR rule at all', () => {
    // Prepare
    const a = deployment('cart', '10.0.1.1', [{ cidr: '' }, { domainName: 'example.com' }]);

    // Act
    const state = node([a]);

    // Assess
    expect(state.invalidCidrs).toEqual([]);
    expect(identifierState(state, 'cart-7d4b9c6f8-shop').maps?.ingress.posture).toBe('isolated');
  });
});
