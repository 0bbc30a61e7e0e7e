/**
 * The clusters the real agent enforces: the AWS troubleshooting article's (nginx, access=true / access=false) and a
 * richer one (default deny, ingress and egress, a named port, an ipBlock with except, a Service ClusterIP). Every pod
 * runs on the one test node. A Service's ClusterIP is an extra address of its only backend, routed by the node to
 * that pod's veth: what kube-proxy's DNAT achieves for the datapath (the client's egress program sees the ClusterIP,
 * the backend's ingress program sees the client), without iptables on this machine; port equals targetPort.
 */
import type { KubeObject } from '../kubernetes/support/kube-admin';
import type { EnforcingMode, NodePod } from './agent-node';

export const AGENT_VERSION = 'v1.4.1';
export const NODE_NAME = 'ip-192-168-50-10.ec2.internal';
export const NODE_IP = '192.168.50.10';

type Json = Record<string, unknown>;

export interface ScenarioPod extends NodePod {
  readonly labels: Readonly<Record<string, string>>;
  readonly containerPorts?: readonly { name: string; containerPort: number; protocol: 'TCP' | 'UDP' }[];
}

export interface ScenarioService {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly { name: string; port: number; protocol: 'TCP' | 'UDP' }[];
}

export interface ScenarioPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly spec: Json;
}

export interface Scenario {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly pods: readonly ScenarioPod[];
  readonly services: readonly ScenarioService[];
  readonly policies: readonly ScenarioPolicy[];
}

const matchLabels = (labels: Record<string, string>): Json => ({ matchLabels: labels });
const inNamespace = (name: string): Json => matchLabels({ 'kubernetes.io/metadata.name': name });

export const ARTICLE: Scenario = {
  name: 'article',
  namespaces: [],
  pods: [
    {
      namespace: 'default',
      name: 'nginx-f8d9c6576-8b4vf',
      ip: '10.50.0.10',
      labels: { app: 'nginx' },
      tcpPorts: [80],
      udpPorts: [],
    },
    {
      namespace: 'default',
      name: 'accesstrue',
      ip: '10.50.0.11',
      labels: { access: 'true' },
      tcpPorts: [80],
      udpPorts: [],
    },
    {
      namespace: 'default',
      name: 'accessfalse',
      ip: '10.50.0.12',
      labels: { access: 'false' },
      tcpPorts: [80],
      udpPorts: [],
    },
  ],
  services: [],
  policies: [
    {
      namespace: 'default',
      name: 'access-nginx',
      spec: {
        podSelector: matchLabels({ app: 'nginx' }),
        ingress: [{ from: [{ podSelector: matchLabels({ access: 'true' }) }] }],
        policyTypes: ['Ingress'],
      },
    },
  ],
};

/** A policy for pods `app=<app>` with one rule: TCP `port` from (Ingress) or to (Egress) one peer. */
function tcpFromOrTo(
  namespace: string,
  name: string,
  app: string,
  type: 'Ingress' | 'Egress',
  peer: Json,
  port: number,
): ScenarioPolicy {
  const rule = { [type === 'Ingress' ? 'from' : 'to']: [peer], ports: [{ protocol: 'TCP', port }] };
  return {
    namespace,
    name,
    spec: {
      podSelector: matchLabels({ app }),
      policyTypes: [type],
      [type === 'Ingress' ? 'ingress' : 'egress']: [rule],
    },
  };
}

const API_INGRESS: ScenarioPolicy = {
  namespace: 'shop',
  name: 'api-ingress',
  spec: {
    podSelector: matchLabels({ app: 'api' }),
    policyTypes: ['Ingress'],
    ingress: [
      { from: [{ podSelector: matchLabels({ app: 'frontend' }) }], ports: [{ protocol: 'TCP', port: 'http' }] },
      {
        from: [{ ipBlock: { cidr: '10.50.0.0/16', except: ['10.50.3.0/24'] } }],
        ports: [{ protocol: 'TCP', port: 9090 }],
      },
    ],
  },
};

