export {
  conntrackAgentVersions,
  cpDumpAgentVersions,
  loadedEbpfDataAgentVersions,
  lpmDumpAgentVersions,
  podStateAgentVersions,
} from './agent-version';
export { parseBpfMapList, parseBpfProgramList } from './bpf-inventory';
export { classifyCliError, parseCliMessageOutput, type CliOutcome } from './cli-outcome';
export { parseConntrackDump } from './conntrack-map';
export { decodeCpPriority, parseCpMapDump } from './cp-map';
export { identifierFromPinPath, mapRole, parseLoadedEbpfData, toPodIdentifier } from './loaded-ebpfdata';
export { parseLpmMapDump } from './lpm-map';
export { detectNodeOutputFormat, parseNodeOutput, type NodeOutput, type NodeOutputFormat } from './node-output';
export { parsePodStateMapDump, podStateName } from './pod-state-map';
export { protocolFromLabel, protocolLabel } from './policy-slot';
export { parseTcFilterJson } from './tc-filter-json';
export { parseTcFilterText, type TcParseOptions } from './tc-filter-text';
export { parseTcQdiscText } from './tc-qdisc';
