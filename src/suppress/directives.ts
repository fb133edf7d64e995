import type { NodePath } from "../load/types.js";
import type { K8sObject } from "../model/objects.js";
import { podSpecOf } from "../model/pod-spec.js";
import { getPath, isObject, stringMap } from "../util/json.js";

export const IGNORE_ANNOTATION = "gitops-lint/ignore";
export const IGNORE_REASON_ANNOTATION = "gitops-lint/ignore-reason";

// `# gitops-lint-ignore rule-a, rule-b -- reason` (a YAML comment, which survives `helm template`), and in chart
// templates `{{/* gitops-lint-ignore rule-a -- reason */}}` (a template comment, which rendering drops). A colon
// after the keyword is the common mistake, caught so it can be reported instead of silently doing nothing.
const HASH_DIRECTIVE = /(?:^|\s)#\s*gitops-lint-ignore(:?)(?=\s|$)(.*)$/d;
const TEMPLATE_DIRECTIVE = /\{\{-?\s*\/\*\s*gitops-lint-ignore(:?)(?=\s|\*)(.*?)\*\/\s*-?\}\}/d;

export interface Directive {
  /** The rule ids listed, each with its 1-based column in the line. */
  ids: { id: string; column: number }[];
  reason?: string;
  /** After other content on the line (it covers that line) rather than alone on it, or after template directives only (it covers the next line). */
  trailing: boolean;
  /** 1-based column where the directive starts. */
  column: number;
  /** `gitops-lint-ignore:` — written with a colon: not a directive gitops-lint reads. */
  colon: boolean;
}

/** The suppression directive on a line, if there is one (a malformed one included: `colon`, or no ids). */
export function directiveIn(line: string): Directive | undefined {
  const match = HASH_DIRECTIVE.exec(line) ?? TEMPLATE_DIRECTIVE.exec(line);
  if (!match) return undefined;
  const body = match[2]!;
  const bodyStart = match.indices![2]![0];
  const separator = body.search(/\s--(?:\s|$)/);
  const list = separator === -1 ? body : body.slice(0, separator);
  const reason = separator === -1 ? "" : body.slice(separator).replace(/^\s*--\s*/, "").trim();
  const ids = [...list.matchAll(/[^\s,]+/g)].map((m) => ({ id: m[0], column: bodyStart + m.index! + 1 }));
  const start = match.index + (line[match.index] === "#" || line[match.index] === "{" ? 0 : 1);
  // Template directives before the directive do not count as content: they write nothing on that line of the template.
  const before = line.slice(0, start).replace(/\{\{.*?\}\}/g, "");
  return { ids, ...(reason !== "" ? { reason } : {}), trailing: before.trim() !== "", column: start + 1, colon: match[1] === ":" };
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
