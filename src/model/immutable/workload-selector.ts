import { getPath } from "../../util/json.js";
import { goLabelSelector } from "./go-format.js";
import { labelChangePath, labelChanges } from "./label-changes.js";
import { firstDifference } from "./same-value.js";
import type { FieldChange, KindRules } from "./types.js";

/**
 * Deployment, DaemonSet, ReplicaSet: `spec.selector` is immutable in apps/v1 and apps/v1beta2
 * (pkg/registry/apps/{deployment,daemonset,replicaset}/strategy.go `ValidateUpdate`:
 * `ValidateImmutableField(newSpec.Selector, oldSpec.Selector, "spec.selector")` for every group
 * version but extensions/v1beta1 and apps/v1beta1, where the selector followed the template labels).
 */
export const workloadSelectorRules: KindRules = {
  kinds: ["Deployment", "DaemonSet", "ReplicaSet"],
  apiVersions: ["apps/v1", "apps/v1beta2"],
  changes(base, head) {
    const change = selectorChange(getPath(base.body, ["spec", "selector"]), getPath(head.body, ["spec", "selector"]), ["spec", "selector"]);
    return change ? [change] : [];
  },
};

/** A changed label selector at `path`: the API server's "field is immutable" error, with the new selector. */
export function selectorChange(before: unknown, after: unknown, path: readonly string[]): FieldChange | undefined {
  const difference = firstDifference(before, after);
  if (!difference) return undefined;
  const labels = labelChanges(getPath(before, ["matchLabels"]), getPath(after, ["matchLabels"]));
  const expressions = firstDifference(getPath(before, ["matchExpressions"]), getPath(after, ["matchExpressions"]));
  const words = [labels ? `matchLabels ${labels.words}` : undefined, expressions ? "matchExpressions changed" : undefined].filter(Boolean).join("; ");
  return {
    // A changed expression is reported at the expression, not somewhere inside its values.
    path: labels ? labelChangePath([...path, "matchLabels"], labels.firstKey) : [...path, ...difference.slice(0, 2)],
    error: `${path.join(".")}: Invalid value: ${goLabelSelector(after)}: field is immutable`,
    change: `${path.join(".")} ${words}`,
    effect: "rejected",
  };
}
