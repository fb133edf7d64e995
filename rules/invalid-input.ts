import { defineRule } from "../src/engine/rule.js";
import { unknownSuppressionIds } from "../src/suppress/unknown-ids.js";
import { describe } from "../src/model/objects.js";

export default defineRule({
  meta: {
    id: "invalid-input",
    description:
      "Input that cannot be read as Kubernetes manifests: YAML syntax errors, duplicate keys, non-UTF-8 or binary bytes, missing or unreadable paths; " +
      "and (as a warning) suppressions that name a rule that does not exist.",
    rationale:
      "A document the linter cannot read is a document nobody checked. The API server rejects the same input " +
      "(strict field validation refuses duplicate keys; a syntax error fails the whole `kubectl apply` or Flux " +
      "Kustomization), so it is reported where it is instead of being skipped silently. A `# gitops-lint-ignore` " +
      "comment or `gitops-lint/ignore` annotation naming a rule id that does not exist (a typo, a renamed rule) " +
      "suppresses nothing; it is reported as a warning at the id, with the closest existing id.",
    remediation: "Fix the input at the reported position: correct the YAML syntax, remove the duplicate key, re-save the file as UTF-8, or fix the path.",
    defaultSeverity: "error",
    example: {
      bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  name: app-v2\n",
      good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-v2\n",
    },
    tags: ["input"],
    precision: "very-high",
  },
  check({ set, ruleIds, report }) {
    const problems = set.problems.filter((p) => p.kind === "invalid-input");
    // A document that still parsed (duplicate keys: the last one wins) holds an object the message can name.
    for (const problem of problems) {
      const objects = problem.document ? set.objectsIn(problem.document) : [];
      const subject = objects.length === 1 ? `${describe(objects[0]!)}: ` : "";
      report({ file: problem.file, line: problem.line, column: problem.column, message: `${subject}${problem.message}`, ...(problem.document ? { document: problem.document } : {}) });
    }
    for (const unknown of unknownSuppressionIds(set, ruleIds)) report({ ...unknown, severity: "warning" });
  },
});
