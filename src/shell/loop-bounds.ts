import type { ShellParser, ShNode } from "./parser.js";
import { arithValue, toInteger, variableOf, wordValue, type Variables } from "./words.js";

export type LoopBound =
  | { kind: "bounded"; iterations: number; loopVariables: string[] }
  | { kind: "unbounded"; describe: string; loopVariables: string[] }
  /** A bash `$SECONDS` deadline: the loop ends `seconds` after the shell started (or `SECONDS` was last set). */
  | { kind: "deadline"; seconds: number; describe: string; loopVariables: string[] }
  | { kind: "unknown"; loopVariables: string[] };

const MAX_SIMULATED = 1_000_000;
type Compare = "lt" | "le" | "gt" | "ge" | "eq" | "ne";
interface Counter {
  variable: string;
  op: Compare;
  bound: number;
}

/**
 * How many times a loop runs in the worst case, read from its syntax:
 * `for i in $(seq 1 "$N")`, `for i in {1..N}`, `for i in a b c`, `for ((i=0; i<N; i++))`,
 * `while [ "$i" -lt N ]` / `until [ $i -ge N ]` / `(( i < N ))` with the counter stepped in the body,
 * a counter tested beside the awaited command (`until pg_isready || [ "$n" -ge 60 ]`), loops whose body
 * exits once a counter passes a bound (`[ $i -ge 30 ] && exit 1`), bash `$SECONDS` deadlines
 * (`while [ "$SECONDS" -lt 900 ]`), and `while read` loops fed by `seq` (`seq 1 30 | while read i`,
 * `done < <(seq 30)`: `feeder` is the command that feeds them). `while true` / `until curl …` with no
 * such counter and no other exit than success are unbounded.
 */
export function loopIterations(sh: ShellParser, loop: ShNode, vars: Variables, feeder?: ShNode): LoopBound {
  const type = sh.syntax.NodeType(loop);
  if (type === "ForClause") return forIterations(sh, loop, vars);
  if (type === "WhileClause") return whileIterations(sh, loop, vars, feeder);
  return { kind: "unknown", loopVariables: [] };
}

/** bash sets `$SECONDS` to the seconds since the shell started: a counter the clock steps. */
const CLOCK = "SECONDS";

/**
 * The counter that ends a loop from its condition: the condition itself, or one operand of the
 * condition's `||` for `until` (the loop ends when either holds) or of its `&&` for `while` (it goes on
 * only while both hold). The other combinations end only when the awaited command agrees: not a bound.
 */
function conditionBound(sh: ShellParser, stmt: ShNode, until: boolean, vars: Variables): Counter | undefined {
  if (!stmt?.Cmd) return undefined;
  const cmd = stmt.Cmd;
  if (!stmt.Negated && sh.syntax.NodeType(cmd) === "BinaryCmd" && cmd.Op === (until ? sh.ops.or : sh.ops.and)) {
    return conditionBound(sh, cmd.X, until, vars) ?? conditionBound(sh, cmd.Y, until, vars);
  }
  return conditionCounter(sh, stmt, vars);
}

/** The first second at which the clock ends the loop: `stops(t)` true. */
function deadline(stops: (t: number) => boolean, describe: string): LoopBound {
  const seconds = simulate(0, 1, (t) => !stops(t));
  return seconds === undefined ? { kind: "unknown", loopVariables: [] } : { kind: "deadline", seconds, describe, loopVariables: [] };
}

