import type { ExpectedDifference, Scenario } from './scenario';

/**
 * Every difference the differential test expects between the real controller v1.1.7 and `resolve` + the diff: the
 * entry-key collisions planted on purpose (the audit names them, CP-PE-ENTRY-KEY-COLLISION). docs/limits.md lists the
 * deliberate differences; this function must expect exactly them.
 */
export function expectedDifferences(scenario: Scenario): ExpectedDifference[] {
  return [...scenario.plantedCollisions];
}
