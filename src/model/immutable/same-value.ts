import type { NodePath } from "../../load/types.js";
import { isObject } from "../../util/json.js";

/**
 * Whether a value is empty the way the API server's semantic equality sees it: absent, null, `{}` and
 * `[]` are all the same unset field (apimachinery third_party/forked/golang/reflect: "empty and nil
 * slices and maps are equal").
 */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).every((key) => isEmpty(value[key]));
}

/**
 * The first place two manifest values differ, as a path relative to them; undefined when they are the
 * same. Empty values equal absent ones; map key order does not matter, list order does.
 */
export function firstDifference(a: unknown, b: unknown, at: NodePath = []): NodePath | undefined {
  if (isEmpty(a) && isEmpty(b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = i < a.length && i < b.length ? firstDifference(a[i], b[i], [...at, i]) : [...at, i];
      if (found) return found;
    }
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      const found = firstDifference(a[key], b[key], [...at, key]);
      if (found) return found;
    }
    return undefined;
  }
  return a === b ? undefined : at;
}
