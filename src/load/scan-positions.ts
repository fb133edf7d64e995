import { COLON, HASH, lineIndex, lineStarts, plainKey, ScanText, SPACE, TAB, UNSUPPORTED, unsupported } from "./scan-text.js";
import type { NodePath } from "./types.js";

/**
 * Key paths to source ranges by reading the lines of one YAML document, without building its
 * AST: a finding costs a walk down its own path (skipping siblings by their indentation), not a parse of
 * the whole document. The ranges are the `yaml` package's (a pair: its key's start to its value's end; a
 * sequence item: the item), so a position is the same whichever way it was found.
 *
 * It reads the shapes renderers write: block mappings and sequences, plain, quoted, flow and literal
 * values, flow collections on one line or several. Anything else it would have to guess at on the way to
 * the node or at its end — an anchor, tag or alias on the path, a merge key that may hold the key, a key
 * that is not plain text, comments after a collection's last line, kept or indented block scalars — makes
 * it give up (`undefined`), and the caller
 * builds the AST instead (src/load/ast-positions.ts); test/scan-positions.test.ts holds the two to the
 * same answers.
 */
export class LineScan {
  private scanner: Scanner | undefined;
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** The range of the key at `path` (key start to value end), or of the deepest existing ancestor; undefined for a shape not read here. */
  range(path: NodePath): ScannedRange | undefined {
    return this.attempt((scanner) => scanner.locate(path));
  }

  /** The literal block scalar (`|`, `|-`) at exactly `path`: its value and range; null when the node there is something else or missing. */
  blockLiteral(path: NodePath): { value: string; range: [number, number] } | null | undefined {
    return this.attempt((scanner) => {
      const node = scanner.nodeAt(path);
      return node?.kind === "leaf" && node.literal ? { value: node.literal(), range: [node.start(), node.end()] } : null;
    });
  }

  /** 1-based line and column (UTF-16 code units) of an offset, as yaml's LineCounter gives them. */
  linePos(offset: number): { line: number; col: number } {
    this.starts ??= lineStarts(this.text);
    const line = lineIndex(this.starts, offset);
    return { line: line + 1, col: offset - this.starts[line]! + 1 };
  }

  private attempt<T>(read: (scanner: Scanner) => T): T | undefined {
    try {
      this.scanner ??= new Scanner(this.text, (this.starts ??= lineStarts(this.text)));
      return read(this.scanner);
    } catch (error) {
      if (error === UNSUPPORTED) return undefined;
      throw error;
    }
  }
}

export interface ScannedRange {
  range: [number, number];
  /** How many path segments exist (the range is the deepest existing ancestor's). */
  depth: number;
}

/** A block mapping: its keys start at column `indent`, the first one at `line` (after `- ` when it is a sequence item). */
interface MapNode {
  kind: "map";
  indent: number;
  line: number;
}

/** A block sequence: its `-` indicators at column `indent`, the first one on `line`. */
interface SeqNode {
  kind: "seq";
  indent: number;
  line: number;
}

/**
 * A node read whole where it starts: a scalar, a flow collection, an alias. `end` is the yaml package's
 * range[1] (the value's end), `nodeEnd` its range[2] (past the comment and newline after it), which is
 * what a collection ending with this node ends at. Each throws when the shape is not one read exactly.
 */
interface LeafNode {
  kind: "leaf";
  /** An alias: a path that goes on into it, or an item that is one, takes its anchor's node, which is not looked up here. */
  alias: boolean;
  /** A flow collection (`[…]`, `{…}`), which a path may go on into. */
  flow: boolean;
  start(): number;
  end(): number;
  nodeEnd(): number;
  /** For a literal block scalar: its value as the yaml package reads it. */
  literal?: () => string;
}

type ScanNode = MapNode | SeqNode | LeafNode;

/** A leaf that is neither an alias nor a flow collection. */
function scalar(start: number, end: () => number, nodeEnd: () => number): LeafNode {
  return { kind: "leaf", alias: false, flow: false, start: () => start, end, nodeEnd };
}

