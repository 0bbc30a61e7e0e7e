import { READ_RESOURCES } from '#adapters/kubernetes/resources';
import { KubeClient } from './support/kube-admin';
import { sharedCluster, type ClusterEnv } from './support/test-cluster';

jest.setTimeout(60_000);

interface Access {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function label(access: Access): string {
  const where = access.namespace === undefined ? '' : ` -n ${access.namespace}`;
  return `${access.verb} ${access.group === '' ? '' : `${access.group}/`}${access.resource}${access.subresource === undefined ? '' : `/${access.subresource}`}${access.name === undefined ? '' : ` ${access.name}`}${where}`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

describe('k8s/rbac.yaml grants exactly what the reader calls (SubjectAccessReview as the auditor group)', () => {
  let cluster: ClusterEnv;
  let admin: KubeClient;

  async function allowed(access: Access): Promise<boolean> {
    const reply = await admin.expect('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'auditor',
        groups: [cluster.auditorGroup, 'system:authenticated'],
        resourceAttributes: {
          verb: access.verb,
          group: access.group,
          resource: access.resource,
          ...(access.namespace === undefined ? {} : { namespace: access.namespace }),
          ...(access.name === undefined ? {} : { name: access.name }),
          ...(access.subresource === undefined ? {} : { subresource: access.subresource }),
        },
      },
    });
    return (reply.body as { status?: { allowed?: boolean } }).status?.allowed === true;
  }

  beforeAll(async () => {
    cluster = await sharedCluster('kubernetes');
    admin = await KubeClient.fromKubeconfig(cluster.adminKubeconfig);
  });

  it('allows every call the reader makes', async () => {
    const needed: Access[] = READ_RESOURCES.flatMap((resource): Access[] =>
      resource.mode === 'list'
        ? [
            { verb: 'list', group: groupOf(resource.apiVersion), resource: resource.resource },
            { verb: 'get', group: groupOf(resource.apiVersion), resource: resource.resource },
          ]
        : [
            {
              verb: 'get',
              group: groupOf(resource.apiVersion),
              resource: resource.resource,
              namespace: resource.namespace,
              name: resource.name,
            },
          ],
    );
    const denied: string[] = [];
    for (const access of needed) if (!(await allowed(access))) denied.push(label(access));
    expect(denied).toEqual([]);
    expect(needed).toHaveLength(9 * 2 + 2);
  });

  it('denies secrets, watch, writes, exec, other ConfigMaps and DaemonSets, and RBAC/CRD reads', async () => {
    const forbidden: Access[] = [
      { verb: 'get', group: '', resource: 'secrets', namespace: 'kube-system' },
      { verb: 'list', group: '', resource: 'secrets' },
      { verb: 'watch', group: '', resource: 'pods' },
      { verb: 'watch', group: 'networking.k8s.aws', resource: 'policyendpoints' },
      { verb: 'watch', group: 'apps', resource: 'daemonsets', namespace: 'kube-system', name: 'aws-node' },
      { verb: 'create', group: '', resource: 'pods', namespace: 'default' },
      { verb: 'update', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: 'default', name: 'x' },
      { verb: 'patch', group: 'networking.k8s.aws', resource: 'policyendpoints', namespace: 'default', name: 'x' },
      { verb: 'delete', group: 'networking.k8s.aws', resource: 'policyendpoints', namespace: 'default', name: 'x' },
      { verb: 'deletecollection', group: '', resource: 'pods', namespace: 'default' },
      { verb: 'update', group: '', resource: 'configmaps', namespace: 'kube-system', name: 'amazon-vpc-cni' },
      { verb: 'patch', group: 'apps', resource: 'daemonsets', namespace: 'kube-system', name: 'aws-node' },
      {
        verb: 'create',
        group: '',
        resource: 'pods',
        namespace: 'kube-system',
        name: 'aws-node-abc',
        subresource: 'exec',
      },
      { verb: 'get', group: '', resource: 'pods', namespace: 'default', name: 'x', subresource: 'log' },
      { verb: 'patch', group: '', resource: 'pods', namespace: 'default', name: 'x', subresource: 'status' },
      { verb: 'get', group: '', resource: 'nodes', name: 'x', subresource: 'proxy' },
      { verb: 'get', group: '', resource: 'configmaps', namespace: 'kube-system', name: 'unrelated' },
      { verb: 'get', group: '', resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth' },
      { verb: 'list', group: '', resource: 'configmaps', namespace: 'kube-system' },
      { verb: 'get', group: '', resource: 'configmaps', namespace: 'default', name: 'amazon-vpc-cni' },
      { verb: 'list', group: 'apps', resource: 'daemonsets', namespace: 'kube-system' },
      { verb: 'get', group: 'apps', resource: 'daemonsets', namespace: 'kube-system', name: 'kube-proxy' },
      { verb: 'get', group: 'apps', resource: 'daemonsets', namespace: 'default', name: 'aws-node' },
      {
        verb: 'get',
        group: 'apiextensions.k8s.io',
        resource: 'customresourcedefinitions',
        name: 'policyendpoints.networking.k8s.aws',
      },
      { verb: 'list', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
      {
        verb: 'create',
        group: '',
        resource: 'serviceaccounts',
        namespace: 'kube-system',
        name: 'aws-node',
        subresource: 'token',
      },
      { verb: 'list', group: 'apps', resource: 'deployments' },
      { verb: '*', group: '*', resource: '*' },
    ];
    const granted: string[] = [];
    for (const access of forbidden) if (await allowed(access)) granted.push(label(access));
    expect(granted).toEqual([]);
  });

  it('matches what the reader sees: the auditor can read amazon-vpc-cni but not another kube-system ConfigMap', async () => {
    const auditor = await KubeClient.fromKubeconfig(cluster.auditorKubeconfig);
    expect((await auditor.send('GET', '/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni')).status).not.toBe(
      403,
    );
    expect((await auditor.send('GET', '/api/v1/namespaces/kube-system/configmaps/unrelated')).status).toBe(403);
    expect((await auditor.send('GET', '/api/v1/namespaces/kube-system/secrets')).status).toBe(403);
    expect((await auditor.send('GET', '/api/v1/pods?watch=true&timeoutSeconds=1')).status).toBe(403);
  });
});
