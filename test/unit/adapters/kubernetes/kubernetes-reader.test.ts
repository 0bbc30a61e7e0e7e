import fc from 'fast-check';
import { KubernetesClusterSource } from '#adapters/kubernetes/kubernetes-cluster-source';
import { KubernetesReader, type ListPage, type PageSink } from '#adapters/kubernetes/kubernetes-reader';
import { KubeTransportError } from '#adapters/kubernetes/kube-transport';
import { READ_RESOURCES } from '#adapters/kubernetes/resources';
import { InputError } from '#engine/errors';
import { buildInventory } from '#engine/inventory/build-inventory';
import { connectionRefused, emptyCluster, forbidden, notFound, pagedList, pod } from './fake-transport';

const noSleep = { sleep: () => Promise.resolve(), random: () => 0.5 };

function recordingSink(): PageSink & { pages: { kind: string; page: ListPage }[]; objects: string[] } {
  const pages: { kind: string; page: ListPage }[] = [];
  const objects: string[] = [];
  return {
    pages,
    objects,
    page: (resource, page) => {
      pages.push({ kind: resource.kind, page });
    },
    object: (resource) => {
      objects.push(resource.kind);
    },
  };
}

const PE = {
  apiVersion: 'networking.k8s.aws/v1alpha1',
  kind: 'PolicyEndpoint',
  metadata: { name: 'allow-web-x7k2q', namespace: 'shop' },
  spec: {
    policyRef: { name: 'allow-web', namespace: 'shop' },
    podSelector: { matchLabels: { app: 'web' } },
    podIsolation: ['Ingress'],
    podSelectorEndpoints: [{ hostIP: '10.0.9.9', podIP: '10.0.0.1', name: 'web-0', namespace: 'shop' }],
    ingress: [{ cidr: '10.0.0.2' }],
  },
};

