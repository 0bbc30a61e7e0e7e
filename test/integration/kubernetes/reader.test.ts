import { loadKubeConfig, transportFromKubeConfig } from '#adapters/kubernetes/client-node-transport';
import { KubernetesClusterSource } from '#adapters/kubernetes/kubernetes-cluster-source';
import { KubernetesReader, type ListPage } from '#adapters/kubernetes/kubernetes-reader';
import { openLiveCluster } from '#adapters/kubernetes/live-cluster';
import { runAudit } from '#engine/audit';
import { apply, KubeClient, type KubeObject } from './support/kube-admin';
import { sharedCluster, type ClusterEnv } from './support/test-cluster';

jest.setTimeout(60_000);

const NS = 'reader-it';
const POD_COUNT = 5;

function podObject(index: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${index}`, namespace: NS, labels: { app: 'web' } },
    spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'registry.example/web:1' }] },
  };
}

describe('KubernetesReader against a real kube-apiserver', () => {
  let cluster: ClusterEnv;
  let admin: KubeClient;

  beforeAll(async () => {
    cluster = await sharedCluster('kubernetes');
    admin = await KubeClient.fromKubeconfig(cluster.adminKubeconfig);
    await apply(admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await apply(admin, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    for (let index = 0; index < POD_COUNT; index += 1) {
      await apply(admin, podObject(index));
      await admin.expect(
        'PATCH',
        `/api/v1/namespaces/${NS}/pods/web-${index}/status`,
        {
          status: {
            phase: 'Running',
            hostIP: '10.0.0.10',
            podIP: `10.0.1.${index + 1}`,
            podIPs: [{ ip: `10.0.1.${index + 1}` }],
          },
        },
        { contentType: 'application/merge-patch+json' },
      );
    }
    await apply(admin, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-web', namespace: NS },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }] }],
      },
    });
    for (const [name, ips] of [
      ['allow-web-aaaaa', [1, 2, 3]],
      ['allow-web-bbbbb', [4, 5]],
    ] as const) {
      await apply(admin, {
        apiVersion: 'networking.k8s.aws/v1alpha1',
        kind: 'PolicyEndpoint',
        metadata: { name, namespace: NS },
        spec: {
          policyRef: { name: 'allow-web', namespace: NS },
          podSelector: { matchLabels: { app: 'web' } },
          podIsolation: ['Ingress'],
          podSelectorEndpoints: ips.map((ip) => ({
            hostIP: '10.0.0.10',
            podIP: `10.0.1.${ip}`,
            name: `web-${ip - 1}`,
            namespace: NS,
          })),
          ingress: [{ cidr: '10.0.1.1' }],
        },
      });
    }
    await apply(admin, {
      apiVersion: 'networking.k8s.aws/v1alpha1',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'baseline-deny' },
      spec: {
        tier: 'Baseline',
        priority: 100,
        subject: { namespaces: {} },
        ingress: [{ name: 'deny-all', action: 'Deny', from: [{ namespaces: {} }] }],
      },
    });
    await apply(admin, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'aws-node', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'aws-node' } },
        template: {
          metadata: { labels: { 'k8s-app': 'aws-node' } },
          spec: {
            containers: [
              {
                name: 'aws-node',
                image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.6-eksbuild.1',
              },
            ],
          },
        },
      },
    });
    await apply(admin, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
      data: { 'enable-network-policy-controller': 'true' },
    });
    await apply(admin, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'unrelated', namespace: 'kube-system' },
      data: { secret: 'not for auditors' },
    });
  });

  it('reads everything the engine needs as the bound auditor, two objects per page', async () => {
    // Act
    const live = await openLiveCluster({ kubeconfigPath: cluster.auditorKubeconfig, reader: { pageSize: 2 } });
    const inventory = await live.source.readInventory();
    // Assess
    expect(inventory.unavailableKinds).toEqual([]);
    expect(inventory.inputFindings).toEqual([]);
    expect(inventory.pods.filter((pod) => pod.metadata.namespace === NS).map((pod) => pod.metadata.name)).toEqual([
      'web-0',
      'web-1',
      'web-2',
      'web-3',
      'web-4',
    ]);
    expect(inventory.pods.find((pod) => pod.metadata.name === 'web-3')?.status.podIP).toBe('10.0.1.4');
    expect(inventory.namespaces.map((namespace) => namespace.metadata.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', NS]),
    );
    expect(inventory.nodes.map((node) => node.metadata.name)).toContain('node-a');
    expect(inventory.services.map((service) => service.metadata.name)).toContain('kubernetes');
    expect(inventory.networkPolicies.map((policy) => `${policy.metadata.namespace}/${policy.metadata.name}`)).toEqual([
      `${NS}/allow-web`,
    ]);
    expect(inventory.policyEndpoints.map((endpoint) => endpoint.metadata.name)).toEqual([
      'allow-web-aaaaa',
      'allow-web-bbbbb',
    ]);
    expect(inventory.policyEndpoints[0]?.spec.podSelectorEndpoints).toHaveLength(3);
    expect(inventory.clusterNetworkPolicies.map((policy) => policy.metadata.name)).toEqual(['baseline-deny']);
    expect(inventory.awsNodeDaemonSet?.metadata.name).toBe('aws-node');
    expect(inventory.vpcCniConfigMap?.data).toEqual({ 'enable-network-policy-controller': 'true' });
    // every List came in pages of at most two items, PolicyEndpoints included
    const pages: { kind: string; page: ListPage }[] = [];
    await live.reader.read({
      page: (resource, page) => void pages.push({ kind: resource.kind, page }),
      object: () => undefined,
    });
    expect(Math.max(...pages.map((entry) => entry.page.itemCount))).toBe(2);
    expect(pages.filter((entry) => entry.kind === 'Pod')).toHaveLength(Math.ceil(inventory.pods.length / 2));
    expect(pages.filter((entry) => entry.kind === 'PolicyEndpoint').map((entry) => entry.page.itemCount)).toEqual([2]);
  });

  it('gives clear permission findings to an identity without the binding, and the audit still completes', async () => {
    const live = await openLiveCluster({ kubeconfigPath: cluster.outsiderKubeconfig, reader: { pageSize: 2 } });
    const inventory = await live.source.readInventory();
    expect(inventory.unavailableKinds.map((entry) => entry.kind).sort()).toEqual(
      [
        'ApplicationNetworkPolicy',
        'ClusterNetworkPolicy',
        'ClusterPolicyEndpoint',
        'ConfigMap',
        'DaemonSet',
        'Namespace',
        'NetworkPolicy',
        'Node',
        'Pod',
        'PolicyEndpoint',
        'Service',
      ].sort(),
    );
    const podReason = inventory.unavailableKinds.find((entry) => entry.kind === 'Pod')?.reason;
    expect(podReason).toContain('permission denied (HTTP 403)');
    expect(podReason).toContain('User "outsider" cannot list resource "pods"');
    expect(podReason).toContain('see k8s/rbac.yaml');
    const report = runAudit({
      inventory,
      options: { now: new Date() },
      source: { kind: 'live', location: live.location },
      engineVersion: 'test',
    });
    expect(report.findings.filter((finding) => finding.checkId === 'INPUT-KIND-UNAVAILABLE')).toHaveLength(11);
    expect(report.notChecked.map((entry) => entry.scope)).toEqual(expect.arrayContaining(['PolicyEndpoint', 'Pod']));
    expect(report.findings.filter((finding) => finding.layer === 'control-plane')).toEqual([]);
  });

  it('rejects a token the API server does not know with an error naming the server', async () => {
    const live = await openLiveCluster({ kubeconfigPath: cluster.auditorKubeconfig });
    const config = await loadKubeConfig({ kubeconfigPath: cluster.auditorKubeconfig });
    const transport = transportFromKubeConfig(config, {
      headers: () => Promise.resolve({ Authorization: 'Bearer not-a-known-token' }),
    });
    const source = new KubernetesClusterSource(new KubernetesReader(transport), 'c');
    await expect(source.readInventory()).rejects.toThrow(
      `${live.location}: the Kubernetes API rejected the credentials (HTTP 401`,
    );
  });
});
