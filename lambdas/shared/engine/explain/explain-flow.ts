import type { ClusterInventory } from '../model/cluster';
import type { Pod } from '../model/kubernetes';
import { parseVersion } from '../facts/version';
import type { ParsedNodeBundle } from '../node/bundle';
import { peerRelation } from './always-allowed';
import { combineSides, disagreements } from './combine';
import { locateEndpoint } from './endpoints';
import { IntentContext, intentSide } from './intent';
import { kernelSide, type KernelContext } from './kernel/kernel-side';
import type { ExplainInput, FlowExplanation, LocatedEndpoint, SideQuestion } from './model';
import { policyEndpointSide } from './policy-endpoints';

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

function bundlesByNode(
  bundles: readonly ParsedNodeBundle[] | undefined,
): ReadonlyMap<string, ParsedNodeBundle> | undefined {
  return bundles === undefined ? undefined : new Map(bundles.map((bundle) => [bundle.nodeName, bundle]));
}

/**
 * Explains one flow at three layers: the policies (intent), the PolicyEndpoints, and the kernel maps of the nodes
 * hosting the pods. Each layer answers for the source pod's egress and the destination pod's ingress; an endpoint
 * that is only an IP outside the cluster contributes no side. Throws UnknownEndpointError for unknown pods.
 */
export function explainFlow(input: ExplainInput): FlowExplanation {
  const { inventory, configuration, flow } = input;
  const protocol = flow.protocol ?? 'TCP';
  const from = locateEndpoint(inventory, flow.from);
  const to = locateEndpoint(inventory, flow.to);
  const sides = questions(inventory, from, to, flow.port, protocol);
  const mode = configuration.enforcementMode;
  const agentVersion = configuration.agentVersion ?? parseVersion(input.statedAgentVersion);
  const intentContext = new IntentContext(inventory, mode, agentVersion);
  const kernelContext: KernelContext = {
    inventory,
    bundles: bundlesByNode(input.nodeBundles),
    agentVersion: configuration.agentVersion,
    mode,
    ...(input.sha1Hex === undefined ? {} : { sha1Hex: input.sha1Hex }),
    ...(input.statedAgentVersion === undefined ? {} : { statedAgentVersion: input.statedAgentVersion }),
  };
  const noSides = `neither ${from.label} nor ${to.label} is a pod of the cluster: no policy applies to this flow`;
  const layers = {
    intent: combineSides(
      sides.map((question) => intentSide(question, intentContext)),
      noSides,
    ),
    policyEndpoint: combineSides(
      sides.map((question) => policyEndpointSide(question, inventory, mode, agentVersion)),
      noSides,
    ),
    kernel: combineSides(
      sides.map((question) => kernelSide(question, kernelContext)),
      noSides,
    ),
  };
  return {
    flow: { from: from.label, fromIp: from.ip, to: to.label, toIp: to.ip, port: flow.port, protocol },
    ...layers,
    disagreements: disagreements(layers),
  };
}