/** An entry of a flow collection: a mapping's pair (`key` set, undefined when not plain text), or a sequence's item. */
interface FlowEntry {
  keyStart: number;
  key?: string | undefined;
  value: LeafNode;
}

interface Entry {
  line: number;
  keyStart: number;
  /** The key's text; undefined when it is plain text the core schema reads as something else (`0x1F`, `True`, `~`). */
  key: string | undefined;
  /** Just past the `:`. */
  afterColon: number;
  indent: number;
}

class Scanner extends ScanText {
  private top: MapNode | SeqNode | undefined;

  constructor(text: string, starts: number[]) {
    super(text, starts);
    if (text.includes("\r") || text.charCodeAt(0) === 0xfeff) unsupported();
  }

  locate(path: NodePath): ScannedRange {
    const root = this.root();
    let best = { start: () => this.startOf(root), node: root as ScanNode, depth: 0 };
    for (let depth = 0; depth < path.length; depth++) {
      const next = this.step(best.node, path[depth]!);
      if (!next) break;
      best = { ...next, depth: depth + 1 };
    }
    return { range: [best.start(), this.endOf(best.node)], depth: best.depth };
  }

  /** The node at exactly `path`; undefined when the path does not exist. */
  nodeAt(path: NodePath): ScanNode | undefined {
    let node: ScanNode = this.root();
    for (const segment of path) {
      const next = this.step(node, segment);
      if (!next) return undefined;
      node = next.node;
    }
    if (node.kind === "leaf" && node.alias) unsupported();
    return node;
  }

  /**
   * One step down the path: a mapping's entry (its range starts at the key) or a sequence's item;
   * undefined where the path leaves the document.
   */
  private step(node: ScanNode, segment: string | number): { start: () => number; node: ScanNode } | undefined {
    if (node.kind === "leaf" && node.alias) unsupported();
    if (node.kind === "map") {
      const entry = this.find(node, String(segment));
      return entry && { start: () => entry.keyStart, node: this.valueOf(entry) };
    }
    if (node.kind === "seq" && typeof segment === "number") {
      const item = this.item(node, segment);
      if (item?.kind === "leaf" && item.alias) unsupported();
      return item && { start: () => this.startOf(item), node: item };
    }
    if (node.kind === "leaf" && node.flow) {
      const entries = this.flowEntries(node.start());
      if (this.text.charCodeAt(node.start()) === 0x7b /* { */) {
        let found: FlowEntry | undefined;
        for (const entry of entries) {
          if (entry.key === undefined) unsupported();
          if (entry.key === String(segment)) found = entry;
        }
        if (!found && entries.some((entry) => entry.key === "<<")) unsupported();
        return found && { start: () => found.keyStart, node: found.value };
      }
      const item = typeof segment === "number" ? entries[segment] : undefined;
      if (item?.value.alias) unsupported();
      return item && { start: () => item.value.start(), node: item.value };
    }
    return undefined;
  }

  /** The document's top node: after leading comments and a bare `---`; a mapping or a sequence. */
  private root(): MapNode | SeqNode {
    if (this.top) return this.top;
    let line = this.nextContent(0);
    const start = this.starts[line] ?? 0;
    if (line < this.lineCount && this.text.startsWith("---", start)) {
      // a bare marker, or one followed by a comment; content on the marker line is not read here
      const end = this.lineEnd(line);
      const rest = this.skipBlanks(start + 3, end);
      if (rest !== end && (rest === start + 3 || this.text.charCodeAt(rest) !== HASH)) unsupported();
      line = this.nextContent(line + 1);
    }
    if (line >= this.lineCount || this.text.charCodeAt(this.starts[line]!) === 0x25 /* % */) unsupported();
    const indent = this.indentOf(line);
    this.top = this.isDash(this.starts[line]! + indent) ? { kind: "seq", indent, line } : { kind: "map", indent, line };
    return this.top;
  }

