import type { ClusterInventory } from '../model/cluster';
import type { Pod } from '../model/kubernetes';
import { peerRelation } from './always-allowed';
import { locateEndpoint, locateTarget } from './endpoints';
import { answerSide, combineLayers, layerEvaluators, type SideAnswers } from './layers';
import type { ExplainInput, FlowExplanation, LocatedEndpoint, SideQuestion } from './model';
import { explainServiceFlow } from './service-flow';

function questions(
  inventory: ClusterInventory,
  from: LocatedEndpoint,
  to: LocatedEndpoint,
  port: number,
  protocol: SideQuestion['protocol'],
): SideQuestion[] {
  const list: SideQuestion[] = [];
  const source: Pod | undefined = from.pod;
  const destination: Pod | undefined = to.pod;
  const ask = (side: SideQuestion['side'], subject: Pod, peer: LocatedEndpoint): SideQuestion => ({
    side,
    subject,
    peer,
    peerIs: peerRelation(subject, peer, inventory),
    destinationPod: destination,
    port,
    protocol,
  });
  if (source !== undefined) list.push(ask('egress', source, to));
  if (destination !== undefined) list.push(ask('ingress', destination, from));
  return list;
}

/**
 * Explains one flow at three layers: the policies (intent), the PolicyEndpoints, and the kernel maps of the nodes
 * hosting the pods. Each layer answers for the source pod's egress and the destination pod's ingress; an endpoint
 * that is only an IP outside the cluster contributes no side. A flow to a Service (`svc/…` or its ClusterIP) is
 * explained per backend pod. Throws UnknownEndpointError for unknown pods and Services.
 */
export function explainFlow(input: ExplainInput): FlowExplanation {
  const { inventory, flow } = input;
  const protocol = flow.protocol ?? 'TCP';
  const from = locateEndpoint(inventory, flow.from);
  const target = locateTarget(inventory, flow.to);
  const evaluators = layerEvaluators(input);
  if (target.kind === 'service') {
    return explainServiceFlow({ inventory, evaluators, from, target, port: flow.port, protocol });
  }
  const to = target.endpoint;
  const sides: SideAnswers[] = questions(inventory, from, to, flow.port, protocol).map((question) =>
    answerSide(question, evaluators),
  );
  const noSides = `neither ${from.label} nor ${to.label} is a pod of the cluster: no policy applies to this flow`;
  return {
    flow: { from: from.label, fromIp: from.ip, to: to.label, toIp: to.ip, port: flow.port, protocol },
    ...combineLayers(sides, noSides),
  };
}
