import { createRequire } from "node:module";

/**
 * mvdan-sh (the Go `mvdan.cc/sh/v3/syntax` package compiled to JavaScript by GopherJS) in this thread, its trees
 * read into plain JavaScript objects once per parse. Reading its nodes through the package's JavaScript API
 * wraps every node and copies every slice again on each property access; the analyses read the same nodes many
 * times, and that wrapping was most of their cost. A plain node keeps the Go field names (`stmt.Cmd`,
 * `word.Parts`, `cmd.Op`) and adds `type`, the Go type name (`"CallExpr"`); nil is `null`, slices are arrays,
 * strings are decoded from UTF-8. The result is plain data, so it can be copied between threads.
 */
// Nodes mirror Go structs of many types; the analyses read the fields they know.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ShNode = any;

/**
 * A parse: the syntax tree; the parser's error with its 1-based position when it has one; a tree nested deeper
 * than MAX_TREE_DEPTH, which is not read; or one this thread could not parse with no deeper stack to turn to.
 */
export type ShellSyntaxResult =
  | { ok: true; file: ShNode }
  | { ok: false; error: string; line?: number; column?: number }
  | { ok: false; tooDeep: true }
  /** This thread's stack ran out and no thread with a deeper one could run (src/shell/parser.ts). */
  | { ok: false; noDeepStack: true };

/**
 * This thread's stack ran out while parsing or reading the tree. The parser recurses once or more per level of
 * nesting, and how deep it gets depends on the stack and on how far the JIT has compiled it (about 120 nested
 * parentheses on the main thread's default stack, cold): the caller parses again on a stack big enough to reach
 * MAX_TREE_DEPTH (src/shell/shell-worker.ts), so whether a script is read never depends on the thread or the load.
 */
export interface StackOverflow {
  ok: false;
  overflow: true;
}

const OVERFLOW: StackOverflow = { ok: false, overflow: true };

export function isOverflow(result: unknown): result is StackOverflow {
  return typeof result === "object" && result !== null && (result as Partial<StackOverflow>).overflow === true;
}

/**
 * Nesting (nodes inside nodes) beyond which a tree is not read: a fixed bound, where the shell worker's stack
 * (src/shell/shell-worker.ts) is several times deeper than any parse of a tree within it needs. Hook and init
 * scripts nest a few dozen levels (a chain of `&&` two per command, a subshell or `$(…)` a few per level).
 */
export const MAX_TREE_DEPTH = 1000;

/** What turns text into plain trees: mvdan-sh in this thread (`parseHere`), or the shell worker. */
export interface ShellBackend {
  parseOrError(script: string): ShellSyntaxResult | StackOverflow;
  /** A literal word with its brace expansions as `BraceExp` parts, as Go's `syntax.SplitBraces` reads them. */
  splitBraces(literal: string): ShNode | undefined | StackOverflow;
}

/** The GopherJS type descriptors the conversion reads: every Go value carries its type as `constructor`. */
interface GoType {
  kind: number;
  string: string;
  elem?: GoType;
  fields?: Array<{ prop: string; exported: boolean; typ: GoType }>;
  nil?: unknown;
}

interface GoNode {
  constructor: GoType;
  [field: string]: unknown;
}

interface GoSlice {
  $array: unknown[];
  $offset: number;
  $length: number;
}

/** A node as the package's JavaScript API hands it out: a wrapper whose getters convert the Go value on each access. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wrapper = { __internal_object__: GoNode; [field: string]: any };

interface Syntax {
  NewParser(...options: unknown[]): { Parse(src: string, name: string): Wrapper };
  SplitBraces(word: Wrapper): Wrapper;
  Variant(lang: unknown): unknown;
  LangBash: unknown;
}

// reflect.Kind numbers, which GopherJS keeps as `kind` on its type descriptors.
const KIND = { interface: 20, ptr: 22, slice: 23, string: 24, struct: 25 } as const;

let here: ShellBackend | undefined;

/**
 * mvdan-sh in this thread, loaded on first use (about 100 ms, and its parser runs slowly until warm); runs
 * without shell scripts (most pre-commit runs) never pay for it. The only place that loads `mvdan-sh`.
 */
