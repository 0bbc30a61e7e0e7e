export * from './agent-behaviour';
export { CidrParser, parseCidr, type IpFamily } from './cidr';
export { computeCpEntries, cpSlotPriority, type CpContext, type CpRuleSource } from './cp-entries';
export * from './expected-node-state';
export {
  computeLpmEntries,
  expectedDirection,
  type DirectionPosture,
  type ExpectedDirection,
  type LpmContext,
} from './lpm-entries';
export type { ExpectedCpEntry, ExpectedLpmEntry, ExpectedMapEntry, LpmEntryOrigin } from './map-entry';
export * from './pod-identifier';
export { IpProtocol, type CpPortSlot, type IpProtocolNumber, type PortSlot } from './slots';
export * from './veth-name';
