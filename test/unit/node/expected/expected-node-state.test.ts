import type { EnforcementMode } from '#engine/model/assessment';
import type { ClusterPolicyEndpoint, Node, Pod, PolicyEndpoint } from '#engine/model/kubernetes';
import { computeExpectedNodeState, nodeInternalIPs } from '#engine/node/expected/expected-node-state';
import {
  asSets,
  clusterPolicyEndpoint,
  computeOk,
  identifierState,
  pod,
  policyEndpoint,
  SAMPLE,
  sha1Hex,
  target,
} from './fixtures';

const ANY = '254:0:0';

/** The troubleshooting article's node: ip-172-31-103-129, nginx + accesstrue + accessfalse. */
const SEED_NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const SEED_NODE_IP = '172.31.103.129';

function seedInput(agentVersion: string | undefined, enforcementMode: EnforcementMode | undefined) {
  const pods: Pod[] = [
    pod('default', 'nginx-f8d9c6576-8b4vf', '172.31.104.5', SEED_NODE, SEED_NODE_IP),
    pod('default', 'accesstrue', '172.31.101.218', SEED_NODE, SEED_NODE_IP),
    pod('default', 'accessfalse', '172.31.96.116', SEED_NODE, SEED_NODE_IP),
  ];
  const policyEndpoints: PolicyEndpoint[] = [
    policyEndpoint('default', 'access-nginx-7x9kq', {
      targets: [target('default', 'nginx-f8d9c6576-8b4vf', '172.31.104.5', SEED_NODE_IP)],
      isolation: ['Ingress'],
      ingress: [{ cidr: '172.31.101.218' }],
    }),
  ];
  return {
    nodeName: SEED_NODE,
    nodeIPs: [SEED_NODE_IP],
    pods,
    policyEndpoints,
    clusterPolicyEndpoints: [],
    agentVersion,
    enforcementMode,
    sha1Hex,
  };
}

