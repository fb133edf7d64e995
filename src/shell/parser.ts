import { createRequire } from "node:module";

/**
 * The mvdan/sh parser (the Go `mvdan.cc/sh/v3/syntax` package compiled to JavaScript by GopherJS), read
 * into plain JavaScript objects once per parse. Reading its nodes through the package's JavaScript API
 * wraps every node and copies every slice again on each property access; the analyses read the same
 * nodes many times, and that wrapping was most of their cost. A plain node keeps the Go field names
 * (`stmt.Cmd`, `word.Parts`, `cmd.Op`) and adds `type`, the Go type name (`"CallExpr"`); nil is `null`,
 * slices are arrays, strings are decoded from UTF-8. Positions are read on demand (`positionOf`).
 * Operators are Go token numbers; rather than hard-coding them, `OPS` learns them once from a probe
 * script, so a parser upgrade cannot silently shift them.
 */
// Nodes mirror Go structs of many types; the analyses read the fields they know.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ShNode = any;

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

export interface Operators {
  and: number;
  or: number;
  pipe: number;
  /** Arithmetic: `+ - * / % < <= > >= == != = += -= ++ --`. */
  arith: Record<string, number>;
  /** `[[ ]]` binary tests: `-lt -le -gt -ge -eq -ne`. */
  test: Record<string, number>;
  /** `${X:-d}` and `${X-d}`. */
  defaultUnsetOrNull: number;
  defaultUnset: number;
}

/** A parse: the syntax tree, or the parser's error with its 1-based position when it has one. */
export type ShellSyntaxResult = { ok: true; file: ShNode } | { ok: false; error: string; line?: number; column?: number };

/** Go's `syntax.NodeType` and `syntax.Walk`, over the plain tree. */
export interface PlainSyntax {
  NodeType(node: ShNode): string;
  /** Visits the node and its descendants depth-first, as Go's `syntax.Walk` does: returning false skips a node's children; after a node's children, `visit(null)`. */
  Walk(node: ShNode, visit: (node: ShNode) => boolean): void;
}

export interface ShellParser {
  syntax: PlainSyntax;
  ops: Operators;
  /** The script's syntax tree, or undefined when it does not parse as Bash. */
  parse(script: string): ShNode | undefined;
  /** Like `parse`, with the reason when the script does not parse. */
  parseOrError(script: string): ShellSyntaxResult;
  /** A literal word (`{1..30}`, `a{b,c}`) with its brace expansions as `BraceExp` parts, as Go's `syntax.SplitBraces` reads them. */
  splitBraces(literal: string): ShNode | undefined;
}

/** What turns text into plain trees: mvdan-sh in this thread (`parseHere`), or the shell worker (./shell-worker.ts). */
export interface ShellBackend {
  parseOrError(script: string): ShellSyntaxResult;
  splitBraces(literal: string): ShNode | undefined;
}

let loaded: ShellParser | undefined;
let here: ShellBackend | undefined;
let elsewhere: ShellBackend | undefined;

/** Parses go to `backend` (the shell worker) from now on, or, with undefined, back to this thread. Either gives the same trees. */
export function parseWith(backend: ShellBackend | undefined): void {
  elsewhere = backend;
}

/**
 * The parser the analyses use. It parses in the shell worker when one runs (a large input starts one, so that
 * loading and warming mvdan-sh happens on another core while the YAML is read), else in this thread.
 * Rules read scripts through the run's ShellScripts (./shell-scripts.ts), which parses each script once and
 * applies the configured limits.
 */
export function shellParser(): ShellParser {
  if (loaded) return loaded;
  const parseOrError = (script: string): ShellSyntaxResult => (elsewhere ?? parseHere()).parseOrError(script);
  const parse = (script: string): ShNode | undefined => {
    const result = parseOrError(script);
    return result.ok ? result.file : undefined;
  };
  const splitBraces = (literal: string): ShNode | undefined => (elsewhere ?? parseHere()).splitBraces(literal);
  loaded = { syntax: PLAIN_SYNTAX, ops: learnOperators(parse), parse, parseOrError, splitBraces };
  return loaded;
}

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
        return { ok: false, ...describeError(error) };
      }
      return { ok: true, file: plain(file, file.constructor) };
    },
    splitBraces(literal) {
      let word: Wrapper | undefined;
      try {
        word = go.NewParser(go.Variant(go.LangBash)).Parse(`: ${literal}`, "word").Stmts?.[0]?.Cmd?.Args?.[1];
      } catch {
        return undefined;
      }
      if (!word) return undefined;
      const split = go.SplitBraces(word).__internal_object__;
      return plain(split, split.constructor);
    },
  };
  return here;
}

function describeError(error: unknown): { error: string; line?: number; column?: number } {
  // mvdan-sh throws Go error objects: the message comes from their Error() method, as "name:line:col: text".
  const text = typeof (error as { Error?: unknown })?.Error === "function" ? String((error as { Error(): string }).Error()) : String((error as Error)?.message ?? error);
  const match = /^[^:]*:(\d+):(\d+): (.*)$/s.exec(text);
  return match ? { error: match[3]!, line: Number(match[1]), column: Number(match[2]) } : { error: text };
}

