export {
  auditNodeBundle,
  assessNodeLayer,
  auditNodeLayer,
  compareNodeState,
  type NodeAuditShared,
  type NodeLayerInput,
} from './audit-node-layer';
export * from './checks';
