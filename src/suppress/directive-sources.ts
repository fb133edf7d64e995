import { readFileSync } from "node:fs";
import path from "node:path";
import type { SourceDocument } from "../load/types.js";
import { templateFileFor } from "../load/chart-template-files.js";
import type { K8sObject } from "../model/objects.js";

/** Text where suppression directives may be written, as findings name its file. */
export interface DirectiveSource {
  file: string;
  lines: readonly string[];
  /** File line of `lines[0]`. */
  firstLine: number;
  /** The document, when the text is one that was read (for snippets). */
  document?: SourceDocument;
}

/**
 * Every text the user wrote directives in, once: documents read as they are; for rendered Helm output whose
 * chart is on disk, the chart's template files instead (where the user edits, and where template-comment
 * directives live, which rendering drops); for objects kustomize built, their source files (kustomize drops
 * comments from its output).
 */
export function directiveSources(documents: Iterable<SourceDocument>, objects: Iterable<K8sObject>, options: { cwd: string; chartDir?: string }): DirectiveSource[] {
  const sources: DirectiveSource[] = [];
  const files = new Set<string>();
  const addFile = (absolute: string): void => {
    if (files.has(absolute)) return;
    files.add(absolute);
    try {
      const lines = readFileSync(absolute, "utf8").replace(/\r\n?/g, "\n").split("\n");
      if (lines.some((l) => l.includes("gitops-lint-ignore"))) sources.push({ file: path.relative(options.cwd, absolute).split(path.sep).join("/"), lines, firstLine: 1 });
    } catch {
      // unreadable now: it was reported when it was read
    }
  };
  for (const document of documents) {
    const chartDir = document.chartDir ?? options.chartDir;
    const template = document.helmSource && chartDir !== undefined ? templateFileFor(document.helmSource, path.resolve(options.cwd, chartDir)) : undefined;
    if (template) addFile(template);
    else if (document.text.includes("gitops-lint-ignore")) sources.push({ file: document.file, lines: document.text.split("\n"), firstLine: document.startLine, document });
  }
  for (const object of objects) {
    if (object.source.origin) addFile(object.source.origin.absolutePath);
  }
  return sources;
}
