export { explainFlow } from './explain-flow';
export { locateEndpoint, parseFlowEndpoint, UnknownEndpointError } from './endpoints';
export type {
  DecidedBy,
  Disagreement,
  ExplainInput,
  Flow,
  FlowEndpoint,
  FlowExplanation,
  LayerName,
  LayerVerdict,
  Side,
  SideVerdict,
  Verdict,
} from './model';
