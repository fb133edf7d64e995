import { getPath, stringMap } from "../model/json.js";
import type { K8sObject } from "../model/objects.js";
import { podSpecOf } from "../model/pod-spec.js";
import type { Finding } from "./finding.js";

export const IGNORE_ANNOTATION = "gitops-lint/ignore";
export const IGNORE_REASON_ANNOTATION = "gitops-lint/ignore-reason";
const IGNORE_COMMENT = /^\s*#\s*gitops-lint-ignore\s+([^\n]*?)\s*(?:--\s*(.*?))?\s*$/;

/** Why this finding is suppressed, or undefined. Annotations on the object or its pod template, or a comment on the line above. */
export function suppressionOf(finding: Finding, object: K8sObject | undefined): { reason: string } | undefined {
  if (object) {
    for (const annotations of [object.annotations, templateAnnotations(object)]) {
      if (listed(annotations[IGNORE_ANNOTATION], finding.ruleId)) {
        return { reason: annotations[IGNORE_REASON_ANNOTATION] ?? `annotation ${IGNORE_ANNOTATION}` };
      }
    }
  }
  const document = finding.document;
  const reportedLine = finding.rendered?.line ?? finding.line;
  if (document) {
    const above = document.text.split("\n")[reportedLine - document.startLine - 1];
    const match = above === undefined ? null : IGNORE_COMMENT.exec(above);
    if (match && listed(match[1], finding.ruleId)) return { reason: match[2] || "comment gitops-lint-ignore" };
  }
  return undefined;
}

function templateAnnotations(object: K8sObject): Record<string, string> {
  const pod = podSpecOf(object);
  if (pod) return pod.templateAnnotations;
  return stringMap(getPath(object.body, ["spec", "template", "metadata", "annotations"]));
}

function listed(list: string | undefined, ruleId: string): boolean {
  return list !== undefined && list.split(/[\s,]+/).includes(ruleId);
}
