import { NOTICES } from "../src/engine/notices.js";
import type { AnyRule, Described } from "../src/engine/rule.js";
import apiServerRejects from "./api-server-rejects.js";
import applyOrder from "./apply-order.js";
import duplicateResource from "./duplicate-resource.js";
import duplicateEnvRemoved from "./duplicate-env-removed.js";
import ephemeralStateDir from "./ephemeral-state-dir.js";
import forceAnnotationIneffective from "./force-annotation-ineffective.js";
import forceAnnotationLeftOn from "./force-annotation-left-on.js";
import hookAnnotationInvalid from "./hook-annotation-invalid.js";
import hookBudgetExceedsTimeout from "./hook-budget-exceeds-timeout.js";
import hookResourceConsumedAtStart from "./hook-resource-consumed-at-start.js";
import immutableFieldChanged from "./immutable-field-changed.js";
import inlinePatchDirective from "./inline-patch-directive.js";
import livenessEqualsReadiness from "./liveness-equals-readiness.js";
import optionalRefWithoutReload from "./optional-ref-without-reload.js";
import postbuildVariableUnset from "./postbuild-variable-unset.js";
import recreateWithRollingUpdate from "./recreate-with-rolling-update.js";
import releaseLabelInImmutableField from "./release-label-in-immutable-field.js";
import reloadAnnotationUnmatched from "./reload-annotation-unmatched.js";
import reloaderIgnoresCreation from "./reloader-ignores-creation.js";
import replicasOwnedByAutoscaler from "./replicas-owned-by-autoscaler.js";
import rwoVolumeRollingUpdate from "./rwo-volume-rolling-update.js";
import scriptNotChecked from "./script-not-checked.js";
import ssaDuplicateListKey from "./ssa-duplicate-list-key.js";
import strategyFlipWithoutForce from "./strategy-flip-without-force.js";
import unrenderedTemplate from "./unrendered-template.js";

/** Every rule, in the order docs and `gitops-lint rules` list them: the incident rules first, then the extended set, then input checks. */
export const rules: AnyRule[] = [
  strategyFlipWithoutForce,
  optionalRefWithoutReload,
  ephemeralStateDir,
  hookBudgetExceedsTimeout,
  recreateWithRollingUpdate,
  inlinePatchDirective,
  forceAnnotationIneffective,
  forceAnnotationLeftOn,
  immutableFieldChanged,
  releaseLabelInImmutableField,
  duplicateEnvRemoved,
  reloadAnnotationUnmatched,
  reloaderIgnoresCreation,
  hookResourceConsumedAtStart,
  hookAnnotationInvalid,
  rwoVolumeRollingUpdate,
  livenessEqualsReadiness,
  ssaDuplicateListKey,
  duplicateResource,
  apiServerRejects,
  replicasOwnedByAutoscaler,
  applyOrder,
  unrenderedTemplate,
  postbuildVariableUnset,
  scriptNotChecked,
];

/** What has an id users see: the rules, then the engine's notices (src/engine/notices.ts), for docs, SARIF, `explain` and config. */
export const catalogue: Described[] = [...rules, ...NOTICES];

export function findRule(id: string): Described | undefined {
  return catalogue.find((entry) => entry.meta.id === id);
}
