import type { NodePath } from "../../load/types.js";
import { getPath, isObject } from "../../util/json.js";
import { describeValueChange, dotted } from "./describe-change.js";
import { goQuote } from "./go-format.js";
import { normalizedPodTemplate } from "./pod-template-defaults.js";
import { firstDifference } from "./same-value.js";
import { selectorChange } from "./workload-selector.js";
import type { FieldChange, KindRules } from "./types.js";

/**
 * Job (pkg/apis/batch/validation/validation.go `ValidateJobSpecUpdate`): `selector`, `template`,
 * `completionMode`, `podFailurePolicy`, `backoffLimitPerIndex`, `managedBy` and `successPolicy` are
 * immutable; `completions` too, except on an Indexed Job that changes it together with `parallelism`
 * to the same value (`validateCompletions`, elastic Indexed Jobs). The template's scheduling
 * directives (nodeSelector, tolerations, node affinity, schedulingGates, labels, annotations) may change
 * while the Job is suspended and has never started (`validatePodTemplateUpdate`): taken to be the case
 * when it is suspended at both revisions.
 */
export const jobRules: KindRules = {
  kinds: ["Job"],
  apiVersions: ["batch/v1"],
  changes(base, head) {
    const before = isObject(base.body.spec) ? base.body.spec : {};
    const after = isObject(head.body.spec) ? head.body.spec : {};
    const out: FieldChange[] = [];

    if (!elasticCompletions(before, after) && (before.completions ?? null) !== (after.completions ?? null)) {
      out.push(immutable(["spec", "completions"], goQuote(after.completions), describeValueChange("completions", before.completions, after.completions)));
    }
    // The API server generates the selector when the manifest has none: only a written one can be compared.
    if (before.selector !== undefined) {
      const selector = selectorChange(before.selector, after.selector, ["spec", "selector"]);
      if (selector) out.push(selector);
    }
    const suspended = before.suspend === true && after.suspend === true;
    const template = firstDifference(comparableTemplate(before.template, suspended), comparableTemplate(after.template, suspended));
    if (template) {
      const change = describeValueChange(dotted(["template", ...template]), getPath(before.template, template), getPath(after.template, template));
      out.push({ ...immutable(["spec", "template"], "core.PodTemplateSpec{…}", change), path: ["spec", "template", ...template] });
    }
    for (const field of ["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"]) {
      const defaultValue = field === "completionMode" ? "NonIndexed" : undefined;
      if (!firstDifference(before[field] ?? defaultValue, after[field] ?? defaultValue)) continue;
      const value = after[field];
      const shown = isObject(value) ? `batch.${field[0]!.toUpperCase()}${field.slice(1)}{…}` : goQuote(value ?? defaultValue);
      out.push(immutable(["spec", field], shown, describeValueChange(field, before[field], after[field])));
    }
    return out;
  },
};

function immutable(path: NodePath, shownValue: string, change: string): FieldChange {
  return { path, error: `${path.join(".")}: Invalid value: ${shownValue}: field is immutable`, change, effect: "rejected" };
}

function elasticCompletions(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return after.completionMode === "Indexed" && before.completionMode === "Indexed" && typeof after.completions === "number" && after.completions === after.parallelism;
}

const SCHEDULING_DIRECTIVES = ["nodeSelector", "tolerations", "schedulingGates"];

function comparableTemplate(template: unknown, suspended: boolean): unknown {
  const normalized = normalizedPodTemplate(template);
  if (!suspended) return normalized;
  const spec = { ...(normalized.spec as Record<string, unknown>) };
  for (const key of SCHEDULING_DIRECTIVES) delete spec[key];
  if (isObject(spec.affinity)) spec.affinity = { ...spec.affinity, nodeAffinity: undefined };
  return { metadata: {}, spec };
}
