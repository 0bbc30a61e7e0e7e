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
export { IpProtocol, type CpPortSlot, type IpProtocolNumber, type PortSlot } from './slots';