  /** The entry with this key (the last one: Kubernetes keeps the last duplicate); a merge key that might hold it is not followed. */
  private find(map: MapNode, key: string): Entry | undefined {
    let found: Entry | undefined;
    let merge = false;
    this.entries(map, (entry) => {
      if (entry.key === undefined) unsupported();
      if (entry.key === key) found = entry;
      else if (entry.key === "<<") merge = true;
    });
    if (!found && merge) unsupported();
    return found;
  }

  /** Calls `each` for every entry of the mapping, in order; returns the last. */
  private entries(map: MapNode, each?: (entry: Entry) => void): Entry {
    let line = map.line;
    for (;;) {
      const entry = this.key(line, this.starts[line]! + map.indent, map.indent) ?? unsupported();
      each?.(entry);
      // `key:` then `- item` at the key's own column: a sequence that is the entry's value
      const next = this.nextAt(this.lineOf(this.skipInline(entry.afterColon, this.lineEnd(line))) + 1, map.indent, true);
      if (next.line >= this.lineCount) return entry;
      if (next.indent < map.indent) {
        // less indented than the top node: not a document read here
        if (map === this.root()) unsupported();
        return entry;
      }
      line = next.line;
    }
  }

  /** The entries of a sequence, up to `index` (all when undefined); returns the node of item `index`, or of the last. */
  private item(seq: SeqNode, index?: number): ScanNode | undefined {
    let line = seq.line;
    for (let i = 0; ; i++) {
      const dash = this.starts[line]! + seq.indent;
      if (!this.isDash(dash)) unsupported();
      const content = this.skipBlanks(dash + 1, this.lineEnd(line));
      const next = this.nextAt(this.lineOf(this.skipInline(content, this.lineEnd(line))) + 1, seq.indent, false);
      const last = next.line >= this.lineCount || next.indent < seq.indent || !this.isDash(this.starts[next.line]! + next.indent);
      if (last && next.line < this.lineCount && seq === this.root()) unsupported();
      if (i === index || (last && index === undefined)) return this.itemNode(line, content, seq.indent);
      if (last) return undefined;
      line = next.line;
    }
  }

  /**
   * From `line` on, the first line with content at column `indent` or left of it (and its column): the
   * lines between belong to the value before. With `compactSeq`, a `- ` at the column does too.
   */
  private nextAt(line: number, indent: number, compactSeq: boolean): { line: number; indent: number } {
    for (; line < this.lineCount; line++) {
      if (this.deeper(line, indent)) continue;
      const column = this.indentOf(line);
      if (column === -1 || column > indent || this.isComment(line, column)) continue;
      this.refuseTab(line, column);
      if (compactSeq && column === indent && this.isDash(this.starts[line]! + column)) continue;
      return { line, indent: column };
    }
    return { line, indent: -1 };
  }

  /** Past a value that starts on this line and may go on over others (a quoted scalar or a flow collection). */
  private skipInline(from: number, lineEnd: number): number {
    const p = this.skipBlanks(from, lineEnd);
    const c = this.text.charCodeAt(p);
    if (p < lineEnd && (c === 0x22 || c === 0x27 || c === 0x5b || c === 0x7b)) {
      const end = c === 0x22 || c === 0x27 ? this.quotedEnd(p) : this.flowEnd(p);
      if (end > lineEnd) return end;
    }
    return from;
  }

