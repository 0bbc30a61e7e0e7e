import { buildInventory } from '#engine/inventory/build-inventory';

const pod = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c' }] },
  status: { phase: 'Running', podIP: '10.0.0.1' },
  ...extra,
});

describe('buildInventory', () => {
  it('reads kubectl Lists, typed lists whose items carry no kind, and single objects', () => {
    // Prepare
    const documents = [
      { source: 'k8s/list.json', content: { apiVersion: 'v1', kind: 'List', items: [pod('a')] } },
      {
        source: 'k8s/podlist.json',
        content: { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'b', namespace: 'shop' } }] },
      },
      { source: 'k8s/ns.json', content: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } },
    ];
    // Act
    const inventory = buildInventory({ clusterName: 'c', documents });
    // Assess
    expect(inventory.pods.map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(inventory.namespaces.map((n) => n.metadata.name)).toEqual(['shop']);
    expect(inventory.inputFindings).toEqual([]);
  });

  it('keeps only the aws-node DaemonSet and the amazon-vpc-cni ConfigMap and counts the rest as ignored', () => {
    const documents = [
      {
        source: 'k8s/x.json',
        content: {
          kind: 'List',
          apiVersion: 'v1',
          items: [
            {
              apiVersion: 'apps/v1',
              kind: 'DaemonSet',
              metadata: { name: 'aws-node', namespace: 'kube-system' },
              spec: { template: { spec: { containers: [] } } },
            },
            {
              apiVersion: 'apps/v1',
              kind: 'DaemonSet',
              metadata: { name: 'kube-proxy', namespace: 'kube-system' },
              spec: { template: { spec: { containers: [] } } },
            },
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
              data: { 'enable-network-policy-controller': 'true' },
            },
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: {} },
            { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
            {
              apiVersion: 'policy.networking.k8s.io/v1alpha2',
              kind: 'ClusterNetworkPolicy',
              metadata: { name: 'upstream' },
            },
          ],
        },
      },
    ];
    const inventory = buildInventory({ clusterName: 'c', documents });
    expect(inventory.awsNodeDaemonSet?.metadata.name).toBe('aws-node');
    expect(inventory.vpcCniConfigMap?.data?.['enable-network-policy-controller']).toBe('true');
    expect(inventory.clusterNetworkPolicies).toEqual([]);
    expect(inventory.ignoredKinds).toEqual({
      'apps/v1/DaemonSet': 1,
      'v1/ConfigMap': 1,
      'apps/v1/Deployment': 1,
      'policy.networking.k8s.io/v1alpha2/ClusterNetworkPolicy': 1,
    });
  });

  it('turns a malformed object into a finding naming the file and item, and keeps the others', () => {
    const documents = [
      {
        source: 'k8s/pods.json',
        content: {
          kind: 'List',
          apiVersion: 'v1',
          items: [pod('good'), pod('bad', { metadata: { name: 'bad' } }), { metadata: { name: 'kindless' } }],
        },
      },
    ];
    const inventory = buildInventory({ clusterName: 'c', documents });
    expect(inventory.pods.map((p) => p.metadata.name)).toEqual(['good']);
    expect(inventory.inputFindings).toHaveLength(2);
    const [bad, kindless] = inventory.inputFindings;
    expect(bad).toMatchObject({
      checkId: 'INPUT-MALFORMED-OBJECT',
      layer: 'input',
      resource: { kind: 'Pod', name: 'bad' },
    });
    expect(bad?.message).toContain('k8s/pods.json#items[1]');
    expect(bad?.message).toContain('metadata.namespace');
    expect(kindless?.message).toContain('no kind');
  });

  it('reports duplicates and keeps the last copy', () => {
    const documents = [
      { source: 'one.json', content: pod('a') },
      { source: 'two.json', content: pod('a', { status: { podIP: '10.0.0.2' } }) },
    ];
    const inventory = buildInventory({ clusterName: 'c', documents });
    expect(inventory.pods).toHaveLength(1);
    expect(inventory.pods[0]?.status.podIP).toBe('10.0.0.2');
    expect(inventory.inputFindings.map((f) => f.checkId)).toEqual(['INPUT-DUPLICATE-OBJECT']);
  });

  it('accepts the describe-* response wrappers and takes the cluster name from eks/cluster.json', () => {
    const inventory = buildInventory({
      clusterName: 'dir-name',
      documents: [],
      eksCluster: {
        source: 'eks/cluster.json',
        content: { cluster: { name: 'prod-1', kubernetesNetworkConfig: { ipFamily: 'ipv6' } } },
      },
      vpcCniAddon: {
        source: 'eks/addon-vpc-cni.json',
        content: { addonName: 'vpc-cni', addonVersion: 'v1.19.6-eksbuild.1' },
      },
    });
    expect(inventory.clusterName).toBe('prod-1');
    expect(inventory.eksCluster?.kubernetesNetworkConfig?.ipFamily).toBe('ipv6');
    expect(inventory.vpcCniAddon?.addonVersion).toBe('v1.19.6-eksbuild.1');
  });

  it('reports an unreadable add-on file instead of failing', () => {
    const inventory = buildInventory({
      clusterName: 'c',
      documents: [],
      vpcCniAddon: { source: 'eks/addon-vpc-cni.json', content: { addonName: 'vpc-cni' } },
    });
    expect(inventory.vpcCniAddon).toBeUndefined();
    expect(inventory.inputFindings[0]).toMatchObject({
      checkId: 'INPUT-MALFORMED-OBJECT',
      resource: { kind: 'EksAddon' },
    });
  });

  it('reports kinds that could not be listed', () => {
    const inventory = buildInventory({
      clusterName: 'c',
      documents: [],
      unavailableKinds: [{ kind: 'PolicyEndpoint', reason: 'CRD not installed' }],
    });
    expect(inventory.inputFindings[0]).toMatchObject({ checkId: 'INPUT-KIND-UNAVAILABLE', severity: 'high' });
  });

  it('orders objects by namespace and name whatever the input order, so reports do not depend on file or API order', () => {
    const names = ['c', 'a', 'b'];
    const forward = buildInventory({
      clusterName: 'c',
      documents: names.map((name) => ({ source: name, content: pod(name) })),
    });
    const backward = buildInventory({
      clusterName: 'c',
      documents: [...names].reverse().map((name) => ({ source: name, content: pod(name) })),
    });
    expect(forward.pods.map((p) => p.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(backward.pods).toEqual(forward.pods);
  });

  it('treats an optional AWS kind whose CRD is not installed as informational', () => {
    const inventory = buildInventory({
      clusterName: 'c',
      documents: [],
      unavailableKinds: [
        { kind: 'ClusterNetworkPolicy', reason: 'CRD not installed', cause: 'not-installed' },
        { kind: 'PolicyEndpoint', reason: 'CRD not installed', cause: 'not-installed' },
      ],
    });
    expect(inventory.inputFindings.map((finding) => [finding.resource.kind, finding.severity])).toEqual([
      ['ClusterNetworkPolicy', 'info'],
      ['PolicyEndpoint', 'high'],
    ]);
  });
});