function forIterations(sh: ShellParser, loop: ShNode, vars: Variables): LoopBound {
  const header = loop.Loop;
  if (loop.Select) return { kind: "unknown", loopVariables: [] };
  if (sh.syntax.NodeType(header) === "WordIter") {
    const name = header.Name?.Value as string;
    const items = (header.Items as ShNode[]) ?? [];
    if (items.length === 0) return { kind: "unknown", loopVariables: [name] };
    let count = 0;
    for (const item of items) {
      const n = itemCount(sh, item, vars);
      if (n === undefined) return { kind: "unknown", loopVariables: [name] };
      count += n;
    }
    return { kind: "bounded", iterations: count, loopVariables: [name] };
  }
  if (sh.syntax.NodeType(header) === "CStyleLoop") {
    const init = header.Init;
    const a = sh.ops.arith;
    if (!init || sh.syntax.NodeType(init) !== "BinaryArithm" || init.Op !== a["="]) return { kind: "unknown", loopVariables: [] };
    const variable = variableOf(sh, init.X);
    const start = arithValue(sh, init.Y, vars);
    if (!variable || start === undefined) return { kind: "unknown", loopVariables: variable ? [variable] : [] };
    const counter = arithCounter(sh, header.Cond, vars);
    const step = stepOf(sh, header.Post, variable, vars);
    if (!counter || counter.variable !== variable || step === undefined) return { kind: "unknown", loopVariables: [variable] };
    const n = simulate(start, step, (i) => compare(counter.op, i, counter.bound));
    return n === undefined ? { kind: "unknown", loopVariables: [variable] } : { kind: "bounded", iterations: n, loopVariables: [variable] };
  }
  return { kind: "unknown", loopVariables: [] };
}

function whileIterations(sh: ShellParser, loop: ShNode, vars: Variables, feeder: ShNode | undefined): LoopBound {
  const until = Boolean(loop.Until);
  const cond = (loop.Cond as ShNode[]) ?? [];
  const last = cond[cond.length - 1];
  const fed = readLoopIterations(sh, last, feeder, vars);
  if (fed) return fed;
  const counter = last ? conditionBound(sh, last, until, vars) : undefined;
  if (counter?.variable === CLOCK) {
    return deadline((t) => compare(counter.op, t, counter.bound) === until, `\`${until ? "until" : "while"} [ $SECONDS -${counter.op} ${counter.bound} ]\` loop`);
  }
  if (counter) {
    const step = bodyStep(sh, loop.Do, counter.variable, vars);
    const start = toInteger(vars.get(counter.variable) ?? "0");
    if (step === undefined || start === undefined) return { kind: "unknown", loopVariables: [counter.variable] };
    const n = simulate(start, step, (i) => compare(counter.op, i, counter.bound) !== until);
    return n === undefined ? { kind: "unknown", loopVariables: [counter.variable] } : { kind: "bounded", iterations: n, loopVariables: [counter.variable] };
  }
  // A counter checked inside the body: `i=$((i+1)); [ "$i" -ge 30 ] && exit 1`.
  const guard = bodyGuard(sh, loop.Do, vars);
  if (guard?.variable === CLOCK) {
    return deadline((t) => compare(guard.op, t, guard.bound) === guard.exitsWhen, `loop leaving once [ $SECONDS -${guard.op} ${guard.bound} ] is ${guard.exitsWhen}`);
  }
  if (guard) {
    const step = bodyStep(sh, loop.Do, guard.variable, vars);
    const start = toInteger(vars.get(guard.variable) ?? "0");
    if (step === undefined || start === undefined) return { kind: "unknown", loopVariables: [guard.variable] };
    // Iterations that pass the guard after the counter was stepped: a lower bound whichever comes first.
    const n = simulate(start + step, step, (i) => !(compare(guard.op, i, guard.bound) === guard.exitsWhen));
    return n === undefined ? { kind: "unknown", loopVariables: [guard.variable] } : { kind: "bounded", iterations: n, loopVariables: [guard.variable] };
  }
  if (!last || !isPollingCondition(sh, last)) return { kind: "unknown", loopVariables: [] };
  if (hasUncertainExit(sh, loop.Do)) return { kind: "unknown", loopVariables: [] };
  const text = conditionText(sh, last, vars);
  return { kind: "unbounded", describe: `\`${until ? "until" : "while"} ${text}\` loop`, loopVariables: [] };
}

