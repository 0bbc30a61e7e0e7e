/**
 * A small EKS cluster as `kubectl get -o json` would print it, for the end-to-end audit on a real kernel: one
 * node (the lab) whose pods get host veths and agent pins in the NodeLab, a remote node with the peers, two
 * NetworkPolicies and the PolicyEndpoints the network policy controller writes for them (controller.md §2), and
 * the aws-node DaemonSet of VPC CNI v1.23.0 with network policy agent v1.4.1 in standard mode.
 *
 * The kernel contents the agent v1.4.1 programs for these PolicyEndpoints are written out BY HAND below
 * (agent.md §2.8), not computed by the engine: the test compares both.
 */
import { hostVethName, type Sha1Hex } from '#engine/facts/veth-name';
import { podIdentifier } from '#engine/facts/pod-identifier';
import type { IdentifierSpec } from './node-lab';

export const AGENT_VERSION = 'v1.4.1';
export const NODE_NAME = 'ip-10-0-1-25.ec2.internal';
export const NODE_IP = '10.0.1.25';
const REMOTE_NODE_NAME = 'ip-10-0-2-40.ec2.internal';
const REMOTE_NODE_IP = '10.0.2.40';

const TCP = 6;
const UDP = 17;
const ANY = 254;
const RESERVED = 255;

type Json = Record<string, unknown>;

interface PodSpec {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly node: 'lab' | 'remote';
  readonly hostNetwork?: boolean;
  readonly containerPorts?: readonly { name: string; containerPort: number; protocol: 'TCP' | 'UDP' }[];
  /** VPC CNI veth prefix: `vlan` for a branch-ENI (security groups for pods) pod. */
  readonly vethPrefix?: 'eni' | 'vlan';
}

const POD_SPECS: readonly PodSpec[] = [
  {
    namespace: 'shop',
    name: 'nginx-5d8b9f7c6d-x2x7q',
    ip: '10.0.23.14',
    labels: { app: 'nginx', 'pod-template-hash': '5d8b9f7c6d' },
    node: 'lab',
  },
  {
    namespace: 'shop',
    name: 'nginx-5d8b9f7c6d-k9wzt',
    ip: '10.0.31.206',
    labels: { app: 'nginx', 'pod-template-hash': '5d8b9f7c6d' },
    node: 'lab',
  },
  { namespace: 'db', name: 'postgres-0', ip: '10.0.17.99', labels: { app: 'postgres' }, node: 'lab' },
  {
    namespace: 'payments',
    name: 'api-7f9c-5hq2m',
    ip: '10.0.44.7',
    labels: { app: 'api' },
    node: 'lab',
    vethPrefix: 'vlan',
  },
  // The aws-node pod itself: host network, no veth, ignored by the agent.
  {
    namespace: 'kube-system',
    name: 'aws-node-4xk8r',
    ip: NODE_IP,
    labels: { 'k8s-app': 'aws-node' },
    node: 'lab',
    hostNetwork: true,
  },
  { namespace: 'shop', name: 'frontend-6c9d8-2hx8p', ip: '10.0.40.12', labels: { app: 'frontend' }, node: 'remote' },
  {
    namespace: 'kube-system',
    name: 'coredns-787cb67946-q4z8v',
    ip: '10.0.2.33',
    labels: { 'k8s-app': 'kube-dns' },
    node: 'remote',
    containerPorts: [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ],
  },
];

/** A pod of the lab node that gets a network namespace and a host veth. */
export interface LabPod {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly veth: string;
  readonly identifier: string;
}

export function labPods(sha1Hex: Sha1Hex): LabPod[] {
  return POD_SPECS.filter((p) => p.node === 'lab' && p.hostNetwork !== true).map((p) => ({
    namespace: p.namespace,
    name: p.name,
    ip: p.ip,
    veth: hostVethName(p.namespace, p.name, sha1Hex, p.vethPrefix ?? 'eni'),
    identifier: podIdentifier(p.name, p.namespace, AGENT_VERSION),
  }));
}

const slot = (protocol: number, startPort = 0, endPort = 0) => ({ protocol, startPort, endPort });

/**
 * What agent v1.4.1 writes (agent.md §2.8, fwruleprocessor; no CIDR canonicalisation before main): node IP first
 * → ANY; rules by ascending prefix length; a host key under a broader non-host rule inherits that rule's ports
 * unless it lies in the rule's except list; an except that is not a key → RESERVED. Key 0 of both pod-state maps
 * is POLICIES_APPLIED (0) when a PolicyEndpoint selects the identifier, else DEFAULT_ALLOW (1) in standard mode;
 * key 1 is DEFAULT_ALLOW (1) without ClusterPolicyEndpoints, which also leave the cp maps empty.
 */
