import { defineRule } from "../src/engine/rule.js";

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
    for (const problem of set.problems) {
      if (problem.kind !== "invalid-input") continue;
      report({ file: problem.file, line: problem.line, column: problem.column, message: problem.message, ...(problem.document ? { document: problem.document } : {}) });
    }
  },
});
