import type { AnyRule } from "../src/engine/rule.js";
import invalidInput from "./invalid-input.js";
import unrenderedTemplate from "./unrendered-template.js";
import hookBudgetExceedsTimeout from "./hook-budget-exceeds-timeout.js";
import hookAnnotationInvalid from "./hook-annotation-invalid.js";
import hookResourceConsumedAtStart from "./hook-resource-consumed-at-start.js";

/** Every rule, in the order docs and `gitops-lint rules` list them. */
export const rules: AnyRule[] = [invalidInput, unrenderedTemplate];
rules.push(hookBudgetExceedsTimeout);
rules.push(hookAnnotationInvalid);
rules.push(hookResourceConsumedAtStart);

export function findRule(id: string): AnyRule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}