export const NGINX: IdentifierSpec = {
  identifier: 'nginx-5d8b9f7c6d@shop',
  ingress: [
    { cidr: `${NODE_IP}/32`, slots: [slot(ANY)] },
    // ipBlock 10.0.0.0/16 except 10.0.5.0/24, TCP 8080 and 9000-9100
    { cidr: '10.0.0.0/16', slots: [slot(TCP, 8080), slot(TCP, 9000, 9100)] },
    // the frontend pod: own ports TCP 80, 8080, 9000-9100, plus those inherited from 10.0.0.0/16 (same set)
    { cidr: '10.0.40.12/32', slots: [slot(TCP, 80), slot(TCP, 8080), slot(TCP, 9000, 9100)] },
    { cidr: '10.0.5.0/24', slots: [slot(RESERVED)] },
  ],
  egress: [
    { cidr: `${NODE_IP}/32`, slots: [slot(ANY)] },
    // ipBlock 0.0.0.0/0 except 169.254.169.254/32, TCP 443
    { cidr: '0.0.0.0/0', slots: [slot(TCP, 443)] },
    // coredns pod and the kube-dns ClusterIP: UDP/TCP 53, plus TCP 443 inherited from 0.0.0.0/0
    { cidr: '10.0.2.33/32', slots: [slot(UDP, 53), slot(TCP, 53), slot(TCP, 443)] },
    { cidr: '172.20.0.10/32', slots: [slot(UDP, 53), slot(TCP, 53), slot(TCP, 443)] },
    { cidr: '169.254.169.254/32', slots: [slot(RESERVED)] },
  ],
  cpIngress: [],
  cpEgress: [],
  podState: [0, 1],
};

export const POSTGRES: IdentifierSpec = {
  identifier: 'postgres@db',
  ingress: [
    { cidr: `${NODE_IP}/32`, slots: [slot(ANY)] },
    { cidr: '10.0.23.14/32', slots: [slot(TCP, 5432)] },
    { cidr: '10.0.31.206/32', slots: [slot(TCP, 5432)] },
  ],
  // podIsolation Egress and no egress rule: isolated, only the node IP (kubelet probes)
  egress: [{ cidr: `${NODE_IP}/32`, slots: [slot(ANY)] }],
  cpIngress: [],
  cpEgress: [],
  podState: [0, 1],
};

/** No policy selects it: probes attached (v1.2.0+), empty maps, default allow. */
export const API: IdentifierSpec = {
  identifier: 'api-7f9c@payments',
  ingress: [],
  egress: [],
  cpIngress: [],
  cpEgress: [],
  podState: [1, 1],
};

export const IDENTIFIERS: readonly IdentifierSpec[] = [NGINX, POSTGRES, API];

function list(items: readonly Json[]): Json {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

function namespace(name: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid: `ns-${name}`, labels: { 'kubernetes.io/metadata.name': name } },
    status: { phase: 'Active' },
  };
}

function node(name: string, ip: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name } },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

function pod(p: PodSpec): Json {
  const hostIP = p.node === 'lab' ? NODE_IP : REMOTE_NODE_IP;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, uid: `pod-${p.namespace}-${p.name}`, labels: p.labels },
    spec: {
      nodeName: p.node === 'lab' ? NODE_NAME : REMOTE_NODE_NAME,
      ...(p.hostNetwork === true ? { hostNetwork: true } : {}),
      containers: [{ name: 'main', image: 'public.ecr.aws/docker/library/busybox', ports: p.containerPorts ?? [] }],
    },
    status: { phase: 'Running', hostIP, podIP: p.ip, podIPs: [{ ip: p.ip }] },
  };
}

const KUBE_DNS: Json = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'kube-dns', namespace: 'kube-system', uid: 'svc-kube-dns' },
  spec: {
    type: 'ClusterIP',
    clusterIP: '172.20.0.10',
    clusterIPs: ['172.20.0.10'],
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
    ],
  },
};

const NGINX_POLICY_SPEC: Json = {
  podSelector: { matchLabels: { app: 'nginx' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [{ podSelector: { matchLabels: { app: 'frontend' } } }],
      ports: [
        { protocol: 'TCP', port: 80 },
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 9000, endPort: 9100 },
      ],
    },
    {
      from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] } }],
      ports: [
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 9000, endPort: 9100 },
      ],
    },
  ],
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
    {
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    },
  ],
};

const POSTGRES_POLICY_SPEC: Json = {
  podSelector: { matchLabels: { app: 'postgres' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
          podSelector: { matchLabels: { app: 'nginx' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 5432 }],
    },
  ],
};

function networkPolicy(ns: string, name: string, spec: Json): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns, uid: `np-${ns}-${name}`, finalizers: ['networking.k8s.aws/resources'] },
    spec,
  };
}

function target(name: string): Json {
  const p = POD_SPECS.find((candidate) => candidate.name === name);
  if (p === undefined) throw new Error(`no pod ${name}`);
  return { hostIP: NODE_IP, podIP: p.ip, name: p.name, namespace: p.namespace };
}

