import { readFileSync } from "node:fs";
import path from "node:path";
import type { SourceDocument } from "../load/types.js";
import { packagedSubchartOf, templateFileFor } from "../load/chart-template-files.js";
import { commentInTemplate } from "./comment-lines.js";
import { renderedPathAt } from "./rendered-path.js";
import { outlineTemplate, type TemplateDocument } from "./template-outline.js";
import { columnOf, walkOutline } from "./template-walk.js";

export interface TemplateMapOptions {
  /** Working directory: template paths are relative to it. */
  cwd: string;
  /** `--chart-dir`: the chart rendered documents come from, unless a document names its own. */
  chartDir?: string;
}

/** A position in a chart template, with the template's lines (for snippets and suppression comments). */
export interface TemplatePosition {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  lines: readonly string[];
}

/**
 * Maps positions in rendered Helm output to the template line that wrote them (DESIGN §3): the document's
 * `# Source:` names the template file in the chart directory, and the key path at the position is walked
 * through the template text. A position inside a comment lands on that comment in the template.
 * `documents` are all documents read (to tell apart several documents rendered from one template).
 */
export class TemplateMap {
  private ordinals: Map<SourceDocument, { index: number; count: number }> | undefined; // only once a finding maps
  private readonly outlines = new Map<string, TemplateDocument[] | undefined>();
  private readonly lineCache = new Map<string, string[]>();

  constructor(
    private readonly documents: () => Iterable<SourceDocument>,
    private readonly options: TemplateMapOptions,
  ) {}

  /**
   * Why a rendered document's findings stay at their rendered position although its chart is known: its
   * template is inside a packaged subchart. Undefined when there is nothing to say.
   */
  unmapped(document: SourceDocument): string | undefined {
    const chartDir = document.chartDir ?? this.options.chartDir;
    if (!document.helmSource || chartDir === undefined || document.templateFile) return undefined;
    const archive = packagedSubchartOf(document.helmSource, path.resolve(this.options.cwd, chartDir));
    return archive ? `its template ${document.helmSource} is inside the packaged subchart ${chartDir}/${archive}, so it is shown where it was rendered` : undefined;
  }

  /** The template position of a rendered position, or undefined when the document's template is not on disk. */
  locate(document: SourceDocument, line: number, column: number, endColumn: number): TemplatePosition | undefined {
    const chartDir = document.chartDir ?? this.options.chartDir;
    if (!document.helmSource || chartDir === undefined) return undefined;
    const file = document.templateFile ?? templateFileFor(document.helmSource, path.resolve(this.options.cwd, chartDir));
    if (!file) return undefined;
    if (!this.outlines.has(file)) this.outlines.set(file, this.readOutline(file));
    const outline = this.outlines.get(file);
    if (!outline || outline.length === 0) return undefined;

    const rendered = renderedPathAt(document, line, column);
    this.ordinals ??= documentOrdinals(this.documents());
    const ordinal = this.ordinals.get(document) ?? { index: 0, count: 1 };
    const candidates = outline.length === 1 ? outline : ordinal.count === outline.length ? [outline[ordinal.index]!] : outline;
    let best: { doc: TemplateDocument; depth: number; score: number; node: ReturnType<typeof walkOutline>["node"] } | undefined;
    for (const doc of candidates) {
      const walked = walkOutline(doc, rendered.steps);
      const kind = doc.root.children.find((c) => c.kind === "key" && c.key === "kind")?.value;
      const score = walked.depth * 2 + (kind !== undefined && kind === rendered.kind ? 1 : 0);
      if (!best || score > best.score) best = { doc, depth: walked.depth, score, node: walked.node };
    }
    const chosen = best!;
    const lines = this.readLines(file);
    let at: { line: number; column: number; endColumn: number };
    if (chosen.depth > 0) {
      const nodeColumn = columnOf(chosen.node);
      at = { line: chosen.node.line, column: nodeColumn, endColumn: Math.max(nodeColumn + 1, chosen.node.endColumn) };
    } else {
      const first = chosen.doc.firstContentLine ?? chosen.doc.firstLine;
      at = { line: first, column: 1, endColumn: Math.max(2, (lines[first - 1] ?? "").trimEnd().length + 1) };
    }
    const comment = commentInTemplate(lines, document.text.split("\n")[line - document.startLine] ?? "", column, at.line);
    if (comment) at = { line: comment.line, column: comment.column, endColumn: comment.column + Math.max(1, endColumn - column) };
    return { file: path.relative(this.options.cwd, file).split(path.sep).join("/"), ...at, lines };
  }

  private readLines(file: string): string[] {
    let lines = this.lineCache.get(file);
    if (!lines) {
      lines = readFileSync(file, "utf8").replace(/\r\n?/g, "\n").split("\n");
      this.lineCache.set(file, lines);
    }
    return lines;
  }

  private readOutline(file: string): TemplateDocument[] | undefined {
    try {
      return outlineTemplate(this.readLines(file).join("\n"));
    } catch {
      return undefined;
    }
  }
}

/** Each document's place among the documents rendered from the same template in the same input. */
function documentOrdinals(documents: Iterable<SourceDocument>): Map<SourceDocument, { index: number; count: number }> {
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
