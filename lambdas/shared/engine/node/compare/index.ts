export {
  auditNodeBundle,
  auditNodeLayer,
  compareNodeState,
  type NodeAuditShared,
  type NodeLayerInput,
} from './audit-node-layer';
export * from './checks';
