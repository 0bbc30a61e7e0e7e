import type { EffectiveConfiguration } from '../model/assessment';
import type { ClusterInventory } from '../model/cluster';
import type { Pod, Protocol } from '../model/kubernetes';
import type { ParsedNodeBundle } from '../node/bundle';

export type Verdict = 'allow' | 'deny' | 'unknown';
/** `egress`: the source pod's outbound side; `ingress`: the destination pod's inbound side. */
export type Side = 'ingress' | 'egress';
export type LayerName = 'intent' | 'policyEndpoint' | 'kernel';

export type FlowEndpoint =
  | { readonly namespace: string; readonly pod: string }
  | { readonly ip: string }
  /** `svc/<namespace>/<name>`: a destination only. */
  | { readonly service: { readonly namespace: string; readonly name: string } };

export interface Flow {
  readonly from: FlowEndpoint;
  readonly to: FlowEndpoint;
  readonly port: number;
  /** Default TCP. */
  readonly protocol?: Protocol;
}

/** A flow endpoint after lookup: always an IP; `pod` when it is (or its IP belongs to) a pod of the inventory. */
export interface LocatedEndpoint {
  readonly ip: string;
  readonly pod?: Pod;
  /** `namespace/name` for pods, the IP otherwise. */
  readonly label: string;
}

export type DecidedBy =
  | {
      readonly kind: 'NetworkPolicy' | 'ApplicationNetworkPolicy';
      readonly namespace: string;
      readonly name: string;
      readonly direction: Side;
      /** 1-based rule number in `spec.ingress` / `spec.egress`; absent when isolation without a matching rule decided. */
      readonly rule?: number;
    }
  | {
      readonly kind: 'ClusterNetworkPolicy';
      readonly name: string;
      readonly tier: 'Admin' | 'Baseline';
      readonly priority: number;
      readonly direction: Side;
      readonly rule: number;
      readonly ruleName?: string;
      readonly action: 'Accept' | 'Deny' | 'Pass';
    }
  | {
      readonly kind: 'PolicyEndpoint';
      readonly namespace: string;
      readonly name: string;
      readonly policyRef: string;
      readonly direction: Side;
      /** 1-based index in `spec.ingress` / `spec.egress`; absent when isolation without a matching entry decided. */
      readonly entry?: number;
      readonly cidr?: string;
      readonly except?: readonly string[];
    }
  | {
      readonly kind: 'ClusterPolicyEndpoint';
      readonly name: string;
      readonly policyRef: string;
      readonly tier: 'Admin' | 'Baseline';
      readonly priority: number;
      readonly direction: Side;
      readonly entry: number;
      readonly cidr: string;
      readonly action: 'Accept' | 'Deny' | 'Pass';
    }
  | {
      readonly kind: 'map';
      readonly node: string;
      readonly podIdentifier: string;
      readonly map: string;
      readonly mapId: number;
      /** LPM key (`ip/prefix`) or pod-state key. */
      readonly key?: string;
      /** Value slot index as printed. */
      readonly slot?: number;
      /** Line in the dump file. */
      readonly line?: number;
      readonly file?: string;
      /** The key is the node-IP entry the agent adds for every pod with policies (agent.md §2.8). */
      readonly rule?: 'node-ip';
    }
  | NodeIpDecider
  | { readonly kind: 'self'; readonly pod: string }
  | { readonly kind: 'default'; readonly detail: string };

/**
 * The agent allows the pod's own node IP (kubelet probes): `nodeIP/32 → ANY` in both LPM maps once a PolicyEndpoint
 * applies (`NetworkPolicy`), and from main after v1.4.1 `nodeIP/32 → Accept, priority 0` in the cp maps once a
 * ClusterPolicyEndpoint applies (`Admin`).
 */
export interface NodeIpDecider {
  readonly kind: 'node-ip';
  readonly ip: string;
  readonly node?: string;
  readonly direction: Side;
  readonly tier: 'Admin' | 'NetworkPolicy';
}

