import type { AnyRule } from "../src/engine/rule.js";
import invalidInput from "./invalid-input.js";
import unrenderedTemplate from "./unrendered-template.js";
import strategyFlipWithoutForce from "./strategy-flip-without-force.js";
import recreateWithRollingUpdate from "./recreate-with-rolling-update.js";
import inlinePatchDirective from "./inline-patch-directive.js";
import forceAnnotationIneffective from "./force-annotation-ineffective.js";
import forceAnnotationLeftOn from "./force-annotation-left-on.js";

/** Every rule, in the order docs and `gitops-lint rules` list them. */
export const rules: AnyRule[] = [invalidInput, unrenderedTemplate];
rules.push(strategyFlipWithoutForce, recreateWithRollingUpdate, inlinePatchDirective, forceAnnotationIneffective, forceAnnotationLeftOn);

export function findRule(id: string): AnyRule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}
