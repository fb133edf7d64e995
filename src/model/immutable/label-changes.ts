import type { NodePath } from "../../load/types.js";
import { stringMap } from "../../util/json.js";

/** How two label maps differ, in words (`added version: "1.2.0", removed tier`), and where the first change is. */
export function labelChanges(before: unknown, after: unknown): { words: string; firstKey?: string } | undefined {
  const a = stringMap(before);
  const b = stringMap(after);
  const parts: string[] = [];
  let firstKey: string | undefined;
  for (const key of Object.keys(b)) {
    if (a[key] === b[key]) continue;
    parts.push(a[key] === undefined ? `added ${key}: ${JSON.stringify(b[key])}` : `${key}: ${JSON.stringify(a[key])} → ${JSON.stringify(b[key])}`);
    firstKey ??= key;
  }
  for (const key of Object.keys(a)) if (b[key] === undefined) parts.push(`removed ${key}`);
  return parts.length === 0 ? undefined : { words: parts.join(", "), ...(firstKey !== undefined ? { firstKey } : {}) };
}

/** Path to report a label-map change at: the first added or changed key, else the map. */
export function labelChangePath(mapPath: NodePath, firstKey: string | undefined): NodePath {
  return firstKey === undefined ? mapPath : [...mapPath, firstKey];
}
