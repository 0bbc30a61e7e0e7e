import { defineCheck, type CheckDefinition } from '../model/check';

const BUILD_INVENTORY = 'lambdas/shared/engine/inventory/build-inventory.ts';

export const INPUT_MALFORMED_OBJECT = defineCheck({
  id: 'INPUT-MALFORMED-OBJECT',
  layer: 'input',
  severity: 'high',
  title: 'Object could not be read',
  compares:
    'Each recognised object against the schema of the fields the engine uses; a failing object is skipped and its checks are not run.',
  resource: 'cluster-wide',
  remediation:
    'Re-collect {kind} {name} from the cluster (an edited or truncated snapshot file is the usual cause); if the live object itself is invalid, fix it with kubectl edit.',
  verify: 'kubectl get {kind} -A -o yaml',
  upstream: [],
  emittedBy: BUILD_INVENTORY,
});

export const INPUT_DUPLICATE_OBJECT = defineCheck({
  id: 'INPUT-DUPLICATE-OBJECT',
  layer: 'input',
  severity: 'low',
  title: 'Object given twice',
  compares: 'Object identities (kind, namespace, name) across all input files; the last copy wins.',
  resource: 'cluster-wide',
  remediation:
    'Keep one copy of {kind} {name} in the snapshot (remove the older file) so the audit reads the object you mean.',
  verify: 'grep -rl "name: {name}" <snapshot directory>',
  upstream: [],
  emittedBy: BUILD_INVENTORY,
});

export const INPUT_KIND_UNAVAILABLE = defineCheck({
  id: 'INPUT-KIND-UNAVAILABLE',
  unverified: true,
  layer: 'input',
  severity: 'high',
  title: 'Kind could not be listed',
  compares: 'The kinds the engine needs against the kinds the source could list (CRD missing, permission denied).',
  resource: 'cluster-wide',
  remediation:
    'Give the auditor list access to {kind} (ClusterRole rules for its API group), or install the CRD if it is missing, and run the audit again.',
  verify: 'kubectl auth can-i list {kind} --all-namespaces && kubectl api-resources | grep -i {kind}',
  upstream: [],
  emittedBy: BUILD_INVENTORY,
});

export const INPUT_CHECKS: readonly CheckDefinition[] = [
  INPUT_MALFORMED_OBJECT,
  INPUT_DUPLICATE_OBJECT,
  INPUT_KIND_UNAVAILABLE,
];
