import { z } from 'zod';

/**
 * Projections of the Kubernetes objects the engine reads. Unknown fields are stripped on parse, so a
 * 150,000-pod cluster keeps only what the checks use.
 */

export const LabelSelectorRequirement = z.object({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});
export type LabelSelectorRequirement = z.infer<typeof LabelSelectorRequirement>;

export const LabelSelector = z.object({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z.array(LabelSelectorRequirement).nullish(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

const Labels = z.record(z.string(), z.string());

export const OwnerReference = z.object({
  apiVersion: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

export const ObjectMeta = z.object({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  labels: Labels.nullish(),
  annotations: Labels.nullish(),
  ownerReferences: z.array(OwnerReference).nullish(),
  deletionTimestamp: z.string().nullish(),
  creationTimestamp: z.string().nullish(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

const NamespacedMeta = ObjectMeta.extend({ namespace: z.string().min(1) });

export const Namespace = z.object({
  kind: z.literal('Namespace'),
  metadata: ObjectMeta,
});
export type Namespace = z.infer<typeof Namespace>;

export const Protocol = z.enum(['TCP', 'UDP', 'SCTP']);
export type Protocol = z.infer<typeof Protocol>;

export const ContainerPort = z.object({
  name: z.string().optional(),
  containerPort: z.number().int(),
  protocol: Protocol.optional(),
});
export type ContainerPort = z.infer<typeof ContainerPort>;

export const Container = z.object({
  name: z.string(),
  image: z.string().optional(),
  ports: z.array(ContainerPort).nullish(),
  args: z.array(z.string()).nullish(),
  command: z.array(z.string()).nullish(),
  env: z.array(z.object({ name: z.string(), value: z.string().optional() })).nullish(),
});
export type Container = z.infer<typeof Container>;

export const Pod = z.object({
  kind: z.literal('Pod'),
  metadata: NamespacedMeta,
  spec: z
    .object({
      nodeName: z.string().optional(),
      hostNetwork: z.boolean().optional(),
      containers: z.array(Container).default([]),
    })
    .default({ containers: [] }),
  status: z
    .object({
      phase: z.string().optional(),
      podIP: z.string().optional(),
      podIPs: z.array(z.object({ ip: z.string() })).nullish(),
      hostIP: z.string().optional(),
    })
    .default({}),
});
export type Pod = z.infer<typeof Pod>;

export const IntOrString = z.union([z.number().int(), z.string()]);
export type IntOrString = z.infer<typeof IntOrString>;

export const ServicePort = z.object({
  name: z.string().optional(),
  port: z.number().int(),
  protocol: Protocol.optional(),
  targetPort: IntOrString.optional(),
});
export type ServicePort = z.infer<typeof ServicePort>;

export const Service = z.object({
  kind: z.literal('Service'),
  metadata: NamespacedMeta,
  spec: z
    .object({
      type: z.string().optional(),
      selector: Labels.nullish(),
      clusterIP: z.string().optional(),
      clusterIPs: z.array(z.string()).nullish(),
      ports: z.array(ServicePort).nullish(),
    })
    .default({}),
});
export type Service = z.infer<typeof Service>;

export const Node = z.object({
  kind: z.literal('Node'),
  metadata: ObjectMeta,
  spec: z.object({ providerID: z.string().optional() }).default({}),
  status: z
    .object({
      addresses: z.array(z.object({ type: z.string(), address: z.string() })).nullish(),
      nodeInfo: z
        .object({
          kernelVersion: z.string().optional(),
          osImage: z.string().optional(),
          kubeletVersion: z.string().optional(),
          containerRuntimeVersion: z.string().optional(),
        })
        .optional(),
    })
    .default({}),
});
export type Node = z.infer<typeof Node>;

export const IPBlock = z.object({ cidr: z.string(), except: z.array(z.string()).nullish() });
export type IPBlock = z.infer<typeof IPBlock>;

export const NetworkPolicyPeer = z.object({
  podSelector: LabelSelector.nullish(),
  namespaceSelector: LabelSelector.nullish(),
  ipBlock: IPBlock.nullish(),
});
export type NetworkPolicyPeer = z.infer<typeof NetworkPolicyPeer>;

export const NetworkPolicyPort = z.object({
  protocol: Protocol.optional(),
  port: IntOrString.optional(),
  endPort: z.number().int().optional(),
});
export type NetworkPolicyPort = z.infer<typeof NetworkPolicyPort>;

export const PolicyType = z.enum(['Ingress', 'Egress']);
export type PolicyType = z.infer<typeof PolicyType>;

export const NetworkPolicyIngressRule = z.object({
  from: z.array(NetworkPolicyPeer).nullish(),
  ports: z.array(NetworkPolicyPort).nullish(),
});
export const NetworkPolicyEgressRule = z.object({
  to: z.array(NetworkPolicyPeer).nullish(),
  ports: z.array(NetworkPolicyPort).nullish(),
});
export type NetworkPolicyIngressRule = z.infer<typeof NetworkPolicyIngressRule>;
export type NetworkPolicyEgressRule = z.infer<typeof NetworkPolicyEgressRule>;

export const NetworkPolicy = z.object({
  kind: z.literal('NetworkPolicy'),
  metadata: NamespacedMeta,
  spec: z.object({
    podSelector: LabelSelector.nullish(),
    policyTypes: z.array(PolicyType).nullish(),
    ingress: z.array(NetworkPolicyIngressRule).nullish(),
    egress: z.array(NetworkPolicyEgressRule).nullish(),
  }),
});
export type NetworkPolicy = z.infer<typeof NetworkPolicy>;

export const DomainName = z.string();

export const ApplicationNetworkPolicyPeer = NetworkPolicyPeer.extend({
  domainNames: z.array(DomainName).nullish(),
});
export type ApplicationNetworkPolicyPeer = z.infer<typeof ApplicationNetworkPolicyPeer>;

export const ApplicationNetworkPolicy = z.object({
  kind: z.literal('ApplicationNetworkPolicy'),
  metadata: NamespacedMeta,
  spec: z.object({
    podSelector: LabelSelector.nullish(),
    policyTypes: z.array(PolicyType).nullish(),
    ingress: z.array(NetworkPolicyIngressRule).nullish(),
    egress: z
      .array(
        z.object({ to: z.array(ApplicationNetworkPolicyPeer).nullish(), ports: z.array(NetworkPolicyPort).nullish() }),
      )
      .nullish(),
  }),
});
export type ApplicationNetworkPolicy = z.infer<typeof ApplicationNetworkPolicy>;

/** PolicyEndpoint port: protocol is CRD-defaulted to TCP, but hand-made snapshots may omit it. */
export const EndpointPort = z.object({
  protocol: Protocol.optional(),
  port: z.number().int().optional(),
  endPort: z.number().int().optional(),
});
export type EndpointPort = z.infer<typeof EndpointPort>;

export const EndpointInfo = z.object({
  cidr: z.string().optional(),
  domainName: z.string().optional(),
  except: z.array(z.string()).nullish(),
  ports: z.array(EndpointPort).nullish(),
});
export type EndpointInfo = z.infer<typeof EndpointInfo>;

export const PodEndpoint = z.object({
  hostIP: z.string().default(''),
  podIP: z.string().default(''),
  name: z.string().default(''),
  namespace: z.string().default(''),
});
export type PodEndpoint = z.infer<typeof PodEndpoint>;

export const PolicyEndpoint = z.object({
  kind: z.literal('PolicyEndpoint'),
  metadata: NamespacedMeta,
  spec: z.object({
    policyRef: z.object({ name: z.string(), namespace: z.string() }),
    podSelector: LabelSelector.nullish(),
    podIsolation: z.array(PolicyType).nullish(),
    podSelectorEndpoints: z.array(PodEndpoint).nullish(),
    ingress: z.array(EndpointInfo).nullish(),
    egress: z.array(EndpointInfo).nullish(),
  }),
});
export type PolicyEndpoint = z.infer<typeof PolicyEndpoint>;

export const ClusterPolicyAction = z.enum(['Accept', 'Deny', 'Pass']);
export type ClusterPolicyAction = z.infer<typeof ClusterPolicyAction>;

export const ClusterPolicyPodsPeer = z.object({ namespaceSelector: LabelSelector, podSelector: LabelSelector });

export const ClusterNetworkPolicyPortItem = z.object({
  portNumber: z.object({ protocol: Protocol.optional(), port: z.number().int() }).optional(),
  portRange: z.object({ protocol: Protocol.optional(), start: z.number().int(), end: z.number().int() }).optional(),
  namedPort: z.string().optional(),
});
export type ClusterNetworkPolicyPortItem = z.infer<typeof ClusterNetworkPolicyPortItem>;

export const ClusterNetworkPolicyPeer = z.object({
  namespaces: LabelSelector.optional(),
  pods: ClusterPolicyPodsPeer.optional(),
  networks: z.array(z.string()).optional(),
  domainNames: z.array(z.string()).optional(),
});
export type ClusterNetworkPolicyPeer = z.infer<typeof ClusterNetworkPolicyPeer>;

export const ClusterNetworkPolicySubject = z.object({
  namespaces: LabelSelector.optional(),
  pods: ClusterPolicyPodsPeer.optional(),
});
export type ClusterNetworkPolicySubject = z.infer<typeof ClusterNetworkPolicySubject>;

export const ClusterNetworkPolicy = z.object({
  kind: z.literal('ClusterNetworkPolicy'),
  metadata: ObjectMeta,
  spec: z.object({
    tier: z.enum(['Admin', 'Baseline']),
    priority: z.number().int(),
    subject: ClusterNetworkPolicySubject,
    ingress: z
      .array(
        z.object({
          name: z.string().optional(),
          action: ClusterPolicyAction,
          from: z.array(ClusterNetworkPolicyPeer).default([]),
          ports: z.array(ClusterNetworkPolicyPortItem).nullish(),
        }),
      )
      .nullish(),
    egress: z
      .array(
        z.object({
          name: z.string().optional(),
          action: ClusterPolicyAction,
          to: z.array(ClusterNetworkPolicyPeer).default([]),
          ports: z.array(ClusterNetworkPolicyPortItem).nullish(),
        }),
      )
      .nullish(),
  }),
});
export type ClusterNetworkPolicy = z.infer<typeof ClusterNetworkPolicy>;

export const ClusterEndpointInfo = EndpointInfo.extend({ action: ClusterPolicyAction });
export type ClusterEndpointInfo = z.infer<typeof ClusterEndpointInfo>;

export const ClusterPolicyEndpoint = z.object({
  kind: z.literal('ClusterPolicyEndpoint'),
  metadata: ObjectMeta,
  spec: z.object({
    policyRef: z.object({ name: z.string() }),
    tier: z.string().optional(),
    priority: z.number().int().optional(),
    subject: ClusterNetworkPolicySubject.optional(),
    podSelectorEndpoints: z.array(PodEndpoint).nullish(),
    ingress: z.array(ClusterEndpointInfo).nullish(),
    egress: z.array(ClusterEndpointInfo).nullish(),
  }),
});
export type ClusterPolicyEndpoint = z.infer<typeof ClusterPolicyEndpoint>;

export const DaemonSet = z.object({
  kind: z.literal('DaemonSet'),
  metadata: NamespacedMeta,
  spec: z.object({
    template: z.object({
      spec: z.object({
        containers: z.array(Container).default([]),
        initContainers: z.array(Container).nullish(),
      }),
    }),
  }),
});
export type DaemonSet = z.infer<typeof DaemonSet>;

export const ConfigMap = z.object({
  kind: z.literal('ConfigMap'),
  metadata: NamespacedMeta,
  data: z.record(z.string(), z.string()).nullish(),
});
export type ConfigMap = z.infer<typeof ConfigMap>;
