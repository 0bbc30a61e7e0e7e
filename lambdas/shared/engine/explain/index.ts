export { explainFlow } from './explain-flow';
export { locateEndpoint, parseFlowEndpoint, UnknownEndpointError } from './endpoints';
export type {
  AddressCheck,
  BackendExplanation,
  DecidedBy,
  Disagreement,
  ExplainInput,
  Flow,
  FlowEndpoint,
  FlowExplanation,
  LayerName,
  LayerVerdict,
  ServiceTarget,
  Side,
  SideVerdict,
  SkippedBackend,
  Verdict,
} from './model';
