/**
 * "Did you mean …?" for every checker that names what a person mistyped (rule features, journey
 * step ids, template placeholders): the edit distance between two names and the nearest of a
 * list within a distance.
 */

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/**
 * The candidate nearest to `word` (the first of equally near ones), or null when none is within
 * `maxDistance`.
 *
 * @example nearestName('day9', ['day1', 'day3', 'end'], 1) → 'day1'
 */
export function nearestName<T extends string>(
  word: string,
  candidates: readonly T[],
  maxDistance: number,
): T | null {
  let best: T | null = null;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
