import { getPath, isObject, stringMap } from "../util/json.js";
import type { K8sObject } from "../model/objects.js";
import { podSpecOf } from "../model/pod-spec.js";
import type { NodePath } from "../load/types.js";
import type { Finding } from "../engine/finding.js";

export const IGNORE_ANNOTATION = "gitops-lint/ignore";
export const IGNORE_REASON_ANNOTATION = "gitops-lint/ignore-reason";
// `# gitops-lint-ignore rule-a, rule-b -- reason`, alone on a line or after the line's content.
const IGNORE_COMMENT = /(?:^|\s)#\s*gitops-lint-ignore\s+(.*?)\s*(?:--\s*(.*?))?\s*$/d;

export interface IgnoreComment {
  /** The rule ids listed, each with its 1-based column in the line. */
  ids: { id: string; column: number }[];
  reason?: string;
  /** After other content on the line (it covers that line) rather than alone on it, or after template directives only (it covers the next line). */
  trailing: boolean;
}

/** Why this finding is suppressed, or undefined. Annotations on the object or its pod template, or a comment in the document read. */
export function suppressionOf(finding: Finding, object: K8sObject | undefined): { reason: string } | undefined {
  if (object) {
    for (const { annotations } of ignoreAnnotationPlaces(object)) {
      if (listedIds(annotations[IGNORE_ANNOTATION]).includes(finding.ruleId)) {
        return { reason: annotations[IGNORE_REASON_ANNOTATION] ?? `annotation ${IGNORE_ANNOTATION}` };
      }
    }
  }
  const document = finding.document;
  if (!document) return undefined;
  const reportedLine = finding.rendered?.line ?? finding.line;
  return commentSuppressionAt(document.text.split("\n"), reportedLine - document.startLine, finding.ruleId);
}

/** The `# gitops-lint-ignore` comment covering line `index` (0-based) of `lines` for this rule: alone on the line above, or at the end of the line itself. */
export function commentSuppressionAt(lines: readonly string[], index: number, ruleId: string): { reason: string } | undefined {
  const above = index > 0 ? ignoreCommentIn(lines[index - 1]!) : undefined;
  const same = index >= 0 && index < lines.length ? ignoreCommentIn(lines[index]!) : undefined;
  for (const comment of [above && !above.trailing ? above : undefined, same?.trailing ? same : undefined]) {
    if (comment?.ids.some((i) => i.id === ruleId)) return { reason: comment.reason || "comment gitops-lint-ignore" };
  }
  return undefined;
}

/** The `# gitops-lint-ignore` comment on a line, if there is one. */
export function ignoreCommentIn(line: string): IgnoreComment | undefined {
  const match = IGNORE_COMMENT.exec(line);
  if (!match) return undefined;
  const listStart = match.indices![1]![0];
  const ids = [...match[1]!.matchAll(/[^\s,]+/g)].map((m) => ({ id: m[0], column: listStart + m.index! + 1 }));
  // Template directives before the comment do not count as content: they write nothing on that line of the template.
  const before = line.slice(0, match.index).replace(/\{\{.*?\}\}/g, "");
  return { ids, ...(match[2] ? { reason: match[2] } : {}), trailing: before.trim() !== "" };
}

/** The rule ids an ignore annotation lists. */
export function listedIds(list: string | undefined): string[] {
  return list === undefined ? [] : list.split(/[\s,]+/).filter((id) => id !== "");
}

/**
 * The places of an object that carry an ignore annotation: its own metadata, its pod template's (a Pod's
 * template is itself). Most objects have none, so paths are built only for a place that has one.
 */
export function ignoreAnnotationPlaces(object: K8sObject): Array<{ metadataPath: NodePath; annotations: Record<string, string> }> {
  const places: Array<{ metadataPath: NodePath; annotations: Record<string, string> }> = [];
  if (IGNORE_ANNOTATION in object.annotations) places.push({ metadataPath: [...object.basePath, "metadata"], annotations: object.annotations });
  const pod = podSpecOf(object);
  if (pod && pod.templateMetadataPath.length === object.basePath.length + 1) return places; // a Pod
  const template = pod ? pod.templateAnnotations : getPath(object.body, TEMPLATE_ANNOTATIONS);
  if (!isObject(template) || !(IGNORE_ANNOTATION in template)) return places;
  places.push({ metadataPath: pod?.templateMetadataPath ?? [...object.basePath, ...TEMPLATE_ANNOTATIONS.slice(0, -1)], annotations: pod ? pod.templateAnnotations : stringMap(template) });
  return places;
}

const TEMPLATE_ANNOTATIONS = ["spec", "template", "metadata", "annotations"];
