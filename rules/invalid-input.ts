import { defineRule } from "../src/engine/rule.js";
import type { SourceDocument } from "../src/load/types.js";
import { describe, type K8sObject } from "../src/model/objects.js";

export default defineRule({
  meta: {
    id: "invalid-input",
    description: "Input that cannot be read as Kubernetes manifests: YAML syntax errors, duplicate keys, non-UTF-8 or binary bytes, missing or unreadable paths.",
    rationale:
      "A document the linter cannot read is a document nobody checked. The API server rejects the same input " +
      "(strict field validation refuses duplicate keys; a syntax error fails the whole `kubectl apply` or Flux " +
      "Kustomization), so it is reported where it is instead of being skipped silently.",
    remediation: "Fix the input at the reported position: correct the YAML syntax, remove the duplicate key, re-save the file as UTF-8, or fix the path.",
    defaultSeverity: "error",
    example: {
      bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  name: app-v2\n",
      good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-v2\n",
    },
    tags: ["input"],
    precision: "very-high",
  },
  check({ set, report }) {
    const problems = set.problems.filter((p) => p.kind === "invalid-input");
    if (problems.length === 0) return;
    // A document that still parsed (duplicate keys: the last one wins) holds an object the message can name.
    const objectsOf = new Map<SourceDocument, K8sObject[]>();
    for (const object of set.objects) objectsOf.set(object.source, [...(objectsOf.get(object.source) ?? []), object]);
    for (const problem of problems) {
      const objects = problem.document ? (objectsOf.get(problem.document) ?? []) : [];
      const subject = objects.length === 1 ? `${describe(objects[0]!)}: ` : "";
      report({ file: problem.file, line: problem.line, column: problem.column, message: `${subject}${problem.message}`, ...(problem.document ? { document: problem.document } : {}) });
    }
  },
});
