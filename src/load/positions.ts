import type { Document, Node, Pair } from "yaml";
import { isAlias, isMap, isScalar, isSeq, yamlLib } from "./lazy-yaml.js";
import type { NodePath, Position, SourceDocument } from "./types.js";

// The yaml package is loaded on first use: runs without findings never pay for it.

interface Located {
  range: [number, number];
  depth: number;
}

/**
 * Resolves key paths to source positions. Documents are parsed into a full AST only here, and only
 * once a finding needs a position in them: the fast load path keeps no positions at all.
 */
export class PositionResolver {
  private readonly cache = new Map<SourceDocument, { doc: Document; lines: import("yaml").LineCounter }>();

  /** Position of the key at `path` (key start to value end); the deepest existing ancestor if the path goes further than the document. */
  resolve(source: SourceDocument, path: NodePath): Position {
    const { doc, lines } = this.parsed(source);
    const found = locate(doc, path);
    const start = lines.linePos(found.range[0]);
    const end = lines.linePos(Math.max(found.range[0], found.range[1]));
    return {
      line: source.startLine + start.line - 1,
      column: start.col,
      endLine: source.startLine + end.line - 1,
      endColumn: end.col,
    };
  }

  /**
   * Position of a line/column inside the literal block scalar (`|`, `|-`, `|+`) at `path`: its content
   * starts on the line after the header, every line indented by the block's indentation. Undefined
   * when the value is not such a scalar or its text does not map line for line (then the caller
   * reports at the key). `inner.column` counts UTF-8 bytes; the result counts UTF-16 code units.
   */
  resolveInBlockScalar(source: SourceDocument, path: NodePath, inner: { line: number; column: number }): Position | undefined {
    const { doc, lines } = this.parsed(source);
    const node = nodeAt(doc, path);
    if (!isScalar(node) || node.type !== "BLOCK_LITERAL" || typeof node.value !== "string" || !node.range) return undefined;
    const valueLines = node.value.split("\n");
    const target = valueLines[inner.line - 1];
    if (target === undefined) return undefined;
    const header = lines.linePos(node.range[0]).line;
    const raw = source.text.slice(node.range[0], node.range[1]).split(/\r?\n/).slice(1);
    let indent: number | undefined;
    for (let k = 0; k < inner.line; k++) {
      const value = valueLines[k]!;
      const text = raw[k];
      if (text === undefined) return undefined;
      if (value === "") {
        if (text.trim() !== "") return undefined;
        continue;
      }
      indent ??= text.length - value.length;
      if (indent < 0 || text !== " ".repeat(indent) + value) return undefined;
    }
    if (indent === undefined) return undefined;
    const column = indent + Buffer.from(target, "utf8").subarray(0, Math.max(0, inner.column - 1)).toString("utf8").length + 1;
    // Content line k sits k lines below the header; document line n is file line startLine + n - 1.
    const line = source.startLine + header + inner.line - 1;
    return { line, column, endLine: line, endColumn: indent + target.length + 1 };
  }

  private parsed(source: SourceDocument): { doc: Document; lines: import("yaml").LineCounter } {
    let entry = this.cache.get(source);
    if (!entry) {
      const { LineCounter, parseDocument } = yamlLib();
      const lines = new LineCounter();
      const doc = parseDocument(source.text, { lineCounter: lines, uniqueKeys: false, merge: true, keepSourceTokens: false });
      entry = { doc, lines };
      this.cache.set(source, entry);
    }
    return entry;
  }
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

function locate(doc: Document, path: NodePath): Located {
  const root = doc.contents as Node | null;
  const fallback = firstContentRange(doc);
  if (!root) return { range: fallback, depth: 0 };
  let node: Node | null = root;
  let best: Located = { range: rangeOf(root) ?? fallback, depth: 0 };
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