/** Items a `for … in` word expands to: `$(seq …)`, `{1..N}`, `{a,b}`, a literal, a known `$LIST`. */
function itemCount(sh: ShellParser, word: ShNode, vars: Variables): number | undefined {
  const { syntax } = sh;
  const parts = word.Parts as ShNode[];
  if (parts.length === 1 && syntax.NodeType(parts[0]) === "CmdSubst") return seqCount(sh, parts[0], vars);
  const literal = parts.every((p) => syntax.NodeType(p) === "Lit") ? parts.map((p) => p.Value as string).join("") : undefined;
  const split = (literal?.includes("{") ? sh.splitBraces(literal) : undefined) ?? word;
  let product = 1;
  let braces = false;
  for (const part of split.Parts as ShNode[]) {
    if (syntax.NodeType(part) !== "BraceExp") continue;
    braces = true;
    const elems = part.Elems as ShNode[];
    if (part.Sequence) {
      const from = toInteger(wordValue(sh, elems[0], vars) ?? "");
      const to = toInteger(wordValue(sh, elems[1], vars) ?? "");
      const step = elems[2] ? toInteger(wordValue(sh, elems[2], vars) ?? "") : 1;
      if (from === undefined || to === undefined || !step) return undefined;
      product *= Math.floor(Math.abs(to - from) / Math.abs(step)) + 1;
    } else {
      product *= elems.length;
    }
  }
  if (braces) return product;
  const value = wordValue(sh, word, vars);
  if (value === undefined) return undefined;
  const quoted = parts.every((p) => ["SglQuoted", "DblQuoted"].includes(syntax.NodeType(p)));
  if (quoted) return 1;
  if (/[*?[]/.test(value)) return undefined; // a glob: depends on the file system
  const hasExpansion = parts.some((p) => syntax.NodeType(p) === "ParamExp");
  return hasExpansion ? value.split(/\s+/).filter((s) => s !== "").length : 1;
}

function seqCount(sh: ShellParser, subst: ShNode, vars: Variables): number | undefined {
  const stmts = subst.Stmts as ShNode[];
  return stmts.length === 1 ? seqCallCount(sh, stmts[0], vars) : undefined;
}

/** Lines `seq` prints, for a statement that is a plain `seq …` call. */
function seqCallCount(sh: ShellParser, stmt: ShNode, vars: Variables): number | undefined {
  if (!stmt?.Cmd || sh.syntax.NodeType(stmt.Cmd) !== "CallExpr") return undefined;
  const args = (stmt.Cmd.Args as ShNode[]).map((a) => wordValue(sh, a, vars));
  if (args[0] !== "seq") return undefined;
  const numbers: number[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) return undefined;
    if (arg === "-s" || arg === "-f") {
      i++;
      continue;
    }
    if (/^-[a-zA-Z]/.test(arg)) continue;
    const n = Number(arg);
    if (!Number.isFinite(n)) return undefined;
    numbers.push(n);
  }
  const [first, step, last] = numbers.length === 1 ? [1, 1, numbers[0]!] : numbers.length === 2 ? [numbers[0]!, 1, numbers[1]!] : numbers.length === 3 ? [numbers[0]!, numbers[1]!, numbers[2]!] : [];
  if (first === undefined || step === undefined || last === undefined || step === 0) return undefined;
  const n = Math.floor((last - first) / step) + 1;
  return n > 0 ? n : 0;
}

/**
 * `seq 1 30 | while read i` and `while read i; … done < <(seq 30)`: one iteration per line `seq` prints
 * (`read` fails at the end of its input).
 */
function readLoopIterations(sh: ShellParser, cond: ShNode, feeder: ShNode | undefined, vars: Variables): LoopBound | undefined {
  if (!feeder || !cond?.Cmd || sh.syntax.NodeType(cond.Cmd) !== "CallExpr" || wordValue(sh, cond.Cmd.Args?.[0], new Map()) !== "read") return undefined;
  const lines = seqCallCount(sh, feeder, vars);
  if (lines === undefined) return undefined;
  const names = (cond.Cmd.Args as ShNode[]).slice(1).map((a) => wordValue(sh, a, new Map())).filter((v): v is string => v !== undefined && !v.startsWith("-"));
  return { kind: "bounded", iterations: lines, loopVariables: names };
}

