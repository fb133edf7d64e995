/** A key path inside a parsed document: map keys and sequence indexes. */
export type NodePath = ReadonlyArray<string | number>;

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function getPath(value: unknown, path: NodePath): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isObject(current) && typeof segment === "string") current = current[segment];
    else return undefined;
  }
  return current;
}

/**
 * String-valued entries of a map such as labels or annotations; other values are ignored. The map itself
 * when all its values are strings, as they nearly always are (loaded values are never changed).
 */
export function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  for (const key in value) {
    if (typeof value[key] === "string") continue;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
    return out;
  }
  return value as Record<string, string>;
}