describe('KubernetesReader pagination', () => {
  it('follows continue tokens with the configured page size and hands over each page once', async () => {
    // Prepare
    const pods = Array.from({ length: 7 }, (_, index) => pod('shop', `web-${index}`));
    const transport = emptyCluster().on('/api/v1/pods', pagedList('Pod', 'v1', pods));
    const sink = recordingSink();
    // Act
    const summary = await new KubernetesReader(transport, { pageSize: 2, ...noSleep }).read(sink);
    // Assess
    const podRequests = transport.requests.filter((path) => path.startsWith('/api/v1/pods'));
    expect(podRequests).toEqual([
      '/api/v1/pods?limit=2',
      '/api/v1/pods?limit=2&continue=2',
      '/api/v1/pods?limit=2&continue=4',
      '/api/v1/pods?limit=2&continue=6',
    ]);
    const podPages = sink.pages.filter((entry) => entry.kind === 'Pod');
    expect(podPages.map((entry) => entry.page.itemCount)).toEqual([2, 2, 2, 1]);
    expect(podPages.map((entry) => entry.page.source)).toEqual([1, 2, 3, 4].map((n) => `GET /api/v1/pods page ${n}`));
    expect(summary.objects).toBe(7);
    expect(summary.unavailableKinds).toEqual([]);
  });

  it('lists every kind the engine needs and GETs the two kube-system objects by name', async () => {
    const transport = emptyCluster();
    await new KubernetesReader(transport, noSleep).read(recordingSink());
    expect(transport.requests.map((path) => path.split('?')[0])).toEqual([
      '/version',
      ...READ_RESOURCES.map((resource) => resource.path),
    ]);
    expect(transport.requests.filter((path) => path.includes('/daemonsets/') || path.includes('/configmaps/'))).toEqual(
      [
        '/apis/apps/v1/namespaces/kube-system/daemonsets/aws-node',
        '/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni',
      ],
    );
  });

  it('gives the same inventory page by page as buildInventory on one List, for any page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 11 }), async (pageSize, count) => {
        const pods = Array.from({ length: count }, (_, index) =>
          pod(index % 2 === 0 ? 'a' : 'b', `p-${index}`, { app: `x${index % 3}` }, `10.0.0.${index + 1}`),
        );
        const transport = emptyCluster().on('/api/v1/pods', pagedList('Pod', 'v1', pods));
        const live = await new KubernetesClusterSource(
          new KubernetesReader(transport, { pageSize, ...noSleep }),
          'c',
        ).readInventory();
        const offline = buildInventory({
          clusterName: 'c',
          documents: [{ source: 'pods.json', content: { kind: 'PodList', apiVersion: 'v1', items: pods } }],
        });
        expect(live.pods).toEqual(offline.pods);
        expect(live.inputFindings).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('continues an expired list with the inconsistent-continue token from the 410 Status', async () => {
    const pods = Array.from({ length: 5 }, (_, index) => pod('shop', `web-${index}`));
    const paged = pagedList('Pod', 'v1', pods);
    const transport = emptyCluster().on('/api/v1/pods', (path, query) =>
      query.get('continue') === '2'
        ? {
            status: 410,
            body: {
              kind: 'Status',
              code: 410,
              reason: 'Expired',
              message: 'The provided continue parameter is too old',
              metadata: { continue: '3' },
            },
          }
        : paged(path, query),
    );
    const source = new KubernetesClusterSource(new KubernetesReader(transport, { pageSize: 2, ...noSleep }), 'c');
    const inventory = await source.readInventory();
    expect(inventory.pods.map((item) => item.metadata.name)).toEqual(['web-0', 'web-1', 'web-3', 'web-4']);
    expect(inventory.unavailableKinds).toEqual([]);
  });

  it('rejects a page size that is not a positive integer', () => {
    expect(() => new KubernetesReader(emptyCluster(), { pageSize: 0 })).toThrow(RangeError);
  });
});

describe('KubernetesReader error mapping', () => {
  it('turns 403 into an unavailable kind naming the missing permission and k8s/rbac.yaml', async () => {
    const transport = emptyCluster()
      .on('/apis/networking.k8s.aws/v1alpha1/policyendpoints', () =>
        forbidden(
          'policyendpoints.networking.k8s.aws is forbidden: User "auditor" cannot list resource "policyendpoints"',
        ),
      )
      .on('/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni', () =>
        forbidden('configmaps "amazon-vpc-cni" is forbidden'),
      );
    const inventory = await new KubernetesClusterSource(new KubernetesReader(transport, noSleep), 'c').readInventory();
    expect(inventory.unavailableKinds).toEqual([
      {
        kind: 'PolicyEndpoint',
        reason:
          'permission denied (HTTP 403): policyendpoints.networking.k8s.aws is forbidden: User "auditor" cannot list resource "policyendpoints"; ' +
          'the audit identity needs list on policyendpoints (networking.k8s.aws/v1alpha1) at cluster scope, see k8s/rbac.yaml',
        cause: 'forbidden',
      },
      {
        kind: 'ConfigMap',
        reason:
          'permission denied (HTTP 403): configmaps "amazon-vpc-cni" is forbidden; the audit identity needs get on configmaps kube-system/amazon-vpc-cni, see k8s/rbac.yaml',
        cause: 'forbidden',
      },
    ]);
    expect(inventory.inputFindings.map((finding) => `${finding.checkId} ${finding.resource.kind}`)).toEqual([
      'INPUT-KIND-UNAVAILABLE PolicyEndpoint',
      'INPUT-KIND-UNAVAILABLE ConfigMap',
    ]);
  });

  it('turns a 404 list of an AWS kind into "CRD not installed", and a 404 GET into an absent object', async () => {
    const transport = emptyCluster().on('/apis/networking.k8s.aws/v1alpha1/applicationnetworkpolicies', notFound);
    const inventory = await new KubernetesClusterSource(new KubernetesReader(transport, noSleep), 'c').readInventory();
    expect(inventory.unavailableKinds).toEqual([
      {
        kind: 'ApplicationNetworkPolicy',
        reason:
          'the CustomResourceDefinition applicationnetworkpolicies.networking.k8s.aws is not installed (HTTP 404 for GET /apis/networking.k8s.aws/v1alpha1/applicationnetworkpolicies)',
        cause: 'not-installed',
      },
    ]);
    expect(inventory.inputFindings.map((finding) => [finding.checkId, finding.severity])).toEqual([
      ['INPUT-KIND-UNAVAILABLE', 'info'],
    ]);
    expect(inventory.awsNodeDaemonSet).toBeUndefined();
    expect(inventory.vpcCniConfigMap).toBeUndefined();
  });

  it('keeps the objects read by name when they exist', async () => {
    const transport = emptyCluster()
      .on('/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni', () => ({
        status: 200,
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
          data: { 'enable-network-policy-controller': 'true' },
        },
      }))
      .on(
        '/apis/networking.k8s.aws/v1alpha1/policyendpoints',
        pagedList('PolicyEndpoint', 'networking.k8s.aws/v1alpha1', [PE]),
      );
    const inventory = await new KubernetesClusterSource(new KubernetesReader(transport, noSleep), 'c').readInventory();
    expect(inventory.vpcCniConfigMap?.data).toEqual({ 'enable-network-policy-controller': 'true' });
    expect(inventory.policyEndpoints.map((endpoint) => endpoint.metadata.name)).toEqual(['allow-web-x7k2q']);
  });

  it('reports a malformed object as a finding naming the page and item, and goes on', async () => {
    const broken = { metadata: { name: 'no-namespace' }, spec: {}, status: {} };
    const transport = emptyCluster().on(
      '/api/v1/pods',
      pagedList('Pod', 'v1', [pod('a', 'ok'), pod('a', 'ok2'), broken]),
    );
    const inventory = await new KubernetesClusterSource(
      new KubernetesReader(transport, { pageSize: 2, ...noSleep }),
      'c',
    ).readInventory();
    expect(inventory.pods).toHaveLength(2);
    expect(inventory.inputFindings.map((finding) => finding.checkId)).toEqual(['INPUT-MALFORMED-OBJECT']);
    expect(inventory.inputFindings[0]?.message).toContain('GET /api/v1/pods page 2#items[0]');
  });

  it('says how much was read when a list fails part-way', async () => {
    const paged = pagedList('Pod', 'v1', [pod('a', 'p0'), pod('a', 'p1'), pod('a', 'p2')]);
    const transport = emptyCluster().on('/api/v1/pods', (path, query) =>
      query.get('continue') === null
        ? paged(path, query)
        : { status: 400, body: { kind: 'Status', message: 'bad continue' } },
    );
    const inventory = await new KubernetesClusterSource(
      new KubernetesReader(transport, { pageSize: 2, ...noSleep }),
      'c',
    ).readInventory();
    expect(inventory.unavailableKinds).toEqual([
      {
        kind: 'Pod',
        reason:
          'GET /api/v1/pods?limit=2&continue=2 failed with HTTP 400: bad continue after 2 objects had been read (the list is incomplete)',
        cause: 'failed',
      },
    ]);
  });

  it('stops with an InputError naming the server when the credentials are rejected', async () => {
    const transport = emptyCluster().on('/version', () => ({
      status: 401,
      body: { kind: 'Status', message: 'Unauthorized' },
    }));
    const read = new KubernetesReader(transport, noSleep).read(recordingSink());
    await expect(read).rejects.toThrow(InputError);
    await expect(read).rejects.toThrow(
      'https://fake.example:6443 (context test): the Kubernetes API rejected the credentials (HTTP 401 Unauthorized: Unauthorized)',
    );
  });

  it('stops with an InputError when the server cannot be reached, after the bounded retries', async () => {
    const transport = emptyCluster().on('/version', connectionRefused);
    await expect(new KubernetesReader(transport, { maxAttempts: 3, ...noSleep }).read(recordingSink())).rejects.toThrow(
      'cannot read the Kubernetes API: GET /version gave up after 3 attempts; last error: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6443',
    );
    expect(transport.requests).toEqual(['/version', '/version', '/version']);
  });
});