/** `[ "$i" -lt N ]`, `test $i -le N`, `[[ $i -lt N ]]`, `(( i < N ))` (either operand order). */
function conditionCounter(sh: ShellParser, stmt: ShNode, vars: Variables): Counter | undefined {
  if (!stmt?.Cmd || stmt.Negated) return undefined;
  const cmd = stmt.Cmd;
  const { syntax, ops } = sh;
  switch (syntax.NodeType(cmd)) {
    case "CallExpr": {
      const args = cmd.Args as ShNode[];
      const name = args.length ? wordValue(sh, args[0], new Map()) : undefined;
      const operands = name === "[" && args.length === 5 && wordValue(sh, args[4], new Map()) === "]" ? args.slice(1, 4) : name === "test" && args.length === 4 ? args.slice(1, 4) : undefined;
      if (!operands) return undefined;
      const op = wordValue(sh, operands[1], new Map());
      if (!op || !["-lt", "-le", "-gt", "-ge", "-eq", "-ne"].includes(op)) return undefined;
      return orient(sh, operands[0], op.slice(1) as Compare, operands[2], vars);
    }
    case "TestClause": {
      const x = cmd.X;
      if (syntax.NodeType(x) !== "BinaryTest") return undefined;
      const op = (Object.entries(ops.test).find(([, code]) => code === x.Op)?.[0] ?? "").slice(1) as Compare;
      if (!op) return undefined;
      return orient(sh, x.X, op, x.Y, vars);
    }
    case "ArithmCmd":
      return arithCounter(sh, cmd.X, vars);
    default:
      return undefined;
  }
}

const ARITH_COMPARE: Record<string, Compare> = { "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne" };

function arithCounter(sh: ShellParser, expr: ShNode, vars: Variables): Counter | undefined {
  if (!expr || sh.syntax.NodeType(expr) !== "BinaryArithm") return undefined;
  const symbol = Object.entries(sh.ops.arith).find(([sym, code]) => code === expr.Op && sym in ARITH_COMPARE)?.[0];
  if (!symbol) return undefined;
  return orient(sh, expr.X, ARITH_COMPARE[symbol]!, expr.Y, vars);
}

const FLIP: Record<Compare, Compare> = { lt: "gt", le: "ge", gt: "lt", ge: "le", eq: "eq", ne: "ne" };

function orient(sh: ShellParser, left: ShNode, op: Compare, right: ShNode, vars: Variables): Counter | undefined {
  const lv = variableOf(sh, left);
  const rv = variableOf(sh, right);
  const rightValue = arithValue(sh, right, vars);
  if (lv && rightValue !== undefined && lv !== rv) return { variable: lv, op, bound: rightValue };
  const leftValue = arithValue(sh, left, vars);
  if (rv && leftValue !== undefined) return { variable: rv, op: FLIP[op], bound: leftValue };
  return undefined;
}

/** The constant step of the counter in the loop body: `i=$((i+1))`, `: $((i+=1))`, `((i++))`, `let i++`, `i=$(expr $i + 1)`. */
function bodyStep(sh: ShellParser, body: ShNode[], variable: string, vars: Variables): number | undefined {
  const { syntax } = sh;
  const steps: number[] = [];
  let other = false;
  for (const stmt of body ?? []) {
    syntax.Walk(stmt, (node: ShNode) => {
      if (!node) return true;
      const type = syntax.NodeType(node);
      if (type === "Assign" && node.Name?.Value === variable) {
        const step = assignedStep(sh, node, variable, vars);
        if (step === undefined) other = true;
        else steps.push(step);
      } else if (type === "UnaryArithm" || type === "BinaryArithm") {
        const step = stepOf(sh, node, variable, vars);
        if (step !== undefined) steps.push(step);
      } else if (type === "CallExpr") {
        const name = node.Args?.length ? wordValue(sh, node.Args[0], new Map()) : undefined;
        if (name === "let") {
          for (const arg of (node.Args as ShNode[]).slice(1)) {
            const text = wordValue(sh, arg, new Map());
            const parsed = text ? sh.parse(`(( ${text} ))`) : undefined;
            const expr = parsed?.Stmts?.[0]?.Cmd?.X;
            const step = expr ? stepOf(sh, expr, variable, vars) : undefined;
            if (step !== undefined) steps.push(step);
          }
        }
      }
      return true;
    });
  }
  if (other || steps.length !== 1 || steps[0] === 0) return undefined;
  return steps[0];
}

