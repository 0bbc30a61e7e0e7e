import { CONFIG_CHECKS } from './config/checks';
import { DIFF_CHECKS } from './control-plane/diff/checks';
import { RESOLVER_CHECKS } from './control-plane/resolver/checks';
import { STATIC_LIMIT_CHECKS } from './control-plane/static-limits/checks';
import { INPUT_CHECKS } from './inventory/checks';
import type { CheckDefinition } from './model/finding';
import { NODE_CHECKS } from './node/compare';
import { SUPPRESSION_CHECKS } from './report/suppress-checks';
import { UNCHECKED_CHECKS } from './report/unchecked';

/** Every check the engine can report; docs/checks.md is generated from this list. */
export const CHECK_CATALOG: readonly CheckDefinition[] = [
  ...INPUT_CHECKS,
  ...CONFIG_CHECKS,
  ...DIFF_CHECKS,
  ...RESOLVER_CHECKS,
  ...STATIC_LIMIT_CHECKS,
  ...NODE_CHECKS,
  ...UNCHECKED_CHECKS,
  ...SUPPRESSION_CHECKS,
];
