import { isOverflow, parseHere, type ShellBackend, type ShellSyntaxResult, type ShNode, type StackOverflow } from "./go-tree.js";
import { deepStackParser, runningShellWorker } from "./shell-worker.js";

export type { ShellSyntaxResult, ShNode } from "./go-tree.js";

/**
 * The shell parser the analyses use: mvdan/sh's trees as plain objects (./go-tree.ts), parsed in the shell
 * worker when one runs (./shell-worker.ts), else in this thread. Positions are read with `positionOf`, the tree
 * walked with Go's `syntax.Walk` order. Operators are Go token numbers; rather than hard-coding them, `ops`
 * learns them once from a probe script, so a parser upgrade cannot silently shift them.
 */

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

let loaded: ShellParser | undefined;

/**
 * The parser. Rules read scripts through the run's ShellScripts (./shell-scripts.ts), which parses each script
 * once and applies the configured limits.
 */
export function shellParser(): ShellParser {
  if (loaded) return loaded;
  const parseOrError = (script: string): ShellSyntaxResult => onDeepEnoughStack((backend) => backend.parseOrError(script), { ok: false, noDeepStack: true });
  const parse = (script: string): ShNode | undefined => {
    const result = parseOrError(script);
    return result.ok ? result.file : undefined;
  };
  const splitBraces = (literal: string): ShNode | undefined => onDeepEnoughStack((backend) => backend.splitBraces(literal), undefined);
  loaded = { syntax: PLAIN_SYNTAX, ops: learnOperators(parse), parse, parseOrError, splitBraces };
  return loaded;
}

/**
 * Runs a parse in the shell worker when one runs, else here; when this thread's stack runs out first, again on the
 * worker's deep stack, which answers a tree over MAX_TREE_DEPTH as too deep itself (./shell-worker.ts). An overflow
 * that still comes back is this thread's, after the worker failed on the way: `noDeepStack`, not read, and not
 * claimed too deep.
 */
function onDeepEnoughStack<T>(parse: (backend: ShellBackend) => T | StackOverflow, noDeepStack: T): T {
  const result = parse(runningShellWorker() ?? parseHere());
  if (!isOverflow(result)) return result;
  const deep = deepStackParser();
  if (!deep) return noDeepStack;
  const again = parse(deep);
  return isOverflow(again) ? noDeepStack : again;
}

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