export interface SideVerdict {
  readonly side: Side;
  /** `namespace/name` of the pod whose side this is. */
  readonly pod: string;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly decidedBy?: DecidedBy;
  /** Service flows, egress: the destination `ip:port` this verdict is for (the ClusterIP or the backend pod). */
  readonly address?: string;
  /** Service flows, egress: the other destination address, checked too but not deciding this layer. */
  readonly alsoChecked?: AddressCheck;
}

/** A side's verdict for one destination address of a Service flow. */
export interface AddressCheck {
  readonly address: string;
  readonly verdict: Verdict;
  readonly reason: string;
}

export interface LayerVerdict {
  readonly verdict: Verdict;
  readonly reason: string;
  /** The decisive side's decider: the denying side on deny, else the destination's ingress side if it names one. */
  readonly decidedBy?: DecidedBy;
  readonly sides: readonly SideVerdict[];
  /** Service flows: how many backends gave each verdict (the reason holds each backend's). */
  readonly summary?: string;
}

export interface Disagreement {
  readonly between: readonly [LayerName, LayerName];
  /** The pod side on which the layers differ; absent when only the combined verdicts differ. */
  readonly side?: Side;
  readonly verdicts: Readonly<Partial<Record<LayerName, Verdict>>>;
  readonly description: string;
}

/** A flow to a Service: the Service port it names and where its backends listen. */
export interface ServiceTarget {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The Service port's targetPort as written (a number or a container port name); absent when unresolved. */
  readonly targetPort?: number | string;
}

/** One backend pod's sub-flow: the client's egress to the ClusterIP / the pod and the pod's ingress. */
export interface BackendExplanation {
  readonly pod: string;
  readonly podIp: string;
  /** The Service's targetPort resolved on this pod. */
  readonly port: number;
  readonly intent: LayerVerdict;
  readonly policyEndpoint: LayerVerdict;
  readonly kernel: LayerVerdict;
  readonly disagreements: readonly Disagreement[];
}

/** A pod the Service selects that receives no traffic on this port, and why. */
export interface SkippedBackend {
  readonly pod: string;
  readonly reason: string;
}

export interface FlowExplanation {
  readonly flow: {
    readonly from: string;
    readonly fromIp: string;
    readonly to: string;
    readonly toIp: string;
    readonly port: number;
    readonly protocol: Protocol;
  };
  readonly intent: LayerVerdict;
  readonly policyEndpoint: LayerVerdict;
  readonly kernel: LayerVerdict;
  readonly disagreements: readonly Disagreement[];
  /** Flows to a Service only: the Service, one result per backend pod, and the selected pods left out. */
  readonly service?: ServiceTarget;
  readonly backends?: readonly BackendExplanation[];
  readonly skippedBackends?: readonly SkippedBackend[];
}

export interface ExplainInput {
  readonly inventory: ClusterInventory;
  /** Parsed node outputs; absent when the source has none (the kernel layer is then unknown). */
  readonly nodeBundles?: readonly ParsedNodeBundle[];
  readonly configuration: EffectiveConfiguration;
  readonly flow: Flow;
  /** SHA-1 as lowercase hex (host veth names); without it tc attachment is not checked. */
  readonly sha1Hex?: (text: string) => string;
  /** The agent version to assume where neither node.json nor the aws-node image names one (`--agent-version`). */
  readonly statedAgentVersion?: string;
}

/** The peer when a rule outside the policies decides: the subject pod itself, or the IP of the subject's own node. */
export type PeerRelation =
  | { readonly kind: 'self' }
  | { readonly kind: 'own-node'; readonly ip: string; readonly node?: string }
  | { readonly kind: 'other' };

/** What every layer evaluates for one side of the flow. */
export interface SideQuestion {
  readonly side: Side;
  /** The pod whose policies apply on this side. */
  readonly subject: Pod;
  /** The other end of the flow. */
  readonly peer: LocatedEndpoint;
  readonly peerIs: PeerRelation;
  /** Destination pod (for named ports): the subject on ingress, the peer's pod on egress. */
  readonly destinationPod: Pod | undefined;
  readonly port: number;
  readonly protocol: Protocol;
}

export function podLabel(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
