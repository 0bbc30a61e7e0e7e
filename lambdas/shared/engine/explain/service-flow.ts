import { podIp } from '../control-plane/resolver/pods';
import type { ClusterInventory } from '../model/cluster';
import type { Pod, Protocol, Service } from '../model/kubernetes';
import { peerRelation } from './always-allowed';
import type { FlowTarget } from './endpoints';
import { answerSide, combineLayers, type LayerEvaluators, type SideAnswers } from './layers';
import {
  podLabel,
  type BackendExplanation,
  type FlowExplanation,
  type LayerName,
  type LayerVerdict,
  type LocatedEndpoint,
  type ServiceTarget,
  type SideQuestion,
  type SideVerdict,
  type Verdict,
} from './model';
import { serviceBackends, type Backend } from './service-backends';

export interface ServiceFlowRequest {
  readonly inventory: ClusterInventory;
  readonly evaluators: LayerEvaluators;
  readonly from: LocatedEndpoint;
  readonly target: Extract<FlowTarget, { kind: 'service' }>;
  readonly port: number;
  readonly protocol: Protocol;
}

function serviceName(service: Service): string {
  return `svc/${service.metadata.namespace}/${service.metadata.name}`;
}

function withAddress(verdict: SideVerdict, address: string, other: SideVerdict, otherAddress: string): SideVerdict {
  return {
    ...verdict,
    reason: `to ${address}: ${verdict.reason}`,
    address,
    alsoChecked: { address: otherAddress, verdict: other.verdict, reason: other.reason },
  };
}

function egressQuestion(
  client: Pod,
  peer: LocatedEndpoint,
  port: number,
  destinationPod: Pod | undefined,
  request: ServiceFlowRequest,
): SideQuestion {
  return {
    side: 'egress',
    subject: client,
    peer,
    peerIs: peerRelation(client, peer, request.inventory),
    destinationPod,
    port,
    protocol: request.protocol,
  };
}

/** The client pod's egress to the ClusterIP and the Service port, the same for every backend: asked once. */
interface ClientEgress {
  readonly client: Pod;
  readonly clusterIpAddress: string;
  readonly viaClusterIp: SideAnswers;
}

function clientEgress(client: Pod, clusterIp: LocatedEndpoint, request: ServiceFlowRequest): ClientEgress {
  const question = egressQuestion(client, clusterIp, request.port, undefined, request);
  return {
    client,
    clusterIpAddress: `${clusterIp.ip}:${request.port}`,
    viaClusterIp: answerSide(question, request.evaluators),
  };
}

/**
 * The client's egress to one backend. The tc program on the client's veth runs before kube-proxy's DNAT (controller.md
 * §2.6), so the PolicyEndpoints and the kernel decide on the ClusterIP and the Service port; the backend's own
 * IP:targetPort is checked too and reported. Kubernetes leaves open whether policies see the Service or the pod
 * address, so the intent allows when the policies allow either (the backend pod is tried first).
 */
function egressAnswers(
  egress: ClientEgress,
  backend: LocatedEndpoint & { pod: Pod },
  port: number,
  request: ServiceFlowRequest,
): SideAnswers {
  const viaBackend = answerSide(egressQuestion(egress.client, backend, port, backend.pod, request), request.evaluators);
  const viaClusterIp = egress.viaClusterIp;
  const backendAddress = `${backend.ip}:${port}`;
  const clusterIpAddress = egress.clusterIpAddress;
  const intentViaClusterIp = viaBackend.intent.verdict !== 'allow' && viaClusterIp.intent.verdict === 'allow';
  const decidedOnClusterIp = (layer: LayerName): SideVerdict =>
    withAddress(viaClusterIp[layer], clusterIpAddress, viaBackend[layer], backendAddress);
  return {
    intent: intentViaClusterIp
      ? decidedOnClusterIp('intent')
      : withAddress(viaBackend.intent, backendAddress, viaClusterIp.intent, clusterIpAddress),
    policyEndpoint: decidedOnClusterIp('policyEndpoint'),
    kernel: decidedOnClusterIp('kernel'),
  };
}

function unknownLayer(reason: string): LayerVerdict {
  return { verdict: 'unknown', reason, sides: [] };
}

