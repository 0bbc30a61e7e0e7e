import { checkServicePortMapping, RESOLVER_CHECKS } from '#engine/control-plane/resolver/index';
import type { NetworkPolicy, Pod, Service } from '#engine/model/kubernetes';
import { inventory, namespace, networkPolicy, pod, service } from './builders';

const backendLabels = { app: 'api', tier: 'backend' };
const webPort = [{ name: 'web', containerPort: 8080 }];

function check(policy: NetworkPolicy, services: Service[], pods?: Pod[]) {
  const cluster = inventory({
    namespaces: [namespace('client'), namespace('api')],
    pods: pods ?? [
      pod('client', 'c', { ip: '10.0.0.1', labels: { app: 'client' } }),
      pod('api', 'api-1', { ip: '10.0.1.1', labels: backendLabels, ports: webPort }),
    ],
    services,
    networkPolicies: [policy],
  });
  return checkServicePortMapping(cluster);
}

function egressPolicy(peer: Record<string, unknown>, ports: unknown[], extraRules: unknown[] = []) {
  return networkPolicy('client', 'to-api', {
    podSelector: { matchLabels: { app: 'client' } },
    policyTypes: ['Egress'],
    egress: [
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'api' } }, ...peer }], ports },
      ...extraRules,
    ],
  });
}

const apiService = (
  selector: Record<string, string>,
  ports: { port: number; targetPort?: number | string }[],
  clusterIP = '172.20.0.10',
) => service('api', 'api', { clusterIP, selector, ports });

describe('CP-SVC-PORT-UNMAPPED', () => {
  it('is in the catalog with the documented id, layer, severity and upstream issues', () => {
    // Assess
    expect(RESOLVER_CHECKS).toContainEqual(
      expect.objectContaining({
        id: 'CP-SVC-PORT-UNMAPPED',
        layer: 'control-plane',
        severity: 'high',
        upstream: [
          'https://github.com/aws/aws-network-policy-agent/issues/166',
          'https://github.com/aws/amazon-network-policy-controller-k8s/issues/222',
        ],
      }),
    );
  });

  it('reports a Service whose selector is a subset of the peer selector (selector-as-label-set mismatch)', () => {
    // Prepare
    const policy = egressPolicy({ podSelector: { matchLabels: backendLabels } }, [{ protocol: 'TCP', port: 8080 }]);

    // Act
    const findings = check(policy, [apiService({ app: 'api' }, [{ port: 80, targetPort: 8080 }])]);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      checkId: 'CP-SVC-PORT-UNMAPPED',
      severity: 'high',
      resource: { kind: 'NetworkPolicy', namespace: 'client', name: 'to-api' },
    });
    expect(findings[0]?.message).toContain('client/to-api');
    expect(findings[0]?.message).toContain('Service api/api');
    expect(findings[0]?.message).toContain('TCP/8080');
    expect(findings[0]?.message).toContain('172.20.0.10 TCP/80');
    expect(findings[0]?.upstreamIssue).toContain('aws/amazon-network-policy-controller-k8s#194');
  });

  it('does not report a Service whose port differs from its targetPort when the mapping works', () => {
    // Prepare
    const policy = egressPolicy({ podSelector: { matchLabels: { app: 'api' } } }, [{ protocol: 'TCP', port: 8080 }]);

    // Act
    const direct = check(policy, [apiService({ app: 'api' }, [{ port: 80, targetPort: 8080 }])]);
    const named = check(policy, [apiService({ app: 'api' }, [{ port: 80, targetPort: 'web' }])]);

    // Assess
    expect(direct).toEqual([]);
    expect(named).toEqual([]);
  });

  it('reports the bypass guard skipping a port when another selected pod maps the named targetPort elsewhere', () => {
    // Prepare
    const policy = egressPolicy({ podSelector: { matchLabels: { app: 'api' } } }, [{ protocol: 'TCP', port: 8080 }]);
    const pods = [
      pod('api', 'api-1', { ip: '10.0.1.1', labels: { app: 'api' }, ports: webPort }),
      pod('api', 'api-2', { ip: '10.0.1.2', labels: { app: 'api' }, ports: [{ name: 'web', containerPort: 9090 }] }),
    ];

    // Act
    const findings = check(policy, [apiService({ app: 'api' }, [{ port: 80, targetPort: 'web' }])], pods);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('bypass guard');
  });

  it('reports a named rule port when no service port maps to it', () => {
    // Prepare
    const policy = egressPolicy({ podSelector: { matchLabels: { app: 'api' } } }, [{ protocol: 'TCP', port: 'web' }]);
    const pods = [
      pod('api', 'api-1', {
        ip: '10.0.1.1',
        labels: { app: 'api' },
        ports: [
          { name: 'web', containerPort: 8080 },
          { name: 'alt', containerPort: 8080 },
        ],
      }),
    ];

    // Act
    const findings = check(policy, [apiService({ app: 'api' }, [{ port: 80, targetPort: 'alt' }])], pods);

    // Assess (the Service forwards to 8080, which the rule allows as "web", but §2.6 compares the name "alt" only)
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('port TCP/web');
    expect(findings[0]?.message).toContain('no service port has a targetPort');
    expect(findings[0]?.upstreamIssue).toContain('aws/aws-network-policy-agent#166');
  });

  it('ignores rule ports the Service does not serve, headless Services, rules without ports and ipBlock peers', () => {
    // Prepare
    const unserved = egressPolicy({ podSelector: { matchLabels: backendLabels } }, [{ protocol: 'TCP', port: 9999 }]);
    const noPorts = egressPolicy({ podSelector: { matchLabels: backendLabels } }, []);
    const mismatch = apiService({ app: 'api' }, [{ port: 80, targetPort: 8080 }]);

    // Act
    const findings = [
      ...check(unserved, [mismatch]),
      ...check(noPorts, [mismatch]),
      ...check(egressPolicy({ podSelector: { matchLabels: backendLabels } }, [{ protocol: 'TCP', port: 8080 }]), [
        apiService({ app: 'api' }, [{ port: 80, targetPort: 8080 }], 'None'),
      ]),
    ];

    // Assess
    expect(findings).toEqual([]);
  });

  it('does not report when another egress entry of the policy already opens the ClusterIP port', () => {
    // Prepare
    const policy = egressPolicy(
      { podSelector: { matchLabels: backendLabels } },
      [{ protocol: 'TCP', port: 8080 }],
      [{ to: [{ ipBlock: { cidr: '172.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 80 }] }],
    );

    // Act
    const findings = check(policy, [apiService({ app: 'api' }, [{ port: 80, targetPort: 8080 }])]);

    // Assess
    expect(findings).toEqual([]);
  });

  it('only considers ready peer pods as backends', () => {
    // Prepare
    const policy = egressPolicy({ podSelector: { matchLabels: backendLabels } }, [{ protocol: 'TCP', port: 8080 }]);
    const pods = [pod('api', 'api-1', { ip: '10.0.1.1', labels: backendLabels, phase: 'Succeeded' })];

    // Act
    const findings = check(policy, [apiService({ app: 'api' }, [{ port: 80, targetPort: 8080 }])], pods);

    // Assess
    expect(findings).toEqual([]);
  });
});