describe('KubernetesReader retries', () => {
  it('retries 429 and 5xx with backoff, honouring Retry-After, then succeeds', async () => {
    const replies = [
      { status: 503, body: { kind: 'Status', message: 'etcd leader changed' } },
      { status: 429, body: { kind: 'Status', message: 'too many requests' }, retryAfterSeconds: 2 },
    ];
    const paged = pagedList('Pod', 'v1', [pod('a', 'p0')]);
    const transport = emptyCluster().on('/api/v1/pods', (path, query) => replies.shift() ?? paged(path, query));
    const sleeps: number[] = [];
    const reader = new KubernetesReader(transport, {
      baseDelayMs: 100,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
      random: () => 0.5,
    });
    const inventory = await new KubernetesClusterSource(reader, 'c').readInventory();
    expect(inventory.pods).toHaveLength(1);
    expect(sleeps).toEqual([50, 2000]);
    expect(transport.requests.filter((path) => path.startsWith('/api/v1/pods'))).toHaveLength(3);
  });

  it('gives up after the bounded number of attempts and makes the kind unavailable', async () => {
    const transport = emptyCluster().on('/api/v1/nodes', () => ({
      status: 500,
      body: { kind: 'Status', message: 'etcdserver: request timed out' },
    }));
    const sleeps: number[] = [];
    const reader = new KubernetesReader(transport, {
      maxAttempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 300,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
      random: () => 0.999,
    });
    const inventory = await new KubernetesClusterSource(reader, 'c').readInventory();
    expect(inventory.unavailableKinds).toEqual([
      {
        kind: 'Node',
        reason:
          'GET /api/v1/nodes?limit=500 gave up after 4 attempts; last error: HTTP 500: etcdserver: request timed out',
        cause: 'failed',
      },
    ]);
    expect(sleeps).toEqual([99, 199, 299]);
    expect(transport.requests.filter((path) => path.startsWith('/api/v1/nodes'))).toHaveLength(4);
  });

  it('retries a dropped connection but not a TLS failure', async () => {
    let resets = 1;
    const transport = emptyCluster()
      .on('/api/v1/services', (path, query) =>
        resets-- > 0
          ? new KubeTransportError('ECONNRESET: socket hang up', true)
          : pagedList('Service', 'v1', [])(path, query),
      )
      .on('/api/v1/nodes', () => new KubeTransportError('CERT_HAS_EXPIRED: certificate has expired', false));
    const inventory = await new KubernetesClusterSource(new KubernetesReader(transport, noSleep), 'c').readInventory();
    expect(inventory.unavailableKinds).toEqual([
      {
        kind: 'Node',
        reason: 'GET /api/v1/nodes?limit=500 failed: CERT_HAS_EXPIRED: certificate has expired',
        cause: 'failed',
      },
    ]);
    expect(transport.requests.filter((path) => path.startsWith('/api/v1/nodes'))).toHaveLength(1);
  });
});
