import { readFileSync } from "node:fs";
import path from "node:path";
import type { Finding } from "../engine/finding.js";
import { commentSuppressionAt } from "../suppress/directives.js";
import type { SourceDocument } from "../load/types.js";
import { templateFileFor } from "./chart-template-files.js";
import { commentInTemplate } from "./comment-lines.js";
import { renderedPathAt } from "./rendered-path.js";
import { outlineTemplate, type TemplateDocument } from "./template-outline.js";
import { columnOf, walkOutline } from "./template-walk.js";

export interface SourceMapOptions {
  /** Working directory: template paths in findings are relative to it. */
  cwd: string;
  /** `--chart-dir`: the chart rendered documents come from, unless a document names its own. */
  chartDir?: string;
}

/**
 * Moves findings in rendered Helm output to the template line that wrote them (DESIGN §3): the
 * document's `# Source:` names the template file in the chart directory, and the finding's key path is
 * walked through the template text. `file/line/column` become the template position; `rendered` keeps
 * the position in what was read. A finding inside a comment lands on that comment in the template. A
 * `# gitops-lint-ignore` comment at the template position suppresses the finding. Findings whose
 * template cannot be found stay where they are. `documents` are all documents read (to tell apart
 * several documents rendered from one template).
 */
export function mapFindingsToTemplates(findings: Finding[], documents: Set<SourceDocument>, options: SourceMapOptions): void {
  let ordinals: Map<SourceDocument, { index: number; count: number }> | undefined; // only once a finding maps
  const templates = new Map<string, TemplateDocument[] | undefined>();
  const lineCache = new Map<string, string[]>();
  for (const finding of findings) {
    const document = finding.document;
    const chartDir = document?.chartDir ?? options.chartDir;
    if (!document?.helmSource || chartDir === undefined || finding.rendered) continue;
    const file = templateFileFor(document.helmSource, path.resolve(options.cwd, chartDir));
    if (!file) continue;
    if (!templates.has(file)) templates.set(file, readOutline(file, lineCache));
    const outline = templates.get(file);
    if (!outline || outline.length === 0) continue;

    const rendered = renderedPathAt(document, finding.line, finding.column);
    ordinals ??= documentOrdinals(documents);
    const ordinal = ordinals.get(document) ?? { index: 0, count: 1 };
    const candidates =
      outline.length === 1 ? outline : ordinal.count === outline.length ? [outline[ordinal.index]!] : outline;
    let best: { doc: TemplateDocument; depth: number; score: number; node: ReturnType<typeof walkOutline>["node"] } | undefined;
    for (const doc of candidates) {
      const walked = walkOutline(doc, rendered.steps);
      const kind = doc.root.children.find((c) => c.kind === "key" && c.key === "kind")?.value;
      const score = walked.depth * 2 + (kind !== undefined && kind === rendered.kind ? 1 : 0);
      if (!best || score > best.score) best = { doc, depth: walked.depth, score, node: walked.node };
    }
    const chosen = best!;
    const lines = readLines(file, lineCache);
    let line: number;
    let column: number;
    let endColumn: number;
    if (chosen.depth > 0) {
      line = chosen.node.line;
      column = columnOf(chosen.node);
      endColumn = Math.max(column + 1, chosen.node.endColumn);
    } else {
      line = chosen.doc.firstContentLine ?? chosen.doc.firstLine;
      column = 1;
      endColumn = Math.max(2, (lines[line - 1] ?? "").trimEnd().length + 1);
    }
    const comment = commentInTemplate(lines, document.text.split("\n")[finding.line - document.startLine] ?? "", finding.column, line);
    if (comment) {
      line = comment.line;
      column = comment.column;
      endColumn = column + Math.max(1, finding.endColumn - finding.column);
    }
    finding.rendered = { file: finding.file, line: finding.line, column: finding.column };
    finding.file = path.relative(options.cwd, file).split(path.sep).join("/");
    finding.line = line;
    finding.column = column;
    finding.endLine = line;
    finding.endColumn = endColumn;
    // A suppression comment in the template covers what is reported at its lines, whether or not it survived rendering there.
    const suppression = finding.suppressed ? undefined : commentSuppressionAt(lines, line - 1, finding.ruleId);
    if (suppression) {
      finding.suppressed = true;
      finding.suppressionReason = suppression.reason;
    }
  }
}

function readLines(file: string, lineCache: Map<string, string[]>): string[] {
  let lines = lineCache.get(file);
  if (!lines) {
    lines = readFileSync(file, "utf8").replace(/\r\n?/g, "\n").split("\n");
    lineCache.set(file, lines);
  }
  return lines;
}

function readOutline(file: string, lineCache: Map<string, string[]>): TemplateDocument[] | undefined {
  try {
    return outlineTemplate(readLines(file, lineCache).join("\n"));
  } catch {
    return undefined;
  }
}

/** Each document's place among the documents rendered from the same template in the same input. */
function documentOrdinals(documents: Set<SourceDocument>): Map<SourceDocument, { index: number; count: number }> {
  const groups = new Map<string, SourceDocument[]>();
  for (const document of documents) {
    if (!document.helmSource) continue;
    const key = `${document.file}\0${document.helmSource}`;
    const group = groups.get(key);
    if (group) group.push(document);
    else groups.set(key, [document]);
  }
  const out = new Map<SourceDocument, { index: number; count: number }>();
  for (const group of groups.values()) {
    group.sort((a, b) => a.index - b.index);
    group.forEach((document, index) => out.set(document, { index, count: group.length }));
  }
  return out;
}
