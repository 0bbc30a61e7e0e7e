import type { PodSpec, Scenario } from './scenario';

function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ports: PodSpec['containers'][number],
): PodSpec {
  return { namespace, name, labels, containers: [ports], ip: 'status', phase: 'Running' };
}

const HTTP = [{ name: 'http', containerPort: 8080 }];

/** The AWS troubleshooting article's cluster: nginx, the access-nginx policy, pods with access=true / access=false. */
export const ARTICLE: Scenario = {
  name: 'article: access-nginx',
  namespaces: { a: {} },
  pods: [
    pod('a', 'nginx-1', { app: 'nginx' }, [{ name: 'http', containerPort: 80 }]),
    pod('a', 'accesstrue', { access: 'true' }, []),
    pod('a', 'accessfalse', { access: 'false' }, []),
  ],
  services: [
    {
      namespace: 'a',
      name: 'nginx',
      kind: 'ClusterIP',
      selector: { app: 'nginx' },
      ports: [{ port: 80, targetPort: 80 }],
    },
  ],
  policies: [
    {
      namespace: 'a',
      name: 'access-nginx',
      spec: {
        podSelector: { matchLabels: { app: 'nginx' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { access: 'true' } } }] }],
      },
    },
  ],
  plantedCollisions: [],
};

/**
 * Ingress and egress, a named port, ipBlocks with except in both families, a Service ClusterIP, a namespaceSelector
 * peer and a default deny; `api-ingress` has more entries than one chunk of 3 holds.
 */
export const RICH: Scenario = {
  name: 'rich: web, api, db',
  namespaces: { a: { team: 'a' }, b: { team: 'b' } },
  pods: [
    ...['web-1', 'web-2', 'web-3', 'web-4'].map((name) => pod('a', name, { app: 'web' }, [])),
    pod('a', 'api-1', { app: 'api' }, HTTP),
    pod('a', 'api-2', { app: 'api' }, HTTP),
    pod('b', 'db-1', { app: 'db' }, [{ name: 'pg', containerPort: 5432 }]),
  ],
  services: [
    {
      namespace: 'a',
      name: 'api',
      kind: 'ClusterIP',
      selector: { app: 'api' },
      ports: [{ name: 'web', port: 80, targetPort: 8080 }],
    },
  ],
  policies: [
    {
      namespace: 'a',
      name: 'api-ingress',
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 'http' }] },
          {
            from: [{ ipBlock: { cidr: '172.16.0.0/12', except: ['172.16.5.0/24'] } }],
            ports: [{ protocol: 'TCP', port: 8080 }],
          },
        ],
      },
    },
    {
      namespace: 'a',
      name: 'web-egress',
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
          { to: [{ ipBlock: { cidr: 'fd00::/48', except: ['fd00::/64'] } }], ports: [{ protocol: 'UDP', port: 53 }] },
        ],
      },
    },
    {
      namespace: 'b',
      name: 'db-ingress',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'api' } } }],
            ports: [{ protocol: 'TCP', port: 'pg' }],
          },
        ],
      },
    },
    { namespace: 'b', name: 'default-deny', spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
  ],
  plantedCollisions: [],
};
