import { resolveNetworkPolicies } from '#engine/control-plane/resolver/index';
import { inventory, namespace, networkPolicy, pod, service } from './builders';

describe('controller.md §2.11 worked examples (v1.1.7)', () => {
  it('Example A: egress to DNS in kube-system plus a CIDR', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('kube-system')],
      pods: [
        pod('app', 'web-1', { ip: '10.1.0.5', hostIP: '192.168.0.10', labels: { app: 'web' } }),
        pod('kube-system', 'coredns-a', {
          ip: '10.1.0.20',
          labels: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          ],
        }),
      ],
      services: [
        service('kube-system', 'kube-dns', {
          clusterIP: '172.20.0.10',
          selector: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
            { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          ],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'web-egress', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
            { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] } }] },
          ],
        }),
      ],
    });

    // Act
    const [resolved] = resolveNetworkPolicies(cluster);

    // Assess
    const dnsPorts = [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ];
    expect(resolved).toEqual({
      policyRef: { name: 'web-egress', namespace: 'app' },
      kind: 'NetworkPolicy',
      podSelector: { matchLabels: { app: 'web' } },
      podIsolation: ['Egress'],
      podSelectorEndpoints: [{ podIP: '10.1.0.5', hostIP: '192.168.0.10', name: 'web-1', namespace: 'app' }],
      ingress: [],
      egress: [
        { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] },
        { cidr: '10.1.0.20', ports: dnsPorts },
        { cidr: '172.20.0.10', ports: dnsPorts },
      ],
    });
  });

  it('Example A note: a superset selector Service matches, one without the k8s-app key does not', () => {
    // Prepare
    const cluster = inventory({
      namespaces: [namespace('app'), namespace('kube-system')],
      services: [
        service('kube-system', 'dns-extra', {
          clusterIP: '172.20.0.11',
          selector: { 'k8s-app': 'kube-dns', extra: 'x' },
          ports: [{ port: 53, protocol: 'UDP' }],
        }),
        service('kube-system', 'other', {
          clusterIP: '172.20.0.12',
          selector: { app: 'x' },
          ports: [{ port: 53, protocol: 'UDP' }],
        }),
      ],
      networkPolicies: [
        networkPolicy('app', 'web-egress', {
          podSelector: {},
          egress: [
            {
              to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
              ports: [{ protocol: 'UDP', port: 53 }],
            },
          ],
        }),
      ],
    });

    // Act
    const [resolved] = resolveNetworkPolicies(cluster);

    // Assess
    expect(resolved?.egress).toEqual([{ cidr: '172.20.0.11', ports: [{ protocol: 'UDP', port: 53 }] }]);
  });

  describe('Example B: ingress with a named port and allow-all', () => {
    const spec = {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }, { from: [{ podSelector: {} }] }],
    };
    const apiPorts = [{ name: 'http', containerPort: 8080, protocol: 'TCP' as const }];

    it('resolves the named port on the destination pods and allows all from the namespace', () => {
      // Prepare
      const cluster = inventory({
        namespaces: [namespace('ns')],
        pods: [
          pod('ns', 'api-1', { ip: '10.1.0.7', labels: { app: 'api' }, ports: apiPorts }),
          pod('ns', 'api-2', { ip: '10.1.0.8', labels: { app: 'api' }, ports: apiPorts }),
          pod('ns', 'client-1', { ip: '10.1.0.9' }),
        ],
        networkPolicies: [networkPolicy('ns', 'api', spec)],
      });

      // Act
      const [resolved] = resolveNetworkPolicies(cluster);

      // Assess
      expect(resolved?.podIsolation).toEqual(['Ingress']);
      expect(resolved?.ingress).toEqual([
        { cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 8080 }] },
        { cidr: '10.1.0.7' },
        { cidr: '10.1.0.8' },
        { cidr: '10.1.0.9' },
        { cidr: '::/0', ports: [{ protocol: 'TCP', port: 8080 }] },
      ]);
      expect(resolved?.egress).toEqual([]);
    });

    it('drops the first rule entirely when no ready app=api pod declares http', () => {
      // Prepare
      const cluster = inventory({
        namespaces: [namespace('ns')],
        pods: [
          pod('ns', 'api-1', { ip: '10.1.0.7', labels: { app: 'api' } }),
          pod('ns', 'api-2', { ip: '10.1.0.8', labels: { app: 'api' }, ports: apiPorts, phase: 'Failed' }),
          pod('ns', 'client-1', { ip: '10.1.0.9' }),
        ],
        networkPolicies: [networkPolicy('ns', 'api', spec)],
      });

      // Act
      const [resolved] = resolveNetworkPolicies(cluster);

      // Assess
      expect(resolved?.ingress).toEqual([{ cidr: '10.1.0.7' }, { cidr: '10.1.0.9' }]);
    });
  });
});