export const RICH: Scenario = {
  name: 'rich',
  namespaces: ['shop', 'db', 'tools'],
  pods: [
    {
      namespace: 'shop',
      name: 'frontend-7d4b9c8f5-q2w3e',
      ip: '10.50.1.10',
      labels: { app: 'frontend' },
      tcpPorts: [8080],
      udpPorts: [],
    },
    {
      namespace: 'shop',
      name: 'api-5c6d7f8b9-x1y2z',
      ip: '10.50.1.20',
      labels: { app: 'api' },
      containerPorts: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      tcpPorts: [8080, 9090],
      udpPorts: [],
    },
    {
      namespace: 'db',
      name: 'postgres-0',
      ip: '10.50.2.30',
      labels: { app: 'postgres' },
      tcpPorts: [5432],
      udpPorts: [],
    },
    { namespace: 'tools', name: 'debug', ip: '10.50.3.40', labels: { app: 'debug' }, tcpPorts: [80], udpPorts: [] },
    {
      namespace: 'kube-system',
      name: 'coredns-6b9f8d7c5-a1b2c',
      ip: '10.50.4.50',
      extraIps: ['10.100.0.10'],
      labels: { 'k8s-app': 'kube-dns' },
      containerPorts: [
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      ],
      tcpPorts: [53],
      udpPorts: [53],
    },
  ],
  services: [
    {
      namespace: 'kube-system',
      name: 'kube-dns',
      clusterIP: '10.100.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
    },
  ],
  policies: [
    {
      namespace: 'shop',
      name: 'default-deny',
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    API_INGRESS,
    {
      namespace: 'shop',
      name: 'frontend-egress',
      spec: {
        podSelector: matchLabels({ app: 'frontend' }),
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: matchLabels({ app: 'api' }) }], ports: [{ protocol: 'TCP', port: 8080 }] },
          {
            to: [
              { namespaceSelector: inNamespace('kube-system'), podSelector: matchLabels({ 'k8s-app': 'kube-dns' }) },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    tcpFromOrTo(
      'shop',
      'api-egress',
      'api',
      'Egress',
      { namespaceSelector: inNamespace('db'), podSelector: matchLabels({ app: 'postgres' }) },
      5432,
    ),
    tcpFromOrTo(
      'db',
      'postgres-ingress',
      'postgres',
      'Ingress',
      { namespaceSelector: inNamespace('shop'), podSelector: matchLabels({ app: 'api' }) },
      5432,
    ),
  ],
};

/** The policy change of the reprogramming test: the ipBlock loses its except and also opens the named port. */
export const API_INGRESS_CHANGED: ScenarioPolicy = {
  ...API_INGRESS,
  spec: {
    ...API_INGRESS.spec,
    ingress: [
      { from: [{ podSelector: matchLabels({ app: 'frontend' }) }], ports: [{ protocol: 'TCP', port: 'http' }] },
      {
        from: [{ ipBlock: { cidr: '10.50.0.0/16' } }],
        ports: [
          { protocol: 'TCP', port: 9090 },
          { protocol: 'TCP', port: 'http' },
        ],
      },
    ],
  },
};

/** One connection attempt of the packet tests: every listening (port, protocol) of every other pod or Service. */
export interface Flow {
  readonly from: ScenarioPod;
  /** `<namespace>/<pod>` or the Service ClusterIP. */
  readonly to: string;
  readonly toIp: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

export function flowsOf(scenario: Scenario): Flow[] {
  const flows: Flow[] = [];
  for (const from of scenario.pods) {
    for (const to of scenario.pods) {
      if (to === from) continue;
      const target = `${to.namespace}/${to.name}`;
      for (const port of to.tcpPorts) flows.push({ from, to: target, toIp: to.ip, port, protocol: 'TCP' });
      for (const port of to.udpPorts) flows.push({ from, to: target, toIp: to.ip, port, protocol: 'UDP' });
    }
    for (const service of scenario.services) {
      const backend = scenario.pods.find((pod) => (pod.extraIps ?? []).includes(service.clusterIP));
      if (backend === from) continue;
      for (const port of service.ports) {
        flows.push({ from, to: service.clusterIP, toIp: service.clusterIP, port: port.port, protocol: port.protocol });
      }
    }
  }
  return flows;
}

function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

function pod(p: ScenarioPod): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, labels: { ...p.labels } },
    spec: {
      nodeName: NODE_NAME,
      containers: [{ name: 'main', image: 'public.ecr.aws/docker/library/busybox', ports: p.containerPorts ?? [] }],
    },
    status: { phase: 'Running', hostIP: NODE_IP, podIP: p.ip, podIPs: [{ ip: p.ip }] },
  };
}

function service(s: ScenarioService): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace },
    spec: {
      type: 'ClusterIP',
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      selector: { ...s.selector },
      ports: s.ports.map((port) => ({ ...port, targetPort: port.port })),
    },
  };
}

export function networkPolicy(p: ScenarioPolicy): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: p.name, namespace: p.namespace },
    spec: p.spec,
  };
}

function node(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME } },
    status: {
      addresses: [
        { type: 'InternalIP', address: NODE_IP },
        { type: 'Hostname', address: NODE_NAME },
      ],
    },
  };
}

const ECR = '602401143452.dkr.ecr.us-east-1.amazonaws.com';

/** aws-node of VPC CNI v1.23.0 with agent v1.4.1 and network policy on, in the given mode. */
export function awsNode(mode: EnforcingMode): KubeObject {
  const labels = { 'k8s-app': 'aws-node' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: 'aws-node',
              image: `${ECR}/amazon-k8s-cni:v1.23.0-eksbuild.1`,
              env: [
                { name: 'ENABLE_IPv4', value: 'true' },
                { name: 'ENABLE_IPv6', value: 'false' },
                { name: 'NETWORK_POLICY_ENFORCING_MODE', value: mode },
                { name: 'VPC_CNI_VERSION', value: 'v1.23.0' },
              ],
            },
            {
              name: 'aws-eks-nodeagent',
              image: `${ECR}/amazon/aws-network-policy-agent:${AGENT_VERSION}-eksbuild.1`,
              args: ['--enable-ipv6=false', '--enable-network-policy=true', '--enable-policy-event-logs=false'],
            },
          ],
        },
      },
    },
  };
}

function vpcCniConfigMap(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
    data: { 'enable-network-policy-controller': 'true' },
  };
}

/** Everything of the scenarios but the PolicyEndpoints, as kubectl JSON (statuses included). */
export function clusterObjects(scenarios: readonly Scenario[], mode: EnforcingMode): KubeObject[] {
  return [
    node(),
    vpcCniConfigMap(),
    awsNode(mode),
    ...scenarios.flatMap((s) => s.namespaces.map(namespace)),
    ...scenarios.flatMap((s) => s.services.map(service)),
    ...scenarios.flatMap((s) => s.pods.map(pod)),
    ...scenarios.flatMap((s) => s.policies.map(networkPolicy)),
  ];
}

/** The strict-mode change: coredns, selected by no policy until now (default deny), admits DNS from shop. */
export const DNS_INGRESS: ScenarioPolicy = {
  namespace: 'kube-system',
  name: 'dns-ingress',
  spec: {
    podSelector: matchLabels({ 'k8s-app': 'kube-dns' }),
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ namespaceSelector: inNamespace('shop') }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ],
  },
};
