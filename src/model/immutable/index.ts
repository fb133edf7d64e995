import { groupOf } from "../../util/api-group.js";
import type { K8sObject } from "../objects.js";
import { configDataRules } from "./config-data.js";
import { crdRules } from "./custom-resource-definition.js";
import { ingressClassRules, priorityClassRules, roleBindingRules, storageClassRules } from "./cluster-config.js";
import { jobRules } from "./job.js";
import { claimRules } from "./persistent-volume-claim.js";
import { serviceRules } from "./service.js";
import { statefulSetRules } from "./statefulset.js";
import type { ChangeContext, FieldChange, KindRules } from "./types.js";
import { workloadSelectorRules } from "./workload-selector.js";

export type { ChangeContext, FieldChange } from "./types.js";

const RULES: KindRules[] = [
  workloadSelectorRules,
  statefulSetRules,
  jobRules,
  serviceRules,
  claimRules,
  configDataRules,
  roleBindingRules,
  storageClassRules,
  ingressClassRules,
  priorityClassRules,
  crdRules,
];

/** What in the change from `base` to `head` the API server refuses or ignores; empty when the update goes through. */
export function fieldChangesOf(base: K8sObject, head: K8sObject, context: ChangeContext): FieldChange[] {
  return rulesFor(head)?.changes(base, head, context) ?? [];
}

function rulesFor(object: K8sObject): KindRules | undefined {
  return RULES.find((r) => r.kinds.includes(object.kind) && r.apiVersions.includes(object.apiVersion));
}

/**
 * The error the API server returns for the rejected changes, as every applier prints it inside its
 * own words: `Deployment.apps "api" is invalid: spec.selector: Invalid value: …: field is immutable`
 * (apimachinery pkg/api/errors NewInvalid: one field error as is, several in brackets). An admission
 * plugin's refusal is its own error.
 */
export function apiErrorOf(head: K8sObject, changes: readonly FieldChange[]): string {
  const rejected = changes.filter((c) => c.effect === "rejected");
  const whole = rejected.find((c) => c.wholeError);
  const fieldErrors = [...new Set(rejected.filter((c) => !c.wholeError).map((c) => c.error))];
  if (fieldErrors.length === 0) return whole?.error ?? "";
  const group = groupOf(head.apiVersion);
  const kind = group === "" ? head.kind : `${head.kind}.${group}`;
  return `${kind} ${JSON.stringify(head.name)} is invalid: ${fieldErrors.length === 1 ? fieldErrors[0] : `[${fieldErrors.join(", ")}]`}`;
}
