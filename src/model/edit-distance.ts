/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate a mistyped `text` most likely meant, or undefined when none is plausibly meant: close in
 * edit distance (at most a third of the longer string, minimum 2), or one containing the other (a missing
 * prefix such as a release name). Ties go to the first candidate.
 */
export function closestName(text: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(text, name);
    const contained = text.length >= 3 && (name.includes(text) || text.includes(name));
    const limit = Math.max(2, Math.floor(Math.max(text.length, name.length) / 3));
    if (!contained && distance > limit) continue;
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}
