/** At most this many objects are named in a finding's `actual`; the count is always complete. */
export const SAMPLE_SIZE = 10;

export function sample<T>(values: readonly T[]): T[] {
  return values.slice(0, SAMPLE_SIZE);
}

export function andOthers(count: number): string {
  return count > 1 ? ` and ${String(count - 1)} other pod(s)` : '';
}