function assignedStep(sh: ShellParser, assign: ShNode, variable: string, vars: Variables): number | undefined {
  const parts = (assign.Value?.Parts as ShNode[]) ?? [];
  if (parts.length !== 1) return undefined;
  const part = parts[0];
  const type = sh.syntax.NodeType(part);
  if (type === "ArithmExp") return linearStep(sh, part.X, variable, vars);
  if (type === "CmdSubst" && part.Stmts.length === 1 && sh.syntax.NodeType(part.Stmts[0].Cmd) === "CallExpr") {
    const args = (part.Stmts[0].Cmd.Args as ShNode[]).map((a) => a);
    if (args.length === 4 && wordValue(sh, args[0], new Map()) === "expr" && variableOf(sh, args[1]) === variable) {
      const op = wordValue(sh, args[2], new Map());
      const k = toInteger(wordValue(sh, args[3], vars) ?? "");
      if (k === undefined) return undefined;
      if (op === "+") return k;
      if (op === "-") return -k;
    }
  }
  return undefined;
}

/** `i + k` / `k + i` / `i - k` → the signed step k. */
function linearStep(sh: ShellParser, expr: ShNode, variable: string, vars: Variables): number | undefined {
  if (!expr) return undefined;
  if (sh.syntax.NodeType(expr) === "ParenArithm") return linearStep(sh, expr.X, variable, vars);
  if (sh.syntax.NodeType(expr) !== "BinaryArithm") return undefined;
  const a = sh.ops.arith;
  if (expr.Op !== a["+"] && expr.Op !== a["-"]) return undefined;
  const minus = expr.Op === a["-"];
  if (variableOf(sh, expr.X) === variable) {
    const k = arithValue(sh, expr.Y, vars);
    return k === undefined ? undefined : minus ? -k : k;
  }
  if (!minus && variableOf(sh, expr.Y) === variable) return arithValue(sh, expr.X, vars);
  return undefined;
}

/** `i++`, `++i`, `i--`, `i+=k`, `i-=k`, `i=i+k` on the given variable. */
function stepOf(sh: ShellParser, expr: ShNode, variable: string, vars: Variables): number | undefined {
  if (!expr) return undefined;
  const a = sh.ops.arith;
  const type = sh.syntax.NodeType(expr);
  if (type === "UnaryArithm" && variableOf(sh, expr.X) === variable) {
    if (expr.Op === a["++"]) return 1;
    if (expr.Op === a["--"]) return -1;
    return undefined;
  }
  if (type === "BinaryArithm" && variableOf(sh, expr.X) === variable) {
    if (expr.Op === a["+="]) return arithValue(sh, expr.Y, vars);
    if (expr.Op === a["-="]) {
      const k = arithValue(sh, expr.Y, vars);
      return k === undefined ? undefined : -k;
    }
    if (expr.Op === a["="]) return linearStep(sh, expr.Y, variable, vars);
  }
  return undefined;
}

interface Guard extends Counter {
  /** The loop exits when the comparison is true (`if [ … ]; then exit`, `[ … ] && break`) or false (`[ … ] || exit`). */
  exitsWhen: boolean;
}

/** A statement at the top level of the body that leaves the loop once a counter comparison says so. */
function bodyGuard(sh: ShellParser, body: ShNode[], vars: Variables): Guard | undefined {
  const { syntax, ops } = sh;
  for (const stmt of body ?? []) {
    const cmd = stmt?.Cmd;
    if (!cmd) continue;
    const type = syntax.NodeType(cmd);
    if (type === "IfClause" && cmd.Cond?.length === 1 && leaves(sh, cmd.Then)) {
      const counter = conditionCounter(sh, cmd.Cond[0], vars);
      if (counter) return { ...counter, exitsWhen: true };
    }
    if (type === "BinaryCmd" && (cmd.Op === ops.and || cmd.Op === ops.or) && leaves(sh, [cmd.Y])) {
      const counter = conditionCounter(sh, cmd.X, vars);
      if (counter) return { ...counter, exitsWhen: cmd.Op === ops.and };
    }
  }
  return undefined;
}