/**
 * A Go value as a plain one, by its static type: pointers to structs and struct values become nodes, slices
 * arrays, interfaces the value they hold, strings (GopherJS keeps Go's UTF-8 bytes, one per char) JavaScript
 * strings. `syntax.Pos` fields are left out; a node that has a position (a Go `syntax.Node`: what Walk visits)
 * gets `pos`, the packed value of its `Pos()`, read with `positionOf`. The result is plain data, so it can be
 * copied between threads.
 */
function plain(value: unknown, type: GoType): unknown {
  switch (type.kind) {
    case KIND.ptr:
      return value === type.nil || value === null || value === undefined ? null : node(value as GoNode, type.elem!);
    case KIND.interface:
      // A nil interface is GopherJS's `$ifaceNil`, a plain object without a Go type.
      return isGoValue(value) ? plain(value, value.constructor) : null;
    case KIND.slice: {
      const slice = value as GoSlice;
      const out = new Array<unknown>(slice.$length);
      for (let i = 0; i < slice.$length; i++) out[i] = plain(slice.$array[slice.$offset + i], type.elem!);
      return out;
    }
    case KIND.string:
      return /[^\x00-\x7f]/.test(value as string) ? Buffer.from(value as string, "latin1").toString("utf8") : value;
    case KIND.struct:
      return node(value as GoNode, type);
    default:
      return value; // booleans and operator numbers
  }
}

function isGoValue(value: unknown): value is GoNode {
  return typeof value === "object" && value !== null && typeof (value as GoNode).constructor?.kind === "number";
}

function node(value: GoNode, struct: GoType): ShNode {
  const out: ShNode = { type: struct.string.slice(struct.string.lastIndexOf(".") + 1) };
  for (const field of struct.fields ?? []) {
    if (!field.exported || field.typ.string === POS) continue;
    out[field.prop] = plain(value[field.prop], field.typ);
  }
  const pos = (value as { Pos?: () => { lineCol: number } }).Pos;
  if (typeof pos === "function") out.pos = pos.call(value).lineCol >>> 0;
  return out;
}

const POS = "syntax.Pos";

/**
 * Where a node starts, 1-based, from the Go node's own `Pos()` method (what it counts as the start differs
 * by type); the column counts UTF-8 bytes. The Go position packs the line into the high 18 bits and the
 * column into the low 14 (mvdan.cc/sh/v3/syntax/nodes.go, `lineBitSize`).
 */
export function positionOf(node: ShNode): { line: number; col: number } {
  const lineCol = typeof node?.pos === "number" ? (node.pos as number) : 0;
  return { line: lineCol >>> 14, col: lineCol & 0x3fff };
}

/** The types Go's `syntax.Walk` visits: those with positions. Other structs (`Expansion`, `Slice`, `Replace`) it looks through. */
function isVisited(node: ShNode): boolean {
  return node.pos !== undefined;
}

/** Fields Go's `syntax.Walk` does not descend into, in the version this package compiles (tested against it). */
const NOT_WALKED: Record<string, readonly string[]> = { DeclClause: ["Variant"], ParamExp: ["Slice"] };

const PLAIN_SYNTAX: PlainSyntax = {
  NodeType: (node) => node.type,
  Walk(root, visit) {
    const walk = (node: ShNode): void => {
      const visited = isVisited(node);
      if (visited && !visit(node)) return;
      const skipped = NOT_WALKED[node.type];
      for (const key in node) {
        if (skipped?.includes(key)) continue;
        const child = node[key];
        if (Array.isArray(child)) {
          for (const item of child) if (item !== null && typeof item === "object") walk(item);
        } else if (child !== null && typeof child === "object") {
          walk(child);
        }
      }
      if (visited) visit(null);
    };
    if (root) walk(root);
  },
};

function learnOperators(parse: (s: string) => ShNode | undefined): Operators {
  const arithOps = ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "=", "+=", "-="];
  const testOps = ["-lt", "-le", "-gt", "-ge", "-eq", "-ne"];
  const probe = [
    "a && b",
    "a || b",
    "a | b",
    ...arithOps.map((op) => `(( x ${op} y ))`),
    "(( x++ ))",
    "(( x-- ))",
    ...testOps.map((op) => `[[ x ${op} y ]]`),
    "echo ${x:-y} ${x-y}",
  ].join("\n");
  const stmts = parse(probe)!.Stmts as ShNode[];
  let i = 0;
  const next = (): ShNode => stmts[i++].Cmd;
  const ops: Operators = { and: next().Op, or: next().Op, pipe: next().Op, arith: {}, test: {}, defaultUnsetOrNull: 0, defaultUnset: 0 };
  for (const op of arithOps) ops.arith[op] = next().X.Op;
  ops.arith["++"] = next().X.Op;
  ops.arith["--"] = next().X.Op;
  for (const op of testOps) ops.test[op] = next().X.Op;
  const echo = next();
  ops.defaultUnsetOrNull = echo.Args[1].Parts[0].Exp.Op;
  ops.defaultUnset = echo.Args[2].Parts[0].Exp.Op;
  return ops;
}
