import type { NodePath } from "../../load/types.js";
import { isObject } from "../../util/json.js";
import { isEmpty } from "./same-value.js";

/** `spec.serviceName: "db" → "db-headless"`: a changed value in words, at a path relative to `base`/`head`. */
export function describeValueChange(label: string, before: unknown, after: unknown): string {
  return `${label}: ${shown(before)} → ${shown(after)}`;
}

function shown(value: unknown): string {
  if (isEmpty(value)) return "(unset)";
  if (Array.isArray(value) || isObject(value)) {
    const json = JSON.stringify(value);
    return json.length <= 60 ? json : `${json.slice(0, 57)}…`;
  }
  return JSON.stringify(value);
}

/** A path for messages: `volumeClaimTemplates[0].spec.resources`. */
export function dotted(path: NodePath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
