import type { AnyRule } from "../src/engine/rule.js";
import invalidInput from "./invalid-input.js";
import unrenderedTemplate from "./unrendered-template.js";
import ephemeralStateDir from "./ephemeral-state-dir.js";
import rwoVolumeRollingUpdate from "./rwo-volume-rolling-update.js";
import livenessEqualsReadiness from "./liveness-equals-readiness.js";

/** Every rule, in the order docs and `gitops-lint rules` list them. */
export const rules: AnyRule[] = [invalidInput, unrenderedTemplate, ephemeralStateDir, rwoVolumeRollingUpdate, livenessEqualsReadiness];

export function findRule(id: string): AnyRule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}