  /**
   * The entry whose key starts at `p` (at column `indent` of its line), or undefined when the text there is
   * not a key followed by `:`. Keys are plain or quoted text on one line.
   */
  private key(line: number, p: number, indent: number): Entry | undefined {
    const end = this.lineEnd(line);
    const c = this.text.charCodeAt(p);
    let key: string | undefined;
    let colon: number;
    if (c === 0x22 || c === 0x27) {
      const close = this.quotedEnd(p);
      if (close > end) return undefined;
      const inner = this.text.slice(p + 1, close - 1);
      if (c === 0x22 && inner.includes("\\")) unsupported();
      key = c === 0x27 ? inner.replaceAll("''", "'") : inner;
      colon = this.skipBlanks(close, end);
      if (this.text.charCodeAt(colon) !== COLON) return undefined;
    } else {
      if (p >= end || "-?:,[]{}#&*!|>'\"%@`".includes(this.text[p]!)) return undefined;
      colon = -1;
      for (let i = p; i < end; i++) {
        const ch = this.text.charCodeAt(i);
        if (ch === HASH && (this.text.charCodeAt(i - 1) === SPACE || this.text.charCodeAt(i - 1) === TAB)) return undefined;
        if (ch === COLON && (i + 1 === end || this.text.charCodeAt(i + 1) === SPACE || this.text.charCodeAt(i + 1) === TAB)) {
          colon = i;
          break;
        }
      }
      if (colon === -1) return undefined;
      key = plainKey(this.text.slice(p, colon).trimEnd());
    }
    const after = this.text.charCodeAt(colon + 1);
    if (colon + 1 < end && after !== SPACE && after !== TAB) unsupported();
    return { line, keyStart: p, key, afterColon: colon + 1, indent };
  }

  /** The value of an entry: inline after its `:`, or the block on the lines below. */
  private valueOf(entry: Entry): ScanNode {
    const end = this.lineEnd(entry.line);
    const p = this.skipBlanks(entry.afterColon, end);
    if (p === end || this.text.charCodeAt(p) === HASH) return this.below(entry.line, entry.indent, p, p < end, true);
    return this.inline(entry.line, p, entry.indent);
  }

  /** The node of a sequence item whose content starts at `p` (after `- `). */
  private itemNode(line: number, p: number, indent: number): ScanNode {
    const end = this.lineEnd(line);
    if (p === end || this.text.charCodeAt(p) === HASH) {
      const node = this.below(line, indent, p, p < end, false);
      // an empty item's position counts back over the `-`'s spaces: not read here
      return node.kind === "leaf" ? unsupported() : node;
    }
    if (this.isDash(p)) unsupported();
    if (this.key(line, p, p - this.starts[line]!)) return { kind: "map", indent: p - this.starts[line]!, line };
    return this.inline(line, p, indent);
  }

  /**
   * The node on the lines after `line` that belongs to a parent at column `indent`: a block mapping or
   * sequence indented further (a sequence may also start at the parent's column after a key), else an
   * empty value, which yaml places at `emptyAt` (after the `:` and the spaces after it).
   */
  private below(line: number, indent: number, emptyAt: number, inlineComment: boolean, compactSeq: boolean): ScanNode {
    let comments = inlineComment;
    const next = this.nextContent(line + 1, () => (comments = true));
    if (next < this.lineCount) {
      const column = this.indentOf(next);
      const at = this.starts[next]! + column;
      if (this.isDash(at) && (column > indent || (column === indent && compactSeq))) return { kind: "seq", indent: column, line: next };
      if (column > indent) return this.key(next, at, column) ? { kind: "map", indent: column, line: next } : unsupported();
    }
    // yaml ends an empty value after the comments that follow it
    return scalar(emptyAt, () => emptyAt, () => (comments ? unsupported() : emptyAt));
  }

  /** A value that starts at `p` on `line`, in a parent at column `indent`. */
  private inline(line: number, p: number, indent: number): LeafNode {
    const c = this.text.charCodeAt(p);
    if (c === 0x7c /* | */ || c === 0x3e /* > */) return this.blockScalar(line, p, indent);
    if ("&!%@`".includes(this.text[p]!) || this.isDash(p) || this.isIndicator(p, 0x3f /* ? */)) unsupported();
    let valueEnd: () => number;
    if (c === 0x22 || c === 0x27) valueEnd = () => this.quotedEnd(p);
    else if (c === 0x5b || c === 0x7b) valueEnd = () => this.flowEnd(p);
    else if (c === 0x2a /* * */) valueEnd = () => this.aliasEnd(p);
    else valueEnd = () => this.plainEnd(line, p, indent);
    const end = (): number => {
      const e = valueEnd();
      // after the value only spaces and a comment: anything else is a shape not read here
      const lineEnd = this.lineEnd(this.lineOf(e));
      const rest = this.skipBlanks(e, lineEnd);
      if (rest < lineEnd && (this.text.charCodeAt(rest) !== HASH || rest === e)) unsupported();
      return e;
    };
    return {
      kind: "leaf",
      alias: c === 0x2a,
      flow: c === 0x5b || c === 0x7b,
      start: () => p,
      end,
      nodeEnd: () => this.afterLine(this.lineOf(end())),
    };
  }