export function parseHere(): ShellBackend {
  if (here) return here;
  const go = (createRequire(import.meta.url)("mvdan-sh") as { syntax: Syntax }).syntax;
  here = {
    parseOrError(script) {
      let file: GoNode;
      try {
        file = go.NewParser(go.Variant(go.LangBash)).Parse(script, "script").__internal_object__;
      } catch (error) {
        return isStackOverflow(error) ? OVERFLOW : { ok: false, ...describeError(error) };
      }
      return readTree(() => ({ ok: true, file: plain(file, file.constructor, 0) }), { ok: false, tooDeep: true });
    },
    splitBraces(literal) {
      let word: Wrapper | undefined;
      try {
        word = go.NewParser(go.Variant(go.LangBash)).Parse(`: ${literal}`, "word").Stmts?.[0]?.Cmd?.Args?.[1];
      } catch (error) {
        return isStackOverflow(error) ? OVERFLOW : undefined;
      }
      if (!word) return undefined;
      const parsed = word;
      return readTree(() => {
        const split = go.SplitBraces(parsed).__internal_object__;
        return plain(split, split.constructor, 0);
      }, undefined);
    },
  };
  return here;
}

/** Runs a read of a Go tree: over MAX_TREE_DEPTH gives `tooDeep`, a stack overflow OVERFLOW. */
function readTree<T, D>(read: () => T, tooDeep: D): T | D | StackOverflow {
  try {
    return read();
  } catch (error) {
    if (error === TOO_DEEP) return tooDeep;
    if (isStackOverflow(error)) return OVERFLOW;
    throw error;
  }
}

function isStackOverflow(error: unknown): boolean {
  // GopherJS rethrows JavaScript errors caught as Go panics with the message kept.
  return error instanceof RangeError || /Maximum call stack size exceeded/.test(errorText(error));
}

function describeError(error: unknown): { error: string; line?: number; column?: number } {
  const text = errorText(error);
  const match = /^[^:]*:(\d+):(\d+): (.*)$/s.exec(text);
  return match ? { error: match[3]!, line: Number(match[1]), column: Number(match[2]) } : { error: text };
}

/** mvdan-sh throws Go error objects: the message comes from their Error() method, as "name:line:col: text". */
function errorText(error: unknown): string {
  return typeof (error as { Error?: unknown })?.Error === "function" ? String((error as { Error(): string }).Error()) : String((error as Error)?.message ?? error);
}

const TOO_DEEP = Symbol("tree too deep");

/**
 * A Go value as a plain one, by its static type: pointers to structs and struct values become nodes, slices
 * arrays, interfaces the value they hold, strings (GopherJS keeps Go's UTF-8 bytes, one per char) JavaScript
 * strings. `syntax.Pos` fields are left out; a node that has a position (a Go `syntax.Node`: what Walk visits)
 * gets `pos`, the packed value of its `Pos()` (src/shell/parser.ts `positionOf` reads it).
 */
function plain(value: unknown, type: GoType, depth: number): unknown {
  switch (type.kind) {
    case KIND.ptr:
      return value === type.nil || value === null || value === undefined ? null : node(value as GoNode, type.elem!, depth);
    case KIND.interface:
      // A nil interface is GopherJS's `$ifaceNil`, a plain object without a Go type.
      return isGoValue(value) ? plain(value, value.constructor, depth) : null;
    case KIND.slice: {
      const slice = value as GoSlice;
      const out = new Array<unknown>(slice.$length);
      for (let i = 0; i < slice.$length; i++) out[i] = plain(slice.$array[slice.$offset + i], type.elem!, depth);
      return out;
    }
    case KIND.string:
      return /[^\x00-\x7f]/.test(value as string) ? Buffer.from(value as string, "latin1").toString("utf8") : value;
    case KIND.struct:
      return node(value as GoNode, type, depth);
    default:
      return value; // booleans and operator numbers
  }
}

function isGoValue(value: unknown): value is GoNode {
  return typeof value === "object" && value !== null && typeof (value as GoNode).constructor?.kind === "number";
}

function node(value: GoNode, struct: GoType, depth: number): ShNode {
  if (depth >= MAX_TREE_DEPTH) throw TOO_DEEP;
  const out: ShNode = { type: struct.string.slice(struct.string.lastIndexOf(".") + 1) };
  for (const field of struct.fields ?? []) {
    if (!field.exported || field.typ.string === POS) continue;
    out[field.prop] = plain(value[field.prop], field.typ, depth + 1);
  }
  const pos = (value as { Pos?: () => { lineCol: number } }).Pos;
  if (typeof pos === "function") out.pos = pos.call(value).lineCol >>> 0;
  return out;
}

const POS = "syntax.Pos";
