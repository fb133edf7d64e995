import type { Finding } from "../engine/finding.js";

export interface FrameStyle {
  gutter(text: string): string;
  marker(text: string): string;
}

/** The reported line with one line of context above, and a caret under the reported span. */
export function codeFrame(finding: Finding, style: FrameStyle): string | undefined {
  const document = finding.document;
  const line = finding.rendered?.line ?? finding.line;
  if (!document) return undefined;
  const lines = document.text.split("\n");
  const index = line - document.startLine;
  if (index < 0 || index >= lines.length) return undefined;
  const first = Math.max(0, index - 1);
  const width = String(line).length;
  const out: string[] = [];
  for (let i = first; i <= index; i++) {
    const number = String(document.startLine + i).padStart(width);
    const prefix = i === index ? style.marker(">") : " ";
    out.push(`  ${prefix} ${style.gutter(`${number} |`)} ${expandTabs(lines[i]!)}`);
  }
  const column = finding.rendered?.column ?? finding.column;
  const sameLine = finding.endLine === finding.line && !finding.rendered;
  const text = lines[index]!;
  const span = sameLine ? Math.max(1, finding.endColumn - column) : Math.max(1, text.trimEnd().length - column + 1);
  const pad = expandTabs(text.slice(0, column - 1)).replace(/\S/g, " ");
  out.push(`    ${style.gutter(`${" ".repeat(width)} |`)} ${pad}${style.marker("^" + "~".repeat(Math.min(span, 80) - 1))}`);
  return out.join("\n");
}

function expandTabs(text: string): string {
  return text.replace(/\t/g, "  ");
}
