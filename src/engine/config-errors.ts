import type { ErrorObject } from "ajv";
import type { NodePath } from "../load/types.js";
import { closestName } from "../util/closest-name.js";
import type { Described } from "./rule.js";
import { SEVERITIES } from "./severity.js";
import { didYouMean } from "./unknown-rule.js";

// What a setting expects, said the way users write it, where the JSON type alone ("must be string") does not tell.
const EXPECTED: Record<string, string> = {
  releaseTimeout: "a duration like 10m or 1h30m",
  "limits.maxFileSize": "a size like 64MB or a number of bytes",
};

// JSON Schema's types, in the words of the YAML the user wrote.
const YAML_TYPES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  boolean: "true or false",
  integer: "a whole number",
  number: "a number",
  null: "empty",
};

/**
 * The one config mistake to report, from ajv's errors (collected with allErrors and verbose): where it is
 * and what to write instead. A rule entry is a severity or a mapping (a oneOf in the schema): only the errors
 * of the form the user wrote count, so a mistyped `option:` key is an unknown key, not a bad severity.
 */
export function configProblem(errors: ErrorObject[], config: unknown, rules: readonly Described[]): { path: NodePath; message: string } {
  const relevant = errors.filter((error) => error.keyword !== "oneOf" && inChosenBranch(error, config));
  const entry = errors.find((error) => error.keyword === "oneOf");
  if (relevant.length === 0 && entry) {
    const path = pathOf(entry);
    return { path, message: `${path.join(".")} must be a severity (${SEVERITIES.join(", ")}) or a mapping with severity and options, got ${shown(valueAt(config, path))}` };
  }
  const error = [...(relevant.length > 0 ? relevant : errors)].sort((a, b) => b.instancePath.length - a.instancePath.length)[0]!;
  const path = pathOf(error);
  const name = path.join(".");
  const value = valueAt(config, path);

  if (error.keyword === "additionalProperties") {
    const key = String(error.params.additionalProperty);
    if (name === "rules") return { path: [...path, key], message: `unknown rule "${key}"; ${didYouMean(key, rules.map((r) => r.meta.id))}` };
    const known = Object.keys((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
    const suggestion = closestName(key, known);
    // A rule's options object with no properties: the rule takes none, which says more than an empty list.
    const none = known.length === 0 && path.length === 3 && path[0] === "rules" && path[2] === "options" ? `; ${path[1]} takes no options` : "";
    const hint = suggestion !== undefined ? `; did you mean "${suggestion}"?` : known.length > 0 ? ` (known: ${known.join(", ")})` : none;
    return { path: [...path, key], message: `unknown key "${key}"${name ? ` in ${name}` : ""}${hint}` };
  }
  if (error.keyword === "enum") {
    const allowed = (error.params.allowedValues as unknown[]).map(String);
    const suggestion = typeof value === "string" ? closestName(value, allowed) : undefined;
    const what = allowed.join(",") === SEVERITIES.join(",") ? "severity" : "value";
    return { path, message: `${name}: unknown ${what} ${shown(value)}${suggestion !== undefined ? `; did you mean "${suggestion}"?` : ""} (${allowed.join(", ")})` };
  }
  if (error.keyword === "type") {
    const type = String(error.params.type).split(",").map((t) => YAML_TYPES[t] ?? t).join(" or ");
    return { path, message: `${name || "the config"} must be ${EXPECTED[name] ?? type}, got ${shown(value)}` };
  }
  return { path, message: `${name || "the config"} ${error.message ?? "is invalid"}, got ${shown(value)}` };
}

// `oneOf/0` is the severity form of a rule entry, `oneOf/1` the mapping form.
function inChosenBranch(error: ErrorObject, config: unknown): boolean {
  const branch = /\/oneOf\/(\d+)(\/|$)/.exec(error.schemaPath);
  if (!branch) return true;
  const entry = valueAt(config, pathOf(error).slice(0, 2));
  return branch[1] === "0" ? typeof entry === "string" : typeof entry === "object" && entry !== null && !Array.isArray(entry);
}

function pathOf(error: ErrorObject): NodePath {
  return error.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAt(root: unknown, path: NodePath): unknown {
  let value = root;
  for (const key of path) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[String(key)] : undefined;
  return value;
}

function shown(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value) ?? String(value);
}