/** True when the statements (or other nodes) end the loop: `break`, `exit`, `return`. */
function leaves(sh: ShellParser, stmts: ShNode[]): boolean {
  let found = false;
  for (const stmt of stmts ?? []) {
    sh.syntax.Walk(stmt, (node: ShNode) => {
      if (!node) return true;
      const type = sh.syntax.NodeType(node);
      if (type === "WhileClause" || type === "ForClause") return false;
      if (type === "CallExpr" && node.Args?.length && ["break", "exit", "return"].includes(wordValue(sh, node.Args[0], new Map()) ?? "")) found = true;
      return true;
    });
  }
  return found;
}

/**
 * A loop condition that polls: `true`, `:`, or a command such as `! curl …` / `kubectl get …`.
 * Tests (`[ … ]`, `[[ … ]]`, `(( … ))`) and `read` are not: their exit depends on state the
 * linter cannot follow, so such loops are left alone.
 */
function isPollingCondition(sh: ShellParser, stmt: ShNode): boolean {
  const cmd = stmt?.Cmd;
  if (!cmd) return false;
  const type = sh.syntax.NodeType(cmd);
  if (type === "BinaryCmd") return isPollingCondition(sh, cmd.X) && isPollingCondition(sh, cmd.Y);
  if (type !== "CallExpr" || !cmd.Args?.length) return false;
  const name = wordValue(sh, cmd.Args[0], new Map());
  if (name === undefined) return false;
  return !["[", "test", "read", "false", "[["].includes(name);
}

/**
 * An exit from the loop other than "the awaited command succeeded": a `break`/`exit`/`return` that is
 * not the direct consequence of a command's success (`if curl …; then break; fi`, `curl … && break`).
 */
function hasUncertainExit(sh: ShellParser, body: ShNode[]): boolean {
  const { syntax, ops } = sh;
  let uncertain = false;
  const visit = (stmts: ShNode[]): void => {
    for (const stmt of stmts ?? []) {
      const cmd = stmt?.Cmd;
      if (!cmd) continue;
      const type = syntax.NodeType(cmd);
      if (type === "IfClause") {
        const successExit = cmd.Cond?.length === 1 && !cmd.Cond[0].Negated && isPollingCondition(sh, cmd.Cond[0]);
        if (!successExit && leaves(sh, cmd.Then)) uncertain = true;
        if (cmd.Else && leaves(sh, [cmd.Else])) uncertain = true;
        continue;
      }
      if (type === "BinaryCmd" && cmd.Op === ops.and && !cmd.X.Negated && isPollingCondition(sh, cmd.X)) continue;
      if (type === "WhileClause" || type === "ForClause") continue;
      if (leaves(sh, [stmt])) uncertain = true;
    }
  };
  visit(body);
  return uncertain;
}

function conditionText(sh: ShellParser, stmt: ShNode, vars: Variables): string {
  const cmd = stmt.Cmd;
  if (sh.syntax.NodeType(cmd) !== "CallExpr") return "…";
  const name = wordValue(sh, cmd.Args[0], vars) ?? "…";
  return `${stmt.Negated ? "! " : ""}${name}${cmd.Args.length > 1 ? " …" : ""}`;
}

function compare(op: Compare, a: number, b: number): boolean {
  switch (op) {
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
  }
}

/** Iterations while `holds(i)`, i = start, start+step, …; undefined when it does not end in reason. */
function simulate(start: number, step: number, holds: (i: number) => boolean): number | undefined {
  if (step === 0) return undefined;
  let n = 0;
  for (let i = start; holds(i); i += step) if (++n > MAX_SIMULATED) return undefined;
  return n;
}
