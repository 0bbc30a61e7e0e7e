import { KubeTransportError, type KubeResponse, type KubeTransport } from '#adapters/kubernetes/kube-transport';

export type Handler = (path: string, query: URLSearchParams) => KubeResponse | Error;

/** A fake API server: routes by path (without query); records every request. */
export class FakeTransport implements KubeTransport {
  readonly location = 'https://fake.example:6443 (context test)';
  readonly requests: string[] = [];
  private readonly routes = new Map<string, Handler>();

  on(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  get(path: string): Promise<KubeResponse> {
    this.requests.push(path);
    const url = new URL(`https://fake.example${path}`);
    const handler = this.routes.get(url.pathname);
    const result = handler === undefined ? notFound(url.pathname) : handler(url.pathname, url.searchParams);
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  }
}

export function notFound(path: string): KubeResponse {
  return {
    status: 404,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: `the server could not find the requested resource (${path})`,
      reason: 'NotFound',
      code: 404,
    },
  };
}

export function forbidden(message: string): KubeResponse {
  return {
    status: 403,
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'Forbidden', code: 403 },
  };
}

export function connectionRefused(): KubeTransportError {
  return new KubeTransportError('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6443', true);
}

/** Serves `items` as `<kind>List` pages honouring limit/continue (continue = next offset). */
export function pagedList(kind: string, apiVersion: string, items: readonly unknown[]): Handler {
  return (_path, query) => {
    const limit = Number(query.get('limit') ?? items.length);
    const offset = Number(query.get('continue') ?? '0');
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? String(offset + limit) : undefined;
    return {
      status: 200,
      body: {
        kind: `${kind}List`,
        apiVersion,
        metadata: { resourceVersion: '42', ...(next === undefined ? {} : { continue: next }) },
        items: page,
      },
    };
  };
}

export function pod(namespace: string, name: string, labels: Record<string, string> = {}, podIP = '10.0.0.1'): unknown {
  return {
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i' }] },
    status: { phase: 'Running', podIP, podIPs: [{ ip: podIP }], hostIP: '10.0.9.9' },
  };
}

export const VERSION: Handler = () => ({ status: 200, body: { major: '1', minor: '35', gitVersion: 'v1.35.4' } });

export const EMPTY_CLUSTER_PATHS: readonly [string, string, string][] = [
  ['/api/v1/namespaces', 'Namespace', 'v1'],
  ['/api/v1/nodes', 'Node', 'v1'],
  ['/api/v1/pods', 'Pod', 'v1'],
  ['/api/v1/services', 'Service', 'v1'],
  ['/apis/networking.k8s.io/v1/networkpolicies', 'NetworkPolicy', 'networking.k8s.io/v1'],
  ['/apis/networking.k8s.aws/v1alpha1/policyendpoints', 'PolicyEndpoint', 'networking.k8s.aws/v1alpha1'],
  ['/apis/networking.k8s.aws/v1alpha1/clusternetworkpolicies', 'ClusterNetworkPolicy', 'networking.k8s.aws/v1alpha1'],
  ['/apis/networking.k8s.aws/v1alpha1/clusterpolicyendpoints', 'ClusterPolicyEndpoint', 'networking.k8s.aws/v1alpha1'],
  [
    '/apis/networking.k8s.aws/v1alpha1/applicationnetworkpolicies',
    'ApplicationNetworkPolicy',
    'networking.k8s.aws/v1alpha1',
  ],
];

/** A cluster with every kind installed and empty, /version served; tests override routes. */
export function emptyCluster(): FakeTransport {
  const transport = new FakeTransport().on('/version', VERSION);
  for (const [path, kind, apiVersion] of EMPTY_CLUSTER_PATHS) transport.on(path, pagedList(kind, apiVersion, []));
  return transport;
}
