/** What the reader lists or gets. Paths are the API server's; `kind` is the engine's kind name. */
export interface ListedResource {
  readonly mode: 'list';
  readonly kind: string;
  readonly apiVersion: string;
  /** Resource (plural) name, as in RBAC. */
  readonly resource: string;
  readonly path: string;
  /** The CustomResourceDefinition that must be installed, for the message when the list returns 404. */
  readonly crd?: string;
  /** File name of this kind's List in a snapshot (docs/snapshot.md). */
  readonly snapshotFile: string;
}

export interface NamedResource {
  readonly mode: 'get';
  readonly kind: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly path: string;
  readonly snapshotFile: string;
}

export type ReadResource = ListedResource | NamedResource;

const AWS = 'networking.k8s.aws';
const AWS_VERSION = `${AWS}/v1alpha1`;

function core(kind: string, resource: string): ListedResource {
  return {
    mode: 'list',
    kind,
    apiVersion: 'v1',
    resource,
    path: `/api/v1/${resource}`,
    snapshotFile: `${resource}.json`,
  };
}

function aws(kind: string, resource: string): ListedResource {
  return {
    mode: 'list',
    kind,
    apiVersion: AWS_VERSION,
    resource,
    path: `/apis/${AWS_VERSION}/${resource}`,
    crd: `${resource}.${AWS}`,
    snapshotFile: `${resource}.json`,
  };
}

/** Everything the engine reads from the Kubernetes API. k8s/rbac.yaml grants exactly this (a test checks it). */
export const READ_RESOURCES: readonly ReadResource[] = [
  core('Namespace', 'namespaces'),
  core('Node', 'nodes'),
  core('Pod', 'pods'),
  core('Service', 'services'),
  {
    mode: 'list',
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    resource: 'networkpolicies',
    path: '/apis/networking.k8s.io/v1/networkpolicies',
    snapshotFile: 'networkpolicies.json',
  },
  aws('PolicyEndpoint', 'policyendpoints'),
  aws('ClusterNetworkPolicy', 'clusternetworkpolicies'),
  aws('ClusterPolicyEndpoint', 'clusterpolicyendpoints'),
  aws('ApplicationNetworkPolicy', 'applicationnetworkpolicies'),
  {
    mode: 'get',
    kind: 'DaemonSet',
    apiVersion: 'apps/v1',
    resource: 'daemonsets',
    namespace: 'kube-system',
    name: 'aws-node',
    path: '/apis/apps/v1/namespaces/kube-system/daemonsets/aws-node',
    snapshotFile: 'aws-node.json',
  },
  {
    mode: 'get',
    kind: 'ConfigMap',
    apiVersion: 'v1',
    resource: 'configmaps',
    namespace: 'kube-system',
    name: 'amazon-vpc-cni',
    path: '/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni',
    snapshotFile: 'amazon-vpc-cni.json',
  },
];
