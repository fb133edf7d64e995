import type { AnyRule } from "../src/engine/rule.js";
import invalidInput from "./invalid-input.js";
import unrenderedTemplate from "./unrendered-template.js";
import optionalRefWithoutReload from "./optional-ref-without-reload.js";
import reloadAnnotationUnmatched from "./reload-annotation-unmatched.js";
import reloaderIgnoresCreation from "./reloader-ignores-creation.js";

/** Every rule, in the order docs and `gitops-lint rules` list them. */
export const rules: AnyRule[] = [invalidInput, unrenderedTemplate];
rules.push(optionalRefWithoutReload, reloadAnnotationUnmatched, reloaderIgnoresCreation);

export function findRule(id: string): AnyRule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}
