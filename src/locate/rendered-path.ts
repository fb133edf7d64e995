import type { Document, Node, Pair } from "yaml";
import { isMap, isScalar, isSeq, yamlLib } from "../load/lazy-yaml.js";
import type { SourceDocument } from "../load/types.js";

/** One step of the key path to a position in a rendered document, with what the template walk needs to match it. */
export type PathStep =
  | { key: string; occurrence: number; scalar?: string }
  | { index: number; length: number; identity?: string; leaves?: Map<string, string>; keys?: KeyShapes };

/** The keys (and name) of a sequence item that is a map, and those of its siblings that are maps (its own among them). */
export interface KeyShapes {
  own: ItemShape;
  siblings: ItemShape[];
}

export interface ItemShape {
  keys: string[];
  identity?: string;
}

export interface RenderedPath {
  steps: PathStep[];
  /** The document's `kind`, to choose among several documents in one template file. */
  kind?: string;
}

// Several findings in one document parse it once.
const parsedDocuments = new WeakMap<SourceDocument, Document>();

/**
 * The key path leading to a 1-based line/column of a rendered document: the pairs and sequence items
 * whose ranges contain it. Works for any finding, whether a rule reported it at a key path or a loader
 * reported a raw position (a duplicate key: `occurrence` says which copy).
 */
export function renderedPathAt(document: SourceDocument, line: number, column: number): RenderedPath {
  let parsed = parsedDocuments.get(document);
  if (!parsed) {
    parsed = yamlLib().parseDocument(document.text, { uniqueKeys: false, keepSourceTokens: false });
    parsedDocuments.set(document, parsed);
  }
  const offset = offsetOf(document.text, line - document.startLine + 1, column);
  const steps: PathStep[] = [];
  const root = parsed.contents as Node | null;
  let node: Node | null = root;
  while (node) {
    if (isMap(node)) {
      const items = node.items as Pair[];
      const index = items.findIndex((pair) => {
        const start = (pair.key as Node | null)?.range?.[0];
        const end = (pair.value as Node | null)?.range?.[2] ?? (pair.key as Node | null)?.range?.[2];
        return start !== undefined && end !== undefined && start <= offset && offset < Math.max(end, start + 1);
      });
      if (index === -1) break;
      const pair = items[index]!;
      const key = scalarText(pair.key as Node | null);
      if (key === undefined) break;
      const occurrence = items.slice(0, index).filter((p) => scalarText(p.key as Node | null) === key).length;
      const value = pair.value as Node | null;
      const scalar = isScalar(value) ? scalarText(value) : undefined;
      steps.push({ key, occurrence, ...(scalar !== undefined ? { scalar } : {}) });
      const keyEnd = (pair.key as Node | null)?.range?.[1] ?? 0;
      if (offset < keyEnd) break;
      node = value;
    } else if (isSeq(node)) {
      const items = node.items as Node[];
      const index = items.findIndex((item) => item.range !== undefined && item.range !== null && item.range[0] <= offset && offset < Math.max(item.range[2], item.range[0] + 1));
      if (index === -1) break;
      const item = items[index]!;
      const identity = identityOf(item);
      const leaves = leavesOf(item);
      const keys = isMap(item) ? { own: shapeOf(item), siblings: items.filter(isMap).map(shapeOf) } : undefined;
      steps.push({ index, length: items.length, ...(identity !== undefined ? { identity } : {}), ...(leaves.size > 0 ? { leaves } : {}), ...(keys ? { keys } : {}) });
      node = item;
    } else {
      break;
    }
  }
  const kindPair = isMap(root) ? (root.items as Pair[]).find((p) => scalarText(p.key as Node | null) === "kind") : undefined;
  const kind = kindPair ? scalarText(kindPair.value as Node | null) : undefined;
  return { steps, ...(kind !== undefined ? { kind } : {}) };
}

/** What names a sequence item: its `name` (containers, env, volumes, ports) or its own scalar (args). */
function identityOf(item: Node): string | undefined {
  if (isScalar(item)) return scalarText(item);
  if (isMap(item)) {
    const name = (item.items as Pair[]).find((p) => scalarText(p.key as Node | null) === "name");
    return name ? scalarText(name.value as Node | null) : undefined;
  }
  return undefined;
}

function shapeOf(map: Node): ItemShape {
  const keys = (map as { items: Pair[] }).items.flatMap((p) => {
    const key = scalarText(p.key as Node | null);
    return key === undefined ? [] : [key];
  });
  const identity = identityOf(map);
  return { keys, ...(identity !== undefined ? { identity } : {}) };
}

/** The scalar values inside a map item by their dotted key path (maps only, a few levels deep). */
function leavesOf(item: Node, prefix = "", out = new Map<string, string>(), depth = 0): Map<string, string> {
  if (!isMap(item) || depth > 4) return out;
  for (const pair of item.items as Pair[]) {
    const key = scalarText(pair.key as Node | null);
    if (key === undefined) continue;
    const value = pair.value as Node | null;
    if (isScalar(value)) {
      const text = scalarText(value);
      if (text !== undefined) out.set(prefix + key, text);
    } else if (value) leavesOf(value, `${prefix}${key}.`, out, depth + 1);
  }
  return out;
}

function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  return node.value === null ? undefined : String(node.value);
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset + column - 1;
}