  /** A plain scalar: to a comment or the end of the line, and on over more-indented lines. */
  private plainEnd(line: number, p: number, indent: number): number {
    let end = this.plainLineEnd(p, this.lineEnd(line));
    for (let next = line + 1; end.open && next < this.lineCount; next++) {
      const column = this.indentOf(next);
      if (column === -1) continue;
      if (column <= indent || this.isComment(next, column)) break;
      end = this.plainLineEnd(this.starts[next]! + column, this.lineEnd(next));
    }
    return end.at;
  }

  /**
   * The entries of the flow collection opening at `p`. Read: pairs with a plain or quoted key and a value,
   * items; not a pair without a value, a pair inside a sequence, or a plain scalar over several lines.
   */
  private flowEntries(p: number): FlowEntry[] {
    const map = this.text.charCodeAt(p) === 0x7b;
    const close = map ? 0x7d : 0x5d;
    const entries: FlowEntry[] = [];
    let i = this.skipFlowSpace(p + 1);
    if (this.text.charCodeAt(i) === close) return entries;
    for (;;) {
      const keyStart = i;
      let key: string | undefined;
      if (map) {
        ({ key, after: i } = this.flowKey(i));
        i = this.skipFlowSpace(i);
      }
      const value = this.flowValue(i);
      entries.push(map ? { keyStart, key, value } : { keyStart, value });
      i = this.skipFlowSpace(value.end());
      const c = this.text.charCodeAt(i);
      if (c === close) return entries;
      if (c !== 0x2c /* , */) unsupported();
      i = this.skipFlowSpace(i + 1);
      // a trailing comma
      if (this.text.charCodeAt(i) === close) return entries;
    }
  }

