import { defineRule } from "../src/engine/rule.js";
import { FLUX_FORCE_KEY, forceMarkersOf, templateForceMarkersOf } from "../src/model/flux-force.js";
import { applierOf } from "../src/model/applier.js";
import { helmProvenanceOf } from "../src/model/helm-provenance.js";
import { describe, type K8sObject } from "../src/model/objects.js";
import { updateStrategyOf } from "../src/model/update-strategy.js";

/** What to do instead of relying on the switch under helm-controller, for a Recreate/OnDelete workload. */
function strategyFix(object: K8sObject): string {
  const s = updateStrategyOf(object);
  if (!s?.isNonRolling) return "do not rely on it to recover an invalid upgrade";
  return s.nonRollingType === "Recreate"
    ? "for the Recreate flip, keep RollingUpdate with maxSurge: 0, maxUnavailable: 1"
    : `for the OnDelete flip, remove the live spec.${s.field}.rollingUpdate block once with kubectl patch`;
}

const REMEDIATION =
  "Move the switch to the workload's own `metadata.annotations` and spell it `enabled`, for the one commit " +
  "that needs it, then remove it. For a Helm release, handle the change without it: fix the live object " +
  "once (`kubectl patch`) or avoid the invalid transition (for a strategy flip, keep RollingUpdate with " +
  "`maxSurge: 0, maxUnavailable: 1`). Where the input or the settings say another tool applies the object (Argo " +
  "CD, kubectl, Helm), no value of the switch does anything: remove it.";

export default defineRule({
  meta: {
    id: "force-annotation-ineffective",
    description:
      "`kustomize.toolkit.fluxcd.io/force` where Flux never acts on it: on a pod template, with a value other than `enabled`, or on an object delivered by Helm.",
    rationale:
      "kustomize-controller reads the switch only from the applied object's own labels and annotations and only " +
      "acts on the value `enabled` (any case; fluxcd/pkg `ssa/utils/meta.go` AnyInMetadata). On a pod template it " +
      "is copied onto Pods that Flux never applies, and `\"true\"` is not `enabled`: in both cases the author " +
      "believes an invalid apply (such as a RollingUpdate → Recreate strategy flip) will be recovered by a " +
      "recreate, and it will not (warning). helm-controller does not read the switch at all; an object rendered " +
      "by Helm gets an **info** finding, because the same rendered YAML may also be committed and applied by a " +
      "Flux Kustomization, where the switch does work. `disabled` is an explicit off and is not reported.",
    remediation: REMEDIATION,
    defaultSeverity: "warning",
    example: {
      bad:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n      annotations:\n" +
        "        kustomize.toolkit.fluxcd.io/force: enabled\n    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
      good:
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    kustomize.toolkit.fluxcd.io/force: enabled\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n" +
        "    spec:\n      containers:\n        - name: api\n          image: api:1.0\n",
    },
    tags: ["flux", "helm"],
    precision: "high",
  },
  check({ set, settings, report }) {
    for (const object of set.objects) {
      for (const marker of templateForceMarkersOf(object)) {
        report({
          object,
          path: marker.path,
          message: `${describe(object)}: ${FLUX_FORCE_KEY} on the pod template ${marker.field} does nothing: Flux reads only the ${object.kind}'s own metadata; move it to metadata.annotations`,
        });
      }
      const helm = helmProvenanceOf(object);
      for (const marker of forceMarkersOf(object)) {
        const word = marker.field === "labels" ? "label" : "annotation";
        if (!marker.enabled && marker.value.toLowerCase() !== "disabled") {
          // Under an applier the input or the settings name, other than kustomize-controller, no value would help.
          const applier = applierOf(object, set, settings);
          const fix =
            applier.guessed || applier.id === "flux-kustomize"
              ? `Flux acts only on "enabled"; write enabled, or remove the ${word}`
              : `only Flux kustomize-controller reads it, and ${applier.tool} applies this object (${applier.why}); remove the ${word}`;
          report({ object, path: marker.path, message: `${describe(object)}: ${word} ${FLUX_FORCE_KEY}: "${marker.value}" does nothing: ${fix}` });
        } else if (marker.enabled && helm) {
          report({
            object,
            path: marker.path,
            severity: "info",
            message: `${describe(object)}: ${word} ${FLUX_FORCE_KEY} does nothing if helm-controller installs this object; ${strategyFix(object)}`,
            remediation: `This object looks Helm-delivered (${helm}). Only kustomize-controller reads the switch; helm-controller ignores it. ${REMEDIATION}`,
          });
        }
      }
    }
  },
});
