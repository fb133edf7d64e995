import { defineRule } from "../src/engine/rule.js";
import { describe } from "../src/model/objects.js";
import { updateStrategyOf } from "../src/model/update-strategy.js";

export default defineRule({
  meta: {
    id: "recreate-with-rolling-update",
    description:
      "A Deployment with `strategy.type: Recreate` (StatefulSet: `updateStrategy.type: OnDelete`) that also declares a `rollingUpdate` block.",
    rationale:
      "The API server rejects the object on every apply path, create or update, client-side or server-side: " +
      "`spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy type is 'Recreate'` " +
      "(StatefulSet: `spec.updateStrategy.rollingUpdate: Invalid value: … only allowed for updateStrategy 'RollingUpdate'`). " +
      "An empty block (`rollingUpdate: {}`) is still a block: it decodes to a non-nil value and is rejected the same way. " +
      "`rollingUpdate: null` (what a Helm template often renders for an unset value) is no block and is not reported. " +
      "A DaemonSet accepts `rollingUpdate` next to `OnDelete` and is not checked. A common source is a kustomize " +
      "overlay that patches `type: Recreate` onto a base with a `rollingUpdate` block: the strategic merge keeps " +
      "the block, so lint the built output (`kustomize build … | gitops-lint -`).",
    remediation:
      "Delete the `rollingUpdate` key, or switch back to `type: RollingUpdate` if the block was meant. In a chart, " +
      "render `rollingUpdate` only when the type is RollingUpdate (`{{- if eq .Values.strategy.type \"RollingUpdate\" }}`). " +
      "When a kustomize overlay sets `type: Recreate` over a base that has a `rollingUpdate` block, the strategic " +
      "merge keeps the block: remove it in the overlay too, e.g. with a JSON 6902 patch " +
      "`[{op: remove, path: /spec/strategy/rollingUpdate}]`.",
    defaultSeverity: "error",
    example: {
      bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n    rollingUpdate:\n      maxSurge: 0\n",
      good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n",
    },
    tags: ["rollout", "validation"],
    precision: "very-high",
  },
  check({ set, report }) {
    for (const object of set.ofKind("Deployment", "StatefulSet")) {
      const s = updateStrategyOf(object);
      if (!s?.isNonRolling || s.rollingUpdateBlock === undefined) continue;
      const keys = Object.keys(s.rollingUpdateBlock);
      const shown = keys.length === 0 ? "an empty rollingUpdate: {}" : `a rollingUpdate block (${keys.join(", ")})`;
      const error = s.nonRollingType === "Recreate" ? "spec.strategy.rollingUpdate: Forbidden" : "spec.updateStrategy.rollingUpdate: Invalid value";
      report({
        object,
        path: s.rollingUpdatePath,
        message: `${describe(object)}: ${s.field} ${s.nonRollingType} with ${shown} is rejected on every apply with "${error}"; delete the rollingUpdate key`,
      });
    }
  },
});