describe('computeExpectedNodeState', () => {
  describe('seed example (agent v1.2.x, standard mode)', () => {
    const state = computeOk(seedInput('1.2.7', 'standard'));

    it('programs the nginx identifier with the two ANY keys of the article dump', () => {
      // Prepare
      const identifier = 'nginx-f8d9c6576-default';

      // Act
      const nginx = identifierState(state, identifier);

      // Assess
      expect(asSets(nginx.maps?.ingress.entries ?? [])).toEqual({
        '172.31.101.218/32': [ANY],
        '172.31.103.129/32': [ANY],
      });
      expect(nginx.maps?.ingress.posture).toBe('rules');
      expect(nginx.policyEndpoints).toEqual(['default/access-nginx-7x9kq']);
    });

    it('gives the egress direction (not isolated, no rules) the catch-all entry', () => {
      // Prepare
      const identifier = 'nginx-f8d9c6576-default';

      // Act
      const nginx = identifierState(state, identifier);

      // Assess
      expect(nginx.maps?.egress.posture).toBe('catch-all');
      expect(asSets(nginx.maps?.egress.entries ?? [])).toEqual({ '0.0.0.0/0': [ANY], '172.31.103.129/32': [ANY] });
    });

    it('expects the veth of the article and filters on it', () => {
      // Prepare
      const identifier = 'nginx-f8d9c6576-default';

      // Act
      const nginx = identifierState(state, identifier);

      // Assess
      expect(nginx.pods).toEqual([
        {
          namespace: 'default',
          name: 'nginx-f8d9c6576-8b4vf',
          podIP: '172.31.104.5',
          vethName: 'eni9c515deae49',
          vlanVethName: 'vlan9c515deae49',
          selected: true,
          needsFilters: true,
        },
      ]);
    });

    it('writes key 0 only (v1.2.x): POLICIES_APPLIED for nginx, DEFAULT_ALLOW for unselected pods with filters', () => {
      // Prepare
      const identifiers = ['nginx-f8d9c6576-default', 'accesstrue-default'];

      // Act
      const [nginx, accesstrue] = identifiers.map((identifier) => identifierState(state, identifier));

      // Assess
      expect(nginx?.maps?.podState).toEqual({ networkPolicy: 'POLICIES_APPLIED', clusterPolicy: undefined });
      expect(accesstrue?.needsFilters).toBe(true);
      expect(accesstrue?.maps?.podState).toEqual({ networkPolicy: 'DEFAULT_ALLOW', clusterPolicy: undefined });
      expect(accesstrue?.maps?.ingress).toEqual({ posture: 'no-policy', entries: [] });
      expect(accesstrue?.maps?.cpIngress).toBeUndefined();
    });
  });

  it('strict mode: pods without policy are DEFAULT_DENY with empty maps', () => {
    // Prepare
    const input = seedInput('1.3.5', 'strict');

    // Act
    const accessfalse = identifierState(computeOk(input), 'accessfalse-default');

    // Assess
    expect(accessfalse.maps?.podState).toEqual({ networkPolicy: 'DEFAULT_DENY', clusterPolicy: 'DEFAULT_ALLOW' });
    expect(accessfalse.maps?.ingress.entries).toEqual([]);
    expect(accessfalse.maps?.cpEgress).toEqual([]);
  });

  describe('which pods need filters', () => {
    it.each([
      ['1.1.6', 'standard', false, undefined],
      ['1.1.6', 'strict', true, undefined],
      ['1.2.0', 'standard', true, 'DEFAULT_ALLOW'],
      ['1.4.1', undefined, false, undefined],
    ] as const)('v%s %s: unselected pod needs filters = %s', (version, mode, needsFilters, podState) => {
      // Prepare
      const input = seedInput(version, mode);

      // Act
      const state = computeOk(input);
      const unselected = state.identifiers.find((entry) => entry.pods.some((p) => p.name === 'accesstrue'));

      // Assess
      expect(unselected?.needsFilters).toBe(needsFilters);
      expect(unselected?.maps?.podState?.networkPolicy).toBe(podState);
      expect(unselected?.maps === undefined).toBe(!needsFilters);
    });

    it('v1.1.x: no pod-state maps, but selected pods carry filters and rules', () => {
      // Prepare
      const input = seedInput('1.1.6', 'standard');

      // Act
      const nginx = identifierState(computeOk(input), 'nginx-f8d9c6576-default');

      // Assess
      expect(nginx.needsFilters).toBe(true);
      expect(nginx.maps?.podState).toBeUndefined();
      expect(nginx.pods[0]?.vlanVethName).toBeUndefined();
      expect(Object.keys(asSets(nginx.maps?.ingress.entries ?? []))).toHaveLength(2);
    });
  });

  describe('the shared sample node (shop/nginx replicas)', () => {
    const node = SAMPLE.nodeIp;
    const replicas = [
      pod('shop', 'nginx-5d8b9f7c6d-x2x7q', '10.0.23.14', SAMPLE.nodeName, node),
      pod('shop', 'nginx-5d8b9f7c6d-k9lqp', '10.0.31.206', SAMPLE.nodeName, node),
      pod('db', 'web-0', '10.0.17.99', SAMPLE.nodeName, node),
    ];
    const policyEndpoints: PolicyEndpoint[] = [
      policyEndpoint('shop', 'nginx-ingress-abcde', {
        targets: [target('shop', 'nginx-5d8b9f7c6d-x2x7q', '10.0.23.14', node)],
        isolation: ['Ingress'],
        ingress: SAMPLE.ingress.slice(0, 1),
      }),
      // Sibling chunk of the same policy: no pod of this node listed, its rules still apply.
      policyEndpoint('shop', 'nginx-ingress-fghij', {
        targets: [target('shop', 'nginx-5d8b9f7c6d-zzzzz', '10.0.99.1', '10.0.9.9')],
        isolation: ['Ingress'],
        ingress: SAMPLE.ingress.slice(1, 2),
      }),
      policyEndpoint('shop', 'nginx-egress-klmno', {
        targets: [target('shop', 'nginx-5d8b9f7c6d-k9lqp', '10.0.31.206', node)],
        isolation: ['Egress'],
        egress: [...SAMPLE.egress],
      }),
      // Same policy name prefix in another namespace: not a sibling.
      policyEndpoint('db', 'nginx-ingress-pqrst', { targets: [], ingress: [{ cidr: '10.99.0.0/16' }] }),
    ];
    const clusterPolicyEndpoints: ClusterPolicyEndpoint[] = [
      clusterPolicyEndpoint('deny-ssh-abcde', 'Admin', 10, {
        targets: [target('shop', 'nginx-5d8b9f7c6d-x2x7q', '10.0.23.14', node)],
        egress: [{ cidr: '10.0.0.0/8', action: 'Deny', ports: [{ protocol: 'TCP', port: 22 }] }],
      }),
      clusterPolicyEndpoint('baseline-allow-fghij', 'Baseline', 50, {
        targets: [target('db', 'web-0', '10.0.17.99', '10.0.7.7')],
        egress: [{ cidr: '0.0.0.0/0', action: 'Accept' }],
      }),
    ];
    const input = {
      nodeName: SAMPLE.nodeName,
      nodeIPs: [node],
      pods: replicas,
      policyEndpoints,
      clusterPolicyEndpoints,
      agentVersion: '1.4.1',
      enforcementMode: 'standard' as const,
      sha1Hex,
    };

    it('shares one map set between replicas and merges every PE of the identifier, sibling chunks included', () => {
      // Prepare
      const identifier = 'nginx-5d8b9f7c6d@shop';

      // Act
      const nginx = identifierState(computeOk(input), identifier);

      // Assess
      expect(nginx.pods.map((p) => p.vethName)).toEqual(['enid5650d11340', 'eni621431ed660']);
      expect(nginx.policyEndpoints).toEqual([
        'shop/nginx-ingress-abcde',
        'shop/nginx-ingress-fghij',
        'shop/nginx-egress-klmno',
      ]);
      expect(asSets(nginx.maps?.ingress.entries ?? [])).toEqual({
        '10.0.1.25/32': [ANY],
        '10.0.5.0/24': ['255:0:0'],
        '10.0.40.12/32': ['6:80:0', '6:8080:0', '6:9000:9100'],
        '10.0.0.0/16': ['6:8080:0', '6:9000:9100'],
      });
      expect(asSets(nginx.maps?.egress.entries ?? [])['10.0.2.33/32']).toEqual(['6:53:0', '6:443:0', '17:53:0']);
    });

    it('computes cp maps and key 1 from the CPEs targeting this node only', () => {
      // Prepare
      const identifiers = ['nginx-5d8b9f7c6d@shop', 'web@db'];

      // Act
      const state = computeOk(input);
      const [nginx, web] = identifiers.map((identifier) => identifierState(state, identifier));

      // Assess
      expect(nginx?.maps?.podState).toEqual({ networkPolicy: 'POLICIES_APPLIED', clusterPolicy: 'POLICIES_APPLIED' });
      expect(asSets(nginx?.maps?.cpEgress ?? [])).toEqual({ '10.0.0.0/8': ['6:22:0:100'] });
      expect(nginx?.clusterPolicyEndpoints).toEqual(['deny-ssh-abcde']);
      expect(web?.maps?.podState).toEqual({ networkPolicy: 'DEFAULT_ALLOW', clusterPolicy: 'DEFAULT_ALLOW' });
      expect(web?.maps?.cpEgress).toEqual([]);
    });

    it('ignores CPEs before v1.3.0', () => {
      // Prepare
      const old = { ...input, agentVersion: '1.2.7' };

      // Act
      const nginx = identifierState(computeOk(old), 'nginx-5d8b9f7c6d-shop');

      // Assess
      expect(nginx.clusterPolicyEndpoints).toEqual([]);
      expect(nginx.maps?.cpEgress).toBeUndefined();
      expect(nginx.maps?.podState?.clusterPolicy).toBeUndefined();
    });

    it('reports PE targets of this node that are not running pods', () => {
      // Prepare
      const stale = {
        ...input,
        policyEndpoints: [
          policyEndpoint('shop', 'nginx-ingress-abcde', {
            targets: [target('shop', 'nginx-5d8b9f7c6d-gone1', '10.0.44.44', node)],
            ingress: [{ cidr: '10.0.0.0/16' }],
          }),
        ],
      };

      // Act
      const nginx = identifierState(computeOk(stale), 'nginx-5d8b9f7c6d@shop');

      // Assess
      expect(nginx.unmatchedTargets).toEqual([target('shop', 'nginx-5d8b9f7c6d-gone1', '10.0.44.44', node)]);
      expect(nginx.maps?.podState?.networkPolicy).toBe('POLICIES_APPLIED');
    });
  });

  describe('targeting', () => {
    it('ignores PE entries of other nodes and host-network entries', () => {
      // Prepare
      const input = {
        ...seedInput('1.4.1', 'standard'),
        policyEndpoints: [
          policyEndpoint('default', 'p-aaaaa', {
            targets: [
              target('default', 'accesstrue', '172.31.101.218', '172.31.1.1'),
              target('default', 'accessfalse', SEED_NODE_IP, SEED_NODE_IP),
            ],
            ingress: [{ cidr: '10.0.0.0/8' }],
          }),
        ],
      };

      // Act
      const state = computeOk(input);

      // Assess
      expect(identifierState(state, 'accesstrue@default').maps?.podState?.networkPolicy).toBe('DEFAULT_ALLOW');
      expect(identifierState(state, 'accessfalse@default').maps?.podState?.networkPolicy).toBe('DEFAULT_ALLOW');
    });

    it('skips host-network, terminal and other-node pods', () => {
      // Prepare
      const hostNetwork: Pod = {
        ...pod('kube-system', 'aws-node-abcde', SEED_NODE_IP, SEED_NODE),
        spec: { nodeName: SEED_NODE, hostNetwork: true, containers: [] },
      };
      const done: Pod = {
        ...pod('default', 'job-x-12345', '172.31.9.9', SEED_NODE),
        status: { phase: 'Succeeded', podIP: '172.31.9.9' },
      };
      const elsewhere = pod('default', 'other-0', '172.31.8.8', 'another-node');
      const input = { ...seedInput('1.4.1', 'standard'), pods: [hostNetwork, done, elsewhere] };

      // Act
      const state = computeOk(input);

      // Assess
      expect(state.identifiers.map((entry) => entry.podIdentifier)).toEqual(['nginx-f8d9c6576@default']);
      expect(state.identifiers[0]?.pods).toEqual([]);
    });

    it('shares maps across namespaces on a #576 identifier collision (≤ v1.3.x)', () => {
      // Prepare
      const pods = [pod('ns1', 'deny-me-0', '10.1.0.1', 'n'), pod('me-ns1', 'deny-0', '10.1.0.2', 'n')];
      const base = {
        nodeName: 'n',
        nodeIPs: ['10.1.0.254'],
        pods,
        policyEndpoints: [],
        clusterPolicyEndpoints: [],
        enforcementMode: 'standard' as const,
        sha1Hex,
      };

      // Act
      const legacy = computeOk({ ...base, agentVersion: '1.3.7' });
      const current = computeOk({ ...base, agentVersion: '1.4.0' });

      // Assess
      expect(legacy.identifiers).toHaveLength(1);
      expect(legacy.identifiers[0]?.pods).toHaveLength(2);
      expect(current.identifiers.map((entry) => entry.podIdentifier)).toEqual(['deny-me@ns1', 'deny@me-ns1']);
    });
  });

  describe('node IP and family', () => {
    it('reads InternalIP addresses of the Node', () => {
      // Prepare
      const node: Node = {
        kind: 'Node',
        metadata: { name: 'n' },
        spec: {},
        status: {
          addresses: [
            { type: 'Hostname', address: 'ip-10-0-1-25' },
            { type: 'InternalIP', address: '10.0.1.25' },
          ],
        },
      };

      // Act
      const ips = nodeInternalIPs(node);

      // Assess
      expect(ips).toEqual(['10.0.1.25']);
    });

    it('fails with no-node-ip when the node has no address of the cluster family', () => {
      // Prepare
      const input = { ...seedInput('1.4.1', 'standard'), ipFamily: 'ipv6' as const };

      // Act
      const result = computeExpectedNodeState(input);

      // Assess
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.kind).toBe('no-node-ip');
    });

    it('infers IPv6 from the pods and uses the IPv6 node address', () => {
      // Prepare
      const nodeV6 = '2600:1f14:abc:d300::1';
      const input = {
        nodeName: 'n6',
        nodeIPs: ['10.0.1.25', nodeV6],
        pods: [pod('shop', 'api-0', '2600:1f14:abc:d300::7', 'n6')],
        policyEndpoints: [
          policyEndpoint('shop', 'api-abcde', {
            targets: [target('shop', 'api-0', '2600:1f14:abc:d300::7', '2600:1f14:abc:d300:0:0:0:1')],
            isolation: ['Ingress', 'Egress'],
            egress: [
              { cidr: '0.0.0.0/0' },
              { cidr: '::/0' },
              { cidr: 'fd74:9d4e:ba42::a', ports: [{ protocol: 'UDP' as const, port: 53 }] },
            ],
          }),
        ],
        clusterPolicyEndpoints: [],
        agentVersion: '1.4.1',
        enforcementMode: 'strict' as const,
        sha1Hex,
      };

      // Act
      const state = computeOk(input);
      const api = identifierState(state, 'api@shop');

      // Assess
      expect(state.ipFamily).toBe('ipv6');
      expect(state.nodeIP).toBe(nodeV6);
      expect(api.maps?.ingress.posture).toBe('isolated');
      expect(asSets(api.maps?.egress.entries ?? [])).toEqual({
        '::/0': [ANY],
        '2600:1f14:abc:d300::1/128': [ANY],
        'fd74:9d4e:ba42::a/128': ['17:53:0', ANY],
      });
    });
  });

  it('lists unparsable CIDRs and version assumptions in the result', () => {
    // Prepare
    const input = seedInput(undefined, 'standard');
    const withBadCidr = {
      ...input,
      policyEndpoints: [
        policyEndpoint('default', 'bad-abcde', {
          targets: input.policyEndpoints[0]?.spec.podSelectorEndpoints ?? [],
          ingress: [{ cidr: 'not-a-cidr' }],
        }),
      ],
    };

    // Act
    const state = computeOk(withBadCidr);

    // Assess
    expect(state.invalidCidrs).toEqual(['not-a-cidr']);
    expect(state.assumptions[0]).toMatch(/unknown/);
    expect(state.identifiers.map((entry) => entry.podIdentifier)).toContain('nginx-f8d9c6576@default');
  });
});
