import type { Finding } from "../engine/finding.js";

export interface FrameStyle {
  gutter(text: string): string;
  marker(text: string): string;
}

// A line longer than this (rendered output can hold a whole JSON document on one line) is cut to a window
// around the reported column, marked with an ellipsis on the side that was cut.
const MAX_WIDTH = 120;
const KEPT_BEFORE_COLUMN = 40;

/** The reported line with one line of context above, and a caret under the reported span. */
export function codeFrame(finding: Finding, style: FrameStyle): string | undefined {
  const document = finding.document;
  const line = finding.rendered?.line ?? finding.line;
  if (!document) return undefined;
  const lines = document.text.split("\n");
  const index = line - document.startLine;
  if (index < 0 || index >= lines.length) return undefined;
  const text = lines[index]!;
  const column = finding.rendered?.column ?? finding.column;
  const before = expandTabs(text.slice(0, column - 1)).length;
  const shown = windowAround(expandTabs(text).length, before);
  const first = Math.max(0, index - 1);
  const width = String(line).length;
  const out: string[] = [];
  for (let i = first; i <= index; i++) {
    const number = String(document.startLine + i).padStart(width);
    const prefix = i === index ? style.marker(">") : " ";
    out.push(`  ${prefix} ${style.gutter(`${number} |`)} ${cut(expandTabs(lines[i]!), shown)}`);
  }
  const sameLine = finding.endLine === finding.line && !finding.rendered;
  const span = sameLine ? Math.max(1, finding.endColumn - column) : Math.max(1, text.trimEnd().length - column + 1);
  const pad = " ".repeat(before - shown.start + (shown.start > 0 ? 1 : 0));
  const caret = Math.max(1, Math.min(span, 80, shown.end - before));
  out.push(`    ${style.gutter(`${" ".repeat(width)} |`)} ${pad}${style.marker("^" + "~".repeat(caret - 1))}`);
  return out.join("\n");
}

/** The columns [start, end) of the reported line to show: all of it, or MAX_WIDTH around the reported column. */
function windowAround(length: number, before: number): { start: number; end: number } {
  if (length <= MAX_WIDTH) return { start: 0, end: MAX_WIDTH };
  const start = Math.max(0, Math.min(before - KEPT_BEFORE_COLUMN, length - MAX_WIDTH));
  return { start, end: start + MAX_WIDTH };
}

function cut(text: string, shown: { start: number; end: number }): string {
  return `${shown.start > 0 ? "…" : ""}${text.slice(shown.start, shown.end)}${text.length > shown.end ? "…" : ""}`;
}

function expandTabs(text: string): string {
  return text.replace(/\t/g, "  ");
}
