/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions): `nodeAgnet` is one edit from
 * `nodeAgent`. Two rows of the dynamic-programming table are kept, plus the one before for transpositions.
 */
export function editDistance(left: string, right: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1])
        best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[right.length] ?? 0;
}

export interface ClosestKey {
  readonly key: string;
  readonly distance: number;
  /** Close enough to be a misspelling: at most one edit per four characters (at least one). */
  readonly likelyTypo: boolean;
}

/** The known key nearest to `key`, ignoring case (keys that differ only in case are reported on their own). */
export function closestKey(key: string, known: readonly string[]): ClosestKey | undefined {
  let closest: ClosestKey | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (closest === undefined || distance < closest.distance) {
      closest = { key: candidate, distance, likelyTypo: distance <= Math.max(1, Math.floor(candidate.length / 4)) };
    }
  }
  return closest;
}
