import { createRequire } from "node:module";

/**
 * The mvdan/sh parser (the Go `mvdan.cc/sh/v3/syntax` package compiled to JavaScript by GopherJS).
 * Its nodes mirror the Go structs: fields are read as plain properties (`stmt.Cmd`, `word.Parts`),
 * positions through `node.Pos().Line()` / `.Col()` (1-based; the column counts UTF-8 bytes), and the
 * node type through `syntax.NodeType(node)`. Operators are Go token numbers; rather than hard-coding
 * them, `OPS` learns them once from a probe script, so a parser upgrade cannot silently shift them.
 */
// The package ships no type declarations; nodes are untyped Go structs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ShNode = any;

interface Syntax {
  NewParser(...options: unknown[]): { Parse(src: string, name: string): ShNode };
  NodeType(node: ShNode): string;
  SplitBraces(word: ShNode): ShNode;
  /** Visits the node and its children depth-first; returning false skips a node's children. */
  Walk(node: ShNode, visit: (node: ShNode) => boolean): void;
  Variant(lang: unknown): unknown;
  LangBash: unknown;
}

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

export interface ShellParser {
  syntax: Syntax;
  ops: Operators;
  /** The script's syntax tree, or undefined when it does not parse as Bash. */
  parse(script: string): ShNode | undefined;
  /** Like `parse`, with the reason when the script does not parse. */
  parseOrError(script: string): ShellSyntaxResult;
}

let loaded: ShellParser | undefined;

/**
 * Loads the parser on first use (about 150 ms); runs without shell scripts (most pre-commit runs) never pay
 * for it. This is the only module that loads `mvdan-sh`; rules read scripts through the run's ShellScripts
 * (./shell-scripts.ts), which parses each script once and applies the configured limits.
 */
export function shellParser(): ShellParser {
  if (loaded) return loaded;
  const syntax = (createRequire(import.meta.url)("mvdan-sh") as { syntax: Syntax }).syntax;
  const parseOrError = (script: string): ShellSyntaxResult => {
    try {
      return { ok: true, file: syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(script, "script") };
    } catch (error) {
      return { ok: false, ...describeError(error) };
    }
  };
  const parse = (script: string): ShNode | undefined => {
    const result = parseOrError(script);
    return result.ok ? result.file : undefined;
  };
  loaded = { syntax, ops: learnOperators(syntax, parse), parse, parseOrError };
  return loaded;
}

function describeError(error: unknown): { error: string; line?: number; column?: number } {
  // mvdan-sh throws Go error objects: the message comes from their Error() method, as "name:line:col: text".
  const text = typeof (error as { Error?: unknown })?.Error === "function" ? String((error as { Error(): string }).Error()) : String((error as Error)?.message ?? error);
  const match = /^[^:]*:(\d+):(\d+): (.*)$/s.exec(text);
  return match ? { error: match[3]!, line: Number(match[1]), column: Number(match[2]) } : { error: text };
}

function learnOperators(syntax: Syntax, parse: (s: string) => ShNode | undefined): Operators {
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
  void syntax;
  return ops;
}
