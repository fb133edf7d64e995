/**
 * The candidate a mistyped `text` most likely meant, or undefined when none plausibly is: close in edit
 * distance, ignoring case (at most a third of the longer name, minimum 2), or one containing the other (a
 * missing prefix such as a release name, or `succeeded` for `hook-succeeded`). The nearest wins; ties go to
 * the first candidate.
 */
export function closestName(text: string, candidates: readonly string[]): string | undefined {
  const word = text.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const other = name.toLowerCase();
    const distance = editDistance(word, other);
    const contained = word.length >= 3 && (other.includes(word) || word.includes(other));
    const limit = Math.max(2, Math.floor(Math.max(word.length, other.length) / 3));
    if (!contained && distance > limit) continue;
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance: insertions, deletions, substitutions. */
function editDistance(a: string, b: string): number {
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
