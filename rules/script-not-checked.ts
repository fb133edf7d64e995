import { defineRule } from "../src/engine/rule.js";
import { checkedScripts } from "../src/model/checked-scripts.js";
import { describe } from "../src/model/objects.js";
import { MAX_TREE_DEPTH } from "../src/shell/go-tree.js";
import { thousands } from "../src/util/thousands.js";
import type { UnreadScript } from "../src/shell/shell-scripts.js";

export default defineRule({
  meta: {
    id: "script-not-checked",
    description: "A container script that a shell check needs but could not read: it does not parse, or it is over one of the `limits.shell*` limits.",
    rationale:
      "Two checks read the shell scripts containers run (`command: [\"sh\", \"-c\", …]`, also behind wrappers such as " +
      "`dumb-init --` or `timeout 900`): `hook-budget-exceeds-timeout` reads the waits of a Helm hook Job's or Pod's " +
      "script, and `ephemeral-state-dir` the `tofu`/`terraform` commands of a long-lived workload's script. They parse " +
      "each script once per run with a real shell parser (mvdan/sh, as Bash) and analyse its syntax tree. A script " +
      "the parser stops on, or one over a limit, is not analysed: the check stays silent about it, and this finding " +
      "says so instead of letting silence pass for a clean result. The limits are measures of the work, never time, " +
      "so the same input always gives the same findings: `limits.shellMaxScriptLength` (characters, 65536 by " +
      "default) before parsing, then `limits.shellMaxNodes` (syntax tree nodes, 25000) and " +
      "`limits.shellMaxLoopNesting` (loops inside loops, 8), set in `.gitops-lint.yaml`; and a fixed bound of " +
      `${thousands(MAX_TREE_DEPTH)} levels of nesting in the syntax tree (a chain of ${MAX_TREE_DEPTH / 2} \`&&\`), which the parser's stack is sized for. A parse error is often a ` +
      "script meant for another shell (zsh) or a template left unrendered; scripts are parsed as Bash, which " +
      "accepts what `sh`, `ash` and `dash` accept.\n\n" +
      "Not reported: scripts no check needs (no waiting command in a hook, no `tofu`/`terraform` in a workload), " +
      "exec probes (`liveness-equals-readiness` then compares the probes as written).",
    remediation:
      "For a limit, raise the setting the message names in `.gitops-lint.yaml` (under `limits:`); a script nested " +
      "deeper than the fixed bound is split into smaller ones. For a parse error, " +
      "fix the script at the position given; if its shell accepts it, suppress this finding with a " +
      "`# gitops-lint-ignore script-not-checked` comment saying why.",
    defaultSeverity: "info",
    example: {
      bad:
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait-for-db\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: wait\n          image: curlimages/curl\n          command: [\"sh\", \"-c\"]\n          args:\n            - |\n              until curl -sf --max-time 5 http://db:8080/health; do\n                sleep 5\n              fi\n",
      good:
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait-for-db\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: wait\n          image: curlimages/curl\n          command: [\"sh\", \"-c\"]\n          args:\n            - |\n              for i in $(seq 1 12); do\n                curl -sf --max-time 5 http://db:8080/health && exit 0\n                sleep 5\n              done\n              exit 1\n",
    },
    tags: ["shell", "helm", "hooks"],
    precision: "very-high",
  },
  check({ set, shell, report }) {
    for (const object of set.objects) {
      for (const { view, script, wait, iac } of checkedScripts(object)) {
        const unchecked: string[] = [];
        if (wait) unchecked.push("its wait is not checked against the Helm release timeout");
        if (iac) unchecked.push("its OpenTofu/Terraform directories are not checked");
        const read = shell.read(script.script);
        if (read.ok) continue;
        const at = read.reason === "syntax" && script.verbatim && read.line !== undefined ? { inValue: { line: read.line, column: read.column ?? 1 } } : {};
        report({ object, path: script.path, ...at, message: `${describe(object)} container "${view.name}": script not checked: ${why(read)}, so ${unchecked.join(" and ")}; ${whatToDo(read)}` });
      }
    }
  },
});

function why(read: UnreadScript): string {
  if (read.reason === "limit") return read.skipped;
  const where = read.line !== undefined ? ` at line ${read.line}, column ${read.column ?? 1}` : "";
  return `the shell parser stops${where}: ${read.error}`;
}

function whatToDo(read: UnreadScript): string {
  if (read.reason === "syntax") return "fix the script, or suppress this finding if its shell accepts it";
  return read.setting ? `raise ${read.setting} in .gitops-lint.yaml to check it` : "split the script into smaller ones to check it, or suppress this finding";
}
