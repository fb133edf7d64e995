import type { ShellParser, ShNode } from "./parser.js";

/** Variables whose values are known at a point of the script: container env, then literal assignments. */
export type Variables = Map<string, string>;

/** The value of a variable that is set, to something not known statically (a function's `$1` from `$(cmd)`). */
export const UNKNOWN_VALUE = "\u0000unknown";

/**
 * The value of a shell word when it is known without running anything: literals, quotes, `$X`/`${X}`
 * from known variables, `${X:-default}`, and `$(( ))` arithmetic over those. Undefined otherwise
 * (command substitutions, unknown variables, globs).
 */
export function wordValue(sh: ShellParser, word: ShNode, vars: Variables): string | undefined {
  if (!word || !word.Parts) return undefined;
  let out = "";
  for (const part of word.Parts as ShNode[]) {
    const value = partValue(sh, part, vars);
    if (value === undefined) return undefined;
    out += value;
  }
  return out;
}

function partValue(sh: ShellParser, part: ShNode, vars: Variables): string | undefined {
  switch (sh.syntax.NodeType(part)) {
    case "Lit":
      return part.Value as string;
    case "SglQuoted":
      return part.Value as string;
    case "DblQuoted": {
      let out = "";
      for (const inner of part.Parts as ShNode[]) {
        const value = partValue(sh, inner, vars);
        if (value === undefined) return undefined;
        out += value;
      }
      return out;
    }
    case "ParamExp":
      return paramValue(sh, part, vars);
    case "ArithmExp": {
      const n = arithValue(sh, part.X, vars);
      return n === undefined ? undefined : String(n);
    }
    default:
      return undefined;
  }
}

function paramValue(sh: ShellParser, exp: ShNode, vars: Variables): string | undefined {
  if (exp.Excl || exp.Length || exp.Index || exp.Slice || exp.Repl || !exp.Param) return undefined;
  const name = exp.Param.Value as string;
  const value = vars.get(name);
  if (value === UNKNOWN_VALUE) return undefined;
  if (exp.Exp) {
    const op = exp.Exp.Op as number;
    if (op === sh.ops.defaultUnsetOrNull && (value === undefined || value === "")) return wordValue(sh, exp.Exp.Word, vars);
    if (op === sh.ops.defaultUnset && value === undefined) return wordValue(sh, exp.Exp.Word, vars);
    if (op !== sh.ops.defaultUnsetOrNull && op !== sh.ops.defaultUnset) return undefined;
  }
  return value;
}

/** Integer value of an arithmetic expression (`i + 1`, `N*2`, `$N`), bare names read as variables. */
export function arithValue(sh: ShellParser, expr: ShNode, vars: Variables, depth = 0): number | undefined {
  if (!expr || depth > 20) return undefined;
  switch (sh.syntax.NodeType(expr)) {
    case "Word": {
      const parts = expr.Parts as ShNode[];
      if (parts.length === 1 && sh.syntax.NodeType(parts[0]) === "Lit" && isName(parts[0].Value)) {
        const value = vars.get(parts[0].Value as string);
        return value === undefined || value === UNKNOWN_VALUE ? undefined : toInteger(value);
      }
      const text = wordValue(sh, expr, vars);
      return text === undefined ? undefined : toInteger(text);
    }
    case "ParenArithm":
      return arithValue(sh, expr.X, vars, depth + 1);
    case "UnaryArithm": {
      const x = arithValue(sh, expr.X, vars, depth + 1);
      if (x === undefined) return undefined;
      if (expr.Op === sh.ops.arith["-"]) return -x;
      if (expr.Op === sh.ops.arith["+"]) return x;
      return undefined;
    }
    case "BinaryArithm": {
      const x = arithValue(sh, expr.X, vars, depth + 1);
      const y = arithValue(sh, expr.Y, vars, depth + 1);
      if (x === undefined || y === undefined) return undefined;
      const a = sh.ops.arith;
      if (expr.Op === a["+"]) return x + y;
      if (expr.Op === a["-"]) return x - y;
      if (expr.Op === a["*"]) return x * y;
      if (expr.Op === a["/"]) return y === 0 ? undefined : Math.trunc(x / y);
      if (expr.Op === a["%"]) return y === 0 ? undefined : x % y;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The name a word consists of (`i` in `(( i < 5 ))`), or the variable of a lone `$i` / `"${i}"`. */
export function variableOf(sh: ShellParser, node: ShNode): string | undefined {
  if (!node || sh.syntax.NodeType(node) !== "Word") return undefined;
  const parts = node.Parts as ShNode[];
  if (parts.length !== 1) return undefined;
  let part = parts[0];
  if (sh.syntax.NodeType(part) === "DblQuoted") {
    if (part.Parts.length !== 1) return undefined;
    part = part.Parts[0];
  }
  const type = sh.syntax.NodeType(part);
  if (type === "Lit" && isName(part.Value)) return part.Value as string;
  if (type === "ParamExp" && !part.Exp && !part.Excl && !part.Length && !part.Index && part.Param) return part.Param.Value as string;
  return undefined;
}

export function toInteger(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[-+]?\d+$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

function isName(value: unknown): boolean {
  return typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}
