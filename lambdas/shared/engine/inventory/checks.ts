import type { CheckDefinition } from '../model/finding';

export const INPUT_MALFORMED_OBJECT: CheckDefinition = {
  id: 'INPUT-MALFORMED-OBJECT',
  layer: 'input',
  severity: 'high',
  title: 'Object could not be read',
  compares:
    'Each recognised object against the schema of the fields the engine uses; a failing object is skipped and its checks are not run.',
};

export const INPUT_DUPLICATE_OBJECT: CheckDefinition = {
  id: 'INPUT-DUPLICATE-OBJECT',
  layer: 'input',
  severity: 'low',
  title: 'Object given twice',
  compares: 'Object identities (kind, namespace, name) across all input files; the last copy wins.',
};

export const INPUT_KIND_UNAVAILABLE: CheckDefinition = {
  id: 'INPUT-KIND-UNAVAILABLE',
  layer: 'input',
  severity: 'high',
  title: 'Kind could not be listed',
  compares: 'The kinds the engine needs against the kinds the source could list (CRD missing, permission denied).',
};

export const INPUT_CHECKS: readonly CheckDefinition[] = [
  INPUT_MALFORMED_OBJECT,
  INPUT_DUPLICATE_OBJECT,
  INPUT_KIND_UNAVAILABLE,
];
