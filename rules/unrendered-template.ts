import { defineRule } from "../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "unrendered-template",
    description: "Go-template directives (`{{ … }}`) in the YAML structure of a file linted as a raw manifest.",
    rationale:
      "Kustomize and kubectl read raw YAML: a `{{ .Values.x }}` where a value or key belongs fails the build with " +
      "`yaml: invalid map key`, and the whole Flux Kustomization stops applying. This happens when a chart's " +
      "`templates/` folder is also referenced from a kustomization. Braces inside string values (alerting " +
      "templates, dashboards) are data and are not reported.",
    remediation:
      "Render the chart (`helm template … | gitops-lint -`) instead of linting its templates, or move the value " +
      "out of the template syntax (quote it, or read it from a ConfigMap) when the file must stay raw YAML.",
    defaultSeverity: "error",
    example: {
      bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  fqdn: {{ .Values.fqdn }}\n",
      good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  fqdn: console.example.com\n",
    },
    tags: ["input", "helm", "kustomize"],
    precision: "very-high",
  },
  check({ set, report }) {
    for (const problem of set.problems) {
      if (problem.kind !== "unrendered-template" || "object" in problem) continue;
      report({ file: problem.file, line: problem.line, column: problem.column, message: problem.message, ...(problem.document ? { document: problem.document } : {}) });
    }
  },
});
