/**
 * Where a position inside a YAML comment of the rendered output was written in the template. Comments
 * pass through `helm template` verbatim, so the template line holding the same comment text is where
 * the user wrote it; of several, the one nearest `near` (the line the key path walk found). Undefined
 * when the position is not in a comment or the template does not hold that comment.
 */
export function commentInTemplate(
  templateLines: readonly string[],
  renderedLine: string,
  column: number,
  near: number,
): { line: number; column: number } | undefined {
  const hash = commentStart(renderedLine, column - 1);
  if (hash === -1) return undefined;
  const comment = renderedLine.slice(hash).trimEnd();
  let best: { line: number; column: number } | undefined;
  templateLines.forEach((text, i) => {
    const at = commentStart(text, text.indexOf(comment));
    if (at === -1 || !text.startsWith(comment, at)) return;
    if (!best || Math.abs(i + 1 - near) < Math.abs(best.line - near)) best = { line: i + 1, column: at + column - hash };
  });
  return best;
}

/** Index of the `#` that starts the comment containing `index` (a `#` at the line start or after whitespace), or -1. */
function commentStart(line: string, index: number): number {
  if (index < 0) return -1;
  for (let i = line.lastIndexOf("#", index); i !== -1; i = i === 0 ? -1 : line.lastIndexOf("#", i - 1)) {
    if (i === 0 || /\s/.test(line[i - 1]!)) return i;
  }
  return -1;
}
