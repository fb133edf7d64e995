import type { Document, LineCounter, Node, Pair } from "yaml";
import { isAlias, isMap, isScalar, isSeq, yamlLib } from "./lazy-yaml.js";
import type { ScannedRange } from "./scan-positions.js";
import type { NodePath } from "./types.js";

// The yaml package is loaded on first use: runs without findings, or whose findings the line scan
// (scan-positions.ts) places, never pay for it.

/** One document's full AST, for the shapes the line scan does not read. */
export interface ParsedForPositions {
  doc: Document;
  lines: LineCounter;
}

export function parseForPositions(text: string): ParsedForPositions {
  const { LineCounter, parseDocument } = yamlLib();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: true, keepSourceTokens: false });
  return { doc, lines };
}

/** The range of the key at `path` (key start to value end), or of the deepest existing ancestor. */
export function astRange(doc: Document, path: NodePath): ScannedRange {
  const root = doc.contents as Node | null;
  const fallback = firstContentRange(doc);
  if (!root) return { range: fallback, depth: 0 };
  let node: Node | null = root;
  let best: ScannedRange = { range: rangeOf(root) ?? fallback, depth: 0 };
  for (let depth = 0; depth < path.length && node; depth++) {
    const segment = path[depth]!;
    node = deref(doc, node);
    if (isMap(node)) {
      const pair = findPair(doc, node.items as Pair[], String(segment), 0);
      if (!pair) break;
      const keyRange = rangeOf(pair.key as Node);
      const valueRange = rangeOf(pair.value as Node);
      if (keyRange) best = { range: [keyRange[0], valueRange?.[1] ?? keyRange[1]], depth: depth + 1 };
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      const itemRange = rangeOf(deref(doc, item));
      if (itemRange) best = { range: itemRange, depth: depth + 1 };
      node = item;
    } else {
      break;
    }
  }
  return best;
}

/** The literal block scalar (`|`, `|-`, `|+`) at exactly `path`: its value and range; null when the node there is something else or missing. */
export function astBlockLiteral(doc: Document, path: NodePath): { value: string; range: [number, number] } | null {
  const node = nodeAt(doc, path);
  if (!isScalar(node) || node.type !== "BLOCK_LITERAL" || typeof node.value !== "string" || !node.range) return null;
  return { value: node.value, range: [node.range[0], node.range[1]] };
}

/** The node at exactly `path`, or undefined. */
function nodeAt(doc: Document, path: NodePath): Node | undefined {
  let node: Node | null = doc.contents as Node | null;
  for (const segment of path) {
    if (!node) return undefined;
    node = deref(doc, node);
    if (isMap(node)) node = (findPair(doc, node.items as Pair[], String(segment), 0)?.value as Node | null) ?? null;
    else if (isSeq(node) && typeof segment === "number") node = (node.items[segment] as Node | undefined) ?? null;
    else return undefined;
  }
  return node ? deref(doc, node) : undefined;
}

/** The last pair with this key (Kubernetes keeps the last duplicate), looking through `<<` merges. */
function findPair(doc: Document, items: Pair[], key: string, depth: number): Pair | undefined {
  let found: Pair | undefined;
  for (const pair of items) {
    const k = pair.key as Node | null;
    if (isScalar(k) && String(k.value) === key) found = pair;
  }
  if (found || depth > 20) return found;
  for (const pair of items) {
    const k = pair.key as Node | null;
    // with `merge: true` the parser turns a `<<` key into a symbol; its source text is still `<<`
    if (!isScalar(k) || k.source !== "<<") continue;
    const sources = isSeq(pair.value) ? (pair.value.items as Node[]) : [pair.value as Node];
    for (const source of sources) {
      const target = deref(doc, source);
      if (isMap(target)) {
        const merged = findPair(doc, target.items as Pair[], key, depth + 1);
        if (merged) return merged;
      }
    }
  }
  return undefined;
}

function deref(doc: Document, node: Node): Node {
  return isAlias(node) ? ((node.resolve(doc) as Node | undefined) ?? node) : node;
}

function rangeOf(node: Node | null | undefined): [number, number] | undefined {
  const range = node?.range;
  return range ? [range[0], range[1]] : undefined;
}

function firstContentRange(doc: Document): [number, number] {
  const range = (doc.contents as Node | null)?.range;
  return range ? [range[0], range[0]] : [0, 0];
}