function explainBackend(
  backend: Backend,
  egress: ClientEgress | undefined,
  request: ServiceFlowRequest,
): BackendExplanation {
  const { from, inventory } = request;
  const pod = podLabel(backend.pod);
  const located = { ip: podIp(backend.pod), pod: backend.pod, label: pod };
  const head = { pod, podIp: located.ip, port: backend.port };
  if (from.pod !== undefined && podLabel(from.pod) === pod) {
    const hairpin = unknownLayer(
      `${pod} is a backend of the Service it connects to: kube-proxy sends the connection back to it with the source rewritten (hairpin masquerade), which explain does not model`,
    );
    return { ...head, intent: hairpin, policyEndpoint: hairpin, kernel: hairpin, disagreements: [] };
  }
  const ingress: SideQuestion = {
    side: 'ingress',
    subject: backend.pod,
    peer: from,
    peerIs: peerRelation(backend.pod, from, inventory),
    destinationPod: backend.pod,
    port: backend.port,
    protocol: request.protocol,
  };
  const sides: SideAnswers[] = [];
  if (egress !== undefined) sides.push(egressAnswers(egress, located, backend.port, request));
  sides.push(answerSide(ingress, request.evaluators));
  return { ...head, ...combineLayers(sides, '') };
}

/** Backends whose reasons a layer's combined reason repeats; all of them are in `backends`. */
const REASONS_SHOWN = 10;

function countText(verdicts: readonly Verdict[]): string {
  const counts = (['allow', 'deny', 'unknown'] as const)
    .map((verdict) => [verdict, verdicts.filter((candidate) => candidate === verdict).length] as const)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`);
  return `${counts.join(', ')} of ${verdicts.length} backend${verdicts.length === 1 ? '' : 's'}`;
}

/** Allow when every backend allows, deny when every backend denies, else unknown; the reason counts them. */
function aggregateLayer(layer: LayerName, backends: readonly BackendExplanation[]): LayerVerdict {
  const verdicts = backends.map((backend) => backend[layer].verdict);
  const first = verdicts[0];
  const verdict: Verdict = first !== undefined && verdicts.every((v) => v === first) ? first : 'unknown';
  const decidedBy = backends.find((backend) => backend[layer].verdict === verdict)?.[layer].decidedBy;
  const perBackend = backends
    .slice(0, REASONS_SHOWN)
    .map(
      (backend) =>
        `backend ${backend.pod} (${backend.podIp}:${backend.port}): ${backend[layer].verdict} – ${backend[layer].reason}`,
    );
  const more = backends.length > REASONS_SHOWN ? ` || … ${backends.length - REASONS_SHOWN} more in backends` : '';
  const summary = countText(verdicts);
  return {
    verdict,
    reason: `${summary}: ${perBackend.join(' || ')}${more}`,
    summary,
    ...(verdict === 'unknown' || decidedBy === undefined ? {} : { decidedBy }),
    sides: backends.flatMap((backend) => backend[layer].sides),
  };
}

/**
 * A flow to a Service, one sub-flow per backend pod: the client's egress (to the ClusterIP and the backend pod) and
 * each backend's ingress from the client, at the backend's targetPort. A Service that cannot be resolved to backends
 * (headless, ExternalName, selector-less, no such port, no pods) is unknown at every layer, with the reason.
 */
export function explainServiceFlow(request: ServiceFlowRequest): FlowExplanation {
  const { target, from, port, protocol, inventory } = request;
  const service = target.service;
  const label = serviceName(service);
  const clusterIp: LocatedEndpoint = { ip: target.clusterIP, label };
  const flow = { from: from.label, fromIp: from.ip, to: label, toIp: target.clusterIP, port, protocol };
  const resolution = serviceBackends(service, inventory, port, protocol);
  const serviceTarget: ServiceTarget = {
    namespace: service.metadata.namespace,
    name: service.metadata.name,
    clusterIP: target.clusterIP,
    port,
    protocol,
    ...(resolution.servicePort === undefined ? {} : { targetPort: resolution.servicePort.targetPort }),
  };
  if (!resolution.resolved) {
    const layer = unknownLayer(`not checked: ${resolution.reason}`);
    return {
      flow,
      intent: layer,
      policyEndpoint: layer,
      kernel: layer,
      disagreements: [],
      service: serviceTarget,
      backends: [],
      skippedBackends: [],
    };
  }
  const egress = from.pod === undefined ? undefined : clientEgress(from.pod, clusterIp, request);
  const backends = resolution.backends.map((backend) => explainBackend(backend, egress, request));
  return {
    flow,
    intent: aggregateLayer('intent', backends),
    policyEndpoint: aggregateLayer('policyEndpoint', backends),
    kernel: aggregateLayer('kernel', backends),
    disagreements: backends.flatMap((backend) =>
      backend.disagreements.map((disagreement) => ({
        ...disagreement,
        description: `backend ${backend.pod}: ${disagreement.description}`,
      })),
    ),
    service: serviceTarget,
    backends,
    skippedBackends: resolution.skipped,
  };
}
