import type { SourceDocument } from "./types.js";

// YAML forbids a line that starts with `---` or `...` (then blank or end of line) inside any node,
// quoted and block scalars included (YAML 1.2 §9.1.4, c-forbidden), so such lines are always document
// boundaries. Splitting on them lets each document parse alone: a broken document cannot take its
// neighbours down, and source positions are computed only for documents that need them.
const MARKER = /^(?:---|\.\.\.)(?=[ \t]|$)/;
const SOURCE_COMMENT = /^# Source: (.+?)\s*$/m;

/**
 * One pass over the text by offsets (no per-line strings except for lines that could be markers or
 * blank): splitting tens of megabytes must cost little next to parsing them.
 */
export function splitDocuments(file: string, text: string): SourceDocument[] {
  const docs: SourceDocument[] = [];
  // The current chunk: its first line (1-based) and offset, and whether it holds anything but
  // comments, blank lines, directives and bare markers.
  let startLine = 1;
  let startOffset = 0;
  let hasContent = false;
  // false while the chunk holds only comments, blank lines and directives: those belong to the
  // document the next `---` opens.
  let opened = false;

  const push = (endOffset: number): void => {
    if (!hasContent) return;
    const body = text.slice(startOffset, endOffset);
    const source = SOURCE_COMMENT.exec(body.slice(0, 4096));
    docs.push({ file, index: docs.length, text: body, startLine, ...(source ? { helmSource: source[1] } : {}) });
  };

  let lineNumber = 1;
  for (let offset = 0; offset <= text.length; lineNumber++) {
    let end = text.indexOf("\n", offset);
    if (end === -1) end = text.length;
    const first = text.charCodeAt(offset);
    const marker = (first === 0x2d /* - */ || first === 0x2e /* . */) && MARKER.test(text.slice(offset, Math.min(end, offset + 4)));
    if (marker) {
      const line = text.slice(offset, end);
      if (first === 0x2d) {
        if (opened) {
          // the chunk ends with the newline before this line: js-yaml appends one to a text without it, copying the whole document
          push(offset);
          startLine = lineNumber;
          startOffset = offset;
          hasContent = false;
        }
        opened = true;
      } else {
        if (markerCarriesContent(line)) hasContent = true;
        push(end);
        startLine = lineNumber + 1;
        startOffset = end + 1;
        hasContent = false;
        opened = false;
        offset = end + 1;
        continue;
      }
      if (markerCarriesContent(line)) hasContent = true;
    } else if (!hasContent && first !== 0x25 /* % */ && !isBlankLine(text, offset, end)) {
      hasContent = true;
      opened = true;
    }
    offset = end + 1;
  }
  push(text.length);
  return docs;
}

/** `--- value` and `--- |` carry content on the marker line itself. */
function markerCarriesContent(line: string): boolean {
  const rest = line.slice(3).trim();
  return rest !== "" && !rest.startsWith("#");
}

/** Blank or only a comment: scanned in place, as this runs for the first lines of every document. */
function isBlankLine(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  if (i === end || text.charCodeAt(i) === 0x23 /* # */) return true;
  const c = text.charCodeAt(i);
  if (c > 0x20 && c < 0x7f) return false;
  // Other whitespace (form feed, a BOM or NBSP left mid-file by concatenation): as trim() sees it.
  const rest = text.slice(i, end).trim();
  return rest === "" || rest.startsWith("#");
}
