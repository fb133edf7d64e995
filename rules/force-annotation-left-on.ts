import { defineRule } from "../src/engine/rule.js";
import { FLUX_FORCE_KEY, forceMarkersOf, isForceEnabled } from "../src/model/flux-force.js";
import { describe } from "../src/model/objects.js";
import { updateStrategyOf } from "../src/model/update-strategy.js";

/** The example's Deployment, forced, as it is now and as it was at the base. */
const FORCED = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    kustomize.toolkit.fluxcd.io/force: enabled\nspec:\n  strategy:\n    type: Recreate\n";

export default defineRule({
  meta: {
    id: "force-annotation-left-on",
    description:
      "Diff-aware (`--base`/`--base-file`) only: `kustomize.toolkit.fluxcd.io/force: enabled` still on a Recreate Deployment (OnDelete StatefulSet) that already had it, with the same strategy, at the base.",
    rationale:
      "The switch is the one-commit way through a RollingUpdate → Recreate flip (see `strategy-flip-without-force`). " +
      "Once that commit is applied the live object has no `rollingUpdate` block and the switch has done its job. " +
      "Left on, it turns any later invalid edit (an immutable selector change, a bad field) into a silent delete and " +
      "recreate of the workload by kustomize-controller instead of a failed reconcile someone looks at. Flux's docs " +
      "say it \"should be removed after the change is applied\". The finding is **info**: keeping it can be a " +
      "deliberate choice. Only reported when the base shows the migration is done (the object was already " +
      "Recreate/OnDelete with the switch there); Jobs and other objects that carry the switch on purpose are not " +
      "considered. Without `--base` or `--base-file` this rule reports nothing.",
    remediation: "Remove `kustomize.toolkit.fluxcd.io/force` from the object's metadata now that the strategy change has been applied.",
    defaultSeverity: "info",
    example: {
      bad: FORCED,
      good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n",
      args: { bad: ["--base-file", "previous-render.yaml"], good: ["--base-file", "previous-render.yaml"] },
      // The base revision already had the same annotation and strategy.
      files: { bad: { "previous-render.yaml": FORCED }, good: { "previous-render.yaml": FORCED } },
    },
    tags: ["flux", "rollout", "diff"],
    precision: "high",
  },
  check({ set, diff, report }) {
    if (!diff) return;
    for (const object of set.ofKind("Deployment", "StatefulSet")) {
      const strategy = updateStrategyOf(object);
      if (!strategy?.isNonRolling || !isForceEnabled(object)) continue;
      const previous = diff.baseOf(object);
      if (!previous || !isForceEnabled(previous) || !updateStrategyOf(previous)?.isNonRolling) continue;
      const marker = forceMarkersOf(object).find((m) => m.enabled)!;
      report({
        object,
        path: marker.path,
        message:
          `${describe(object)}: ${FLUX_FORCE_KEY}: ${marker.value} is left on after the ${strategy.nonRollingType} migration (the base had it too); ` +
          `remove it before an invalid edit makes Flux delete and recreate the ${object.kind}`,
      });
    }
  },
});
