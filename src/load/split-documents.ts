import type { SourceDocument } from "./types.js";

// YAML forbids a line that starts with `---` or `...` (then blank or end of line) inside any node,
// quoted and block scalars included (YAML 1.2 §9.1.4, c-forbidden), so such lines are always document
// boundaries. Splitting on them lets each document parse alone: a broken document cannot take its
// neighbours down, and source positions are computed only for documents that need them.
const MARKER = /^(?:---|\.\.\.)(?=[ \t]|$)/;
const SOURCE_COMMENT = /^# Source: (.+?)\s*$/m;

export function splitDocuments(file: string, text: string): SourceDocument[] {
  const lines = text.split("\n");
  const docs: SourceDocument[] = [];
  let start = 0;
  // false while the chunk holds only comments, blank lines and directives: those belong to the
  // document the next `---` opens.
  let opened = false;

  const push = (end: number): void => {
    const body = lines.slice(start, end).join("\n");
    if (isBlank(body)) return;
    const source = SOURCE_COMMENT.exec(body.slice(0, 4096));
    docs.push({ file, index: docs.length, text: body, startLine: start + 1, ...(source ? { helmSource: source[1] } : {}) });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (MARKER.test(line)) {
      if (line.startsWith("---")) {
        if (opened) {
          push(i);
          start = i;
        }
        opened = true;
      } else {
        push(i + 1);
        start = i + 1;
        opened = false;
      }
    } else if (!opened && !isBlankLine(line) && !line.startsWith("%")) {
      opened = true;
    }
  }
  push(lines.length);
  return docs;
}

function isBlankLine(line: string): boolean {
  const t = line.trim();
  return t === "" || t.startsWith("#");
}

function isBlank(text: string): boolean {
  for (const line of text.split("\n")) {
    if (!isBlankLine(line) && !line.startsWith("%") && !MARKER.test(line)) return false;
    // `--- value` and `--- |` carry content on the marker line itself
    if (MARKER.test(line) && line.slice(3).trim() !== "" && !line.slice(3).trim().startsWith("#")) return false;
  }
  return true;
}
