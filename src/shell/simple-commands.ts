import { shellScriptAt } from "./command-line.js";
import { shellParser, type ShellParser, type ShNode } from "./parser.js";

/** The script of `sh -c "<script>"` (also `bash -ec`, `/bin/sh -c`), with its index in `words`. */
export function shellScriptOf(words: ReadonlyArray<string | undefined>): { script: string; index: number } | undefined {
  return shellScriptAt(words, 0);
}

/** One simple command of a shell script: its words after quote removal; `undefined` where a word is not static. */
export interface SimpleCommand {
  words: Array<string | undefined>;
}

interface ShellNode {
  [key: string]: unknown;
}

/**
 * The simple commands of a parsed script (`ShellScripts.read(...).file`), in source order. Words are
 * evaluated statically: literals and quotes, and plain `$NAME`/`${NAME}` from assignments earlier in the
 * script or from `lookup` (the container's environment). Anything else (command substitution, `${x:-y}`,
 * globs are kept literal) makes the word `undefined`.
 */
export function simpleCommandsOf(file: ShNode, lookup: (name: string) => string | undefined): SimpleCommand[] {
  const sh = shellParser().syntax;
  const assigned = new Map<string, string | undefined>();
  const resolve = (name: string): string | undefined => (assigned.has(name) ? assigned.get(name) : lookup(name));
  const evaluate = (word: unknown): string | undefined => {
    if (!word || typeof word !== "object") return undefined;
    return evaluateParts((word as ShellNode).Parts, sh, resolve);
  };
  const assign = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    const a = node as ShellNode;
    const name = (a.Name as ShellNode | null)?.Value;
    if (typeof name !== "string" || a.Append || a.Array || a.Index) return;
    assigned.set(name, a.Value ? evaluate(a.Value) : "");
  };
  const out: SimpleCommand[] = [];
  sh.Walk(file, (node) => {
    if (!node) return true;
    const type = sh.NodeType(node);
    if (type === "CallExpr") {
      const args = asList(node.Args);
      if (args.length === 0) asList(node.Assigns).forEach(assign);
      else out.push({ words: args.map(evaluate) });
    } else if (type === "DeclClause") {
      const variant = (node.Variant as ShellNode | null)?.Value;
      if (variant === "export" || variant === "declare" || variant === "readonly" || variant === "local" || variant === "typeset") asList(node.Args).forEach(assign);
    }
    return true;
  });
  return out;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function evaluateParts(parts: unknown, sh: ShellParser["syntax"], resolve: (name: string) => string | undefined): string | undefined {
  let out = "";
  for (const part of asList(parts)) {
    const node = part as ShellNode;
    const type = sh.NodeType(node);
    if (type === "Lit" || type === "SglQuoted") {
      if (typeof node.Value !== "string") return undefined;
      out += node.Value;
    } else if (type === "DblQuoted") {
      const inner = evaluateParts(node.Parts, sh, resolve);
      if (inner === undefined) return undefined;
      out += inner;
    } else if (type === "ParamExp") {
      const simple = !node.Excl && !node.Length && !node.Width && !node.Index && !node.Slice && !node.Repl && !node.Names && !node.Exp;
      const name = (node.Param as ShellNode | null)?.Value;
      if (!simple || typeof name !== "string") return undefined;
      const value = resolve(name);
      if (value === undefined) return undefined;
      out += value;
    } else {
      return undefined;
    }
  }
  return out;
}
