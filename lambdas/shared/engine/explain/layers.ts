import { parseVersion } from '../facts/version';
import type { ParsedNodeBundle } from '../node/bundle';
import { combineSides, disagreements } from './combine';
import { IntentContext, intentSide } from './intent';
import { kernelSide, type KernelContext } from './kernel/kernel-side';
import type { Disagreement, ExplainInput, LayerName, LayerVerdict, SideQuestion, SideVerdict } from './model';
import { policyEndpointSide } from './policy-endpoints';

/** The three layers' answers for one side of a flow. */
export type SideAnswers = Readonly<Record<LayerName, SideVerdict>>;

export type LayerAnswers = Readonly<Record<LayerName, LayerVerdict>> & {
  readonly disagreements: readonly Disagreement[];
};

export type SideEvaluator = (question: SideQuestion) => SideVerdict;

/** Each layer's evaluation of one side question, with the contexts built once per explained flow. */
export type LayerEvaluators = Readonly<Record<LayerName, SideEvaluator>>;

function bundlesByNode(
  bundles: readonly ParsedNodeBundle[] | undefined,
): ReadonlyMap<string, ParsedNodeBundle> | undefined {
  return bundles === undefined ? undefined : new Map(bundles.map((bundle) => [bundle.nodeName, bundle]));
}

export function layerEvaluators(input: ExplainInput): LayerEvaluators {
  const { inventory, configuration } = input;
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
  return {
    intent: (question) => intentSide(question, intentContext),
    policyEndpoint: (question) => policyEndpointSide(question, inventory, mode, agentVersion),
    kernel: (question) => kernelSide(question, kernelContext),
  };
}

/** The same question asked of every layer. */
export function answerSide(question: SideQuestion, evaluators: LayerEvaluators): SideAnswers {
  return {
    intent: evaluators.intent(question),
    policyEndpoint: evaluators.policyEndpoint(question),
    kernel: evaluators.kernel(question),
  };
}

/** Combines the sides per layer and finds where the layers disagree. */
export function combineLayers(sides: readonly SideAnswers[], noSides: string): LayerAnswers {
  const layers = {
    intent: combineSides(
      sides.map((side) => side.intent),
      noSides,
    ),
    policyEndpoint: combineSides(
      sides.map((side) => side.policyEndpoint),
      noSides,
    ),
    kernel: combineSides(
      sides.map((side) => side.kernel),
      noSides,
    ),
  };
  return { ...layers, disagreements: disagreements(layers) };
}