  /** A flow mapping's key at `p` and the offset past its `:`. */
  private flowKey(p: number): { key: string | undefined; after: number } {
    const c = this.text.charCodeAt(p);
    if (c === 0x22 || c === 0x27) {
      const close = this.quotedEnd(p);
      const inner = this.text.slice(p + 1, close - 1);
      if ((c === 0x22 && inner.includes("\\")) || inner.includes("\n")) unsupported();
      const colon = this.skipBlanks(close, this.text.length);
      if (this.text.charCodeAt(colon) !== COLON) unsupported();
      return { key: c === 0x27 ? inner.replaceAll("''", "'") : inner, after: colon + 1 };
    }
    if ("-?:,[]{}#&*!|>'\"%@`".includes(this.text[p] ?? ",")) unsupported();
    for (let i = p; i < this.text.length; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 0x0a || ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d) unsupported();
      if (ch === HASH && (this.text.charCodeAt(i - 1) === SPACE || this.text.charCodeAt(i - 1) === TAB)) unsupported();
      const next = this.text.charCodeAt(i + 1);
      if (ch === COLON && (next === SPACE || next === TAB || next === 0x0a)) return { key: plainKey(this.text.slice(p, i).trimEnd()), after: i + 1 };
    }
    return unsupported();
  }

  /** A value inside a flow collection, starting at `p`. */
  private flowValue(p: number): LeafNode {
    const c = this.text.charCodeAt(p);
    let end: number;
    if (c === 0x5b || c === 0x7b) end = this.flowEnd(p);
    else if (c === 0x22 || c === 0x27) end = this.quotedEnd(p);
    else if (c === 0x2a /* * */) end = this.aliasEnd(p);
    else if (p >= this.text.length || ",]}#&!|>%@`".includes(this.text[p]!) || this.isDash(p) || this.isIndicator(p, 0x3f)) return unsupported();
    else {
      let i = p;
      for (; i < this.text.length; i++) {
        const ch = this.text.charCodeAt(i);
        if (ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d) break;
        if (ch === HASH && (this.text.charCodeAt(i - 1) === SPACE || this.text.charCodeAt(i - 1) === TAB)) break;
        const next = this.text.charCodeAt(i + 1);
        if (ch === 0x0a || (ch === COLON && (next === SPACE || next === TAB || next === 0x0a || next === 0x2c || next === 0x5d || next === 0x7d))) unsupported();
      }
      end = i;
      while (end > p && (this.text.charCodeAt(end - 1) === SPACE || this.text.charCodeAt(end - 1) === TAB)) end--;
    }
    return { kind: "leaf", alias: c === 0x2a, flow: c === 0x5b || c === 0x7b, start: () => p, end: () => end, nodeEnd: unsupported };
  }

  /**
   * A block scalar whose header is at `p`, in a parent at column `indent`. Read: `|`, `|-`, `>`, `>-` with
   * content; it ends with its last content line. Kept trailing lines (`+`), an indentation indicator,
   * whitespace-only lines at the end, or a line less indented than the content are refused.
   */
  private blockScalar(line: number, p: number, indent: number): LeafNode {
    const header = /^[|>]-?[ \t]*(?:#.*)?$/.exec(this.text.slice(p, this.lineEnd(line)));
    if (!header) unsupported();
    let trim = -1;
    let last = -1;
    let next = line + 1;
    for (; next < this.lineCount; next++) {
      const start = this.starts[next]!;
      const end = this.lineEnd(next);
      let column = 0;
      while (start + column < end && this.text.charCodeAt(start + column) === SPACE) column++;
      if (start + column === end) {
        // a line of spaces only: before the content, yaml may take its indentation for the content's; at the end, see below
        if (column > 0 && trim === -1) unsupported();
        continue;
      }
      if (this.text.charCodeAt(start + column) === TAB) unsupported();
      if (trim === -1) {
        if (column <= indent) break;
        trim = column;
      }
      if (column < trim) {
        if (column > indent && this.text.charCodeAt(start + column) !== HASH) unsupported();
        break;
      }
      last = next;
    }
    if (last === -1) unsupported();
    // whitespace-only lines after the content, before what follows
    for (let l = last + 1; l < next; l++) if (this.lineEnd(l) > this.starts[l]!) unsupported();
    const end = this.afterLine(last);
    const node = scalar(p, () => end, () => end);
    if (this.text.charCodeAt(p) !== 0x7c /* | */) return node;
    node.literal = () => {
      const lines: string[] = [];
      for (let l = line + 1; l <= last; l++) lines.push(this.text.slice(this.starts[l]! + Math.min(trim, this.lineEnd(l) - this.starts[l]!), this.lineEnd(l)));
      // leading empty lines are kept as empty lines; clip keeps one final newline, strip none
      return lines.join("\n") + (header[0].startsWith("|-") ? "" : "\n");
    };
    return node;
  }

  private startOf(node: ScanNode): number {
    if (node.kind === "leaf") return node.start();
    if (node.kind === "seq") return this.starts[node.line]! + node.indent;
    return this.entryOf(node).keyStart;
  }

  /** The first entry of a mapping (a compact one starts after its item's `- `). */
  private entryOf(map: MapNode): Entry {
    return this.key(map.line, this.starts[map.line]! + map.indent, map.indent) ?? unsupported();
  }

  /** yaml's range[1]: for a collection, where its last node ends (past that node's comment and newline). */
  private endOf(node: ScanNode): number {
    if (node.kind === "leaf") return node.end();
    const last = node.kind === "map" ? this.valueOf(this.entries(node)) : this.item(node)!;
    const end = last.kind === "leaf" ? last.nodeEnd() : this.endOf(last);
    // comments after a collection's last line end its range in yaml: not read here
    this.nextContent(this.lineOf(end) + (end === this.starts[this.lineOf(end)] ? 0 : 1), unsupported);
    return end;
  }
}