/** What the controller writes (controller.md §1.3, §2.4–§2.6): pod IPs bare, ipBlocks verbatim. */
function policyEndpoint(ns: string, policy: string, suffix: string, spec: Json): Json {
  return {
    apiVersion: 'networking.k8s.aws/v1alpha1',
    kind: 'PolicyEndpoint',
    metadata: {
      name: `${policy}-${suffix}`,
      generateName: `${policy}-`,
      namespace: ns,
      uid: `pe-${ns}-${policy}-${suffix}`,
      ownerReferences: [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          name: policy,
          uid: `np-${ns}-${policy}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { policyRef: { name: policy, namespace: ns }, ...spec },
  };
}

const NGINX_PE = policyEndpoint('shop', 'nginx-policy', '8m2kd', {
  podSelector: { matchLabels: { app: 'nginx' } },
  podIsolation: ['Ingress', 'Egress'],
  podSelectorEndpoints: [target('nginx-5d8b9f7c6d-x2x7q'), target('nginx-5d8b9f7c6d-k9wzt')],
  ingress: [
    {
      cidr: '10.0.40.12',
      ports: [
        { protocol: 'TCP', port: 80 },
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 9000, endPort: 9100 },
      ],
    },
    {
      cidr: '10.0.0.0/16',
      except: ['10.0.5.0/24'],
      ports: [
        { protocol: 'TCP', port: 8080 },
        { protocol: 'TCP', port: 9000, endPort: 9100 },
      ],
    },
  ],
  egress: [
    {
      cidr: '10.0.2.33',
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    {
      cidr: '172.20.0.10',
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'], ports: [{ protocol: 'TCP', port: 443 }] },
  ],
});

const POSTGRES_PE = policyEndpoint('db', 'postgres-policy', '4tq9n', {
  podSelector: { matchLabels: { app: 'postgres' } },
  podIsolation: ['Ingress', 'Egress'],
  podSelectorEndpoints: [target('postgres-0')],
  ingress: [
    { cidr: '10.0.23.14', ports: [{ protocol: 'TCP', port: 5432 }] },
    { cidr: '10.0.31.206', ports: [{ protocol: 'TCP', port: 5432 }] },
  ],
});

const AWS_NODE: Json = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'aws-node', namespace: 'kube-system', uid: 'ds-aws-node', labels: { 'k8s-app': 'aws-node' } },
  spec: {
    selector: { matchLabels: { 'k8s-app': 'aws-node' } },
    template: {
      metadata: { labels: { 'k8s-app': 'aws-node' } },
      spec: {
        hostNetwork: true,
        serviceAccountName: 'aws-node',
        initContainers: [
          {
            name: 'aws-vpc-cni-init',
            image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni-init:v1.23.0-eksbuild.1',
          },
        ],
        containers: [
          {
            name: 'aws-node',
            image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.23.0-eksbuild.1',
            env: [
              { name: 'AWS_VPC_K8S_CNI_VETHPREFIX', value: 'eni' },
              { name: 'ENABLE_IPv4', value: 'true' },
              { name: 'ENABLE_IPv6', value: 'false' },
              { name: 'ENABLE_POD_ENI', value: 'true' },
              { name: 'NETWORK_POLICY_ENFORCING_MODE', value: 'standard' },
              { name: 'VPC_CNI_VERSION', value: 'v1.23.0' },
            ],
          },
          {
            name: 'aws-eks-nodeagent',
            image: `602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon/aws-network-policy-agent:${AGENT_VERSION}-eksbuild.1`,
            args: [
              '--enable-ipv6=false',
              '--enable-network-policy=true',
              '--enable-cloudwatch-logs=false',
              '--enable-policy-event-logs=false',
              '--log-file=/var/log/aws-routed-eni/network-policy-agent.log',
              '--metrics-bind-addr=:8162',
              '--health-probe-bind-addr=:8163',
              '--conntrack-cache-cleanup-period=300',
            ],
          },
        ],
      },
    },
  },
};

const AMAZON_VPC_CNI: Json = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system', uid: 'cm-amazon-vpc-cni' },
  data: { 'enable-network-policy-controller': 'true', 'enable-windows-ipam': 'false' },
};

/** The cluster as `kubectl get … -o json` documents (file name → content), docs/snapshot.md `k8s/`. */
export function clusterDocuments(): { source: string; content: unknown }[] {
  return [
    {
      source: 'k8s/cluster-scoped.json',
      content: list([
        ...['default', 'kube-system', 'shop', 'db', 'payments'].map(namespace),
        node(NODE_NAME, NODE_IP),
        node(REMOTE_NODE_NAME, REMOTE_NODE_IP),
      ]),
    },
    {
      source: 'k8s/workloads.json',
      content: list([
        ...POD_SPECS.map(pod),
        KUBE_DNS,
        networkPolicy('shop', 'nginx-policy', NGINX_POLICY_SPEC),
        networkPolicy('db', 'postgres-policy', POSTGRES_POLICY_SPEC),
      ]),
    },
    { source: 'k8s/policyendpoints.json', content: list([NGINX_PE, POSTGRES_PE]) },
    { source: 'k8s/aws-node.json', content: AWS_NODE },
    { source: 'k8s/amazon-vpc-cni.json', content: AMAZON_VPC_CNI },
  ];
}
