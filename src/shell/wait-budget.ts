import { fmt, invocationWait, type At, type Wait } from "./command-waits.js";
import { positionOf, type ShellParser, type ShNode } from "./parser.js";
import { loopIterations } from "./loop-bounds.js";
import { UNKNOWN_VALUE, wordValue, type Variables } from "./words.js";

export type { Wait } from "./command-waits.js";

/**
 * The designed wait of one run of a script: every bounded loop (iterations × the worst case of one
 * iteration), unbounded polling loops, and the waits outside loops (`sleep`, `curl --max-time`,
 * `kubectl wait --timeout`, `timeout N …`). A lower bound of the worst case: commands without an
 * explicit timeout count 0 s, an `if` counts its slower branch, a loop whose bound cannot be read
 * counts 0 s, a `break` on success changes nothing (the worst case is the service never answering).
 */
export interface WaitBudget {
  /** Seconds; Infinity when a polling loop has no bound. */
  seconds: number;
  /** The top-level contributions, in script order. */
  parts: Wait[];
}

const MAX_DEPTH = 12;

export function waitBudget(sh: ShellParser, file: ShNode, env: Variables): WaitBudget {
  const walker = new Walker(sh, new Map(env));
  const parts = afterDeadlines(walker.stmts(file.Stmts as ShNode[]));
  return { seconds: total(parts), parts };
}

/**
 * A `$SECONDS` deadline loop ends at a time since the shell started, so what ran before it is part of its
 * wait, not added to it: it counts only the rest of the deadline.
 */
function afterDeadlines(parts: Wait[]): Wait[] {
  let before = 0;
  const out: Wait[] = [];
  for (const part of parts) {
    const seconds = part.deadline !== undefined ? Math.max(part.deadline - before, 0) : part.seconds;
    before += seconds;
    if (seconds > 0) out.push(seconds === part.seconds ? part : { ...part, seconds });
  }
  return out;
}

export function total(parts: Wait[]): number {
  return parts.reduce((sum, part) => sum + part.seconds, 0);
}

export function sumText(parts: Wait[]): string {
  return parts.map((p) => p.text).join(" + ");
}

/** The contribution that dominates the budget: the unbounded loop, else the largest part. */
export function dominantPart(parts: Wait[]): Wait | undefined {
  let best: Wait | undefined;
  for (const part of parts) if (!best || part.seconds > best.seconds) best = part;
  return best;
}

class Walker {
  private readonly funcs = new Map<string, ShNode>();
  private depth = 0;

  constructor(
    private readonly sh: ShellParser,
    private vars: Variables,
  ) {}

  stmts(list: ShNode[] | null | undefined): Wait[] {
    const out: Wait[] = [];
    for (const stmt of list ?? []) out.push(...this.stmt(stmt));
    return out;
  }

  private stmt(stmt: ShNode): Wait[] {
    if (!stmt || !stmt.Cmd || stmt.Background) return [];
    if (this.depth > MAX_DEPTH) return [];
    this.depth++;
    try {
      const feeder = this.sh.syntax.NodeType(stmt.Cmd) === "WhileClause" ? this.processSubstitutionInput(stmt) : undefined;
      return feeder ? this.loop(stmt.Cmd, feeder) : this.command(stmt.Cmd);
    } finally {
      this.depth--;
    }
  }

  /** The single statement of `< <(cmd)` feeding a loop's standard input. */
  private processSubstitutionInput(stmt: ShNode): ShNode | undefined {
    const { syntax } = this.sh;
    for (const redirect of (stmt.Redirs as ShNode[]) ?? []) {
      const parts = (redirect?.Word?.Parts as ShNode[]) ?? [];
      if (parts.length === 1 && syntax.NodeType(parts[0]) === "ProcSubst" && parts[0].Stmts?.length === 1) return parts[0].Stmts[0];
    }
    return undefined;
  }

  private command(cmd: ShNode): Wait[] {
    const { syntax, ops } = this.sh;
    switch (syntax.NodeType(cmd)) {
      case "CallExpr":
        return this.call(cmd);
      case "DeclClause": {
        const waits = this.substitutions(cmd);
        for (const assign of (cmd.Args as ShNode[]) ?? []) this.assign(assign);
        return waits;
      }
      case "IfClause":
        return this.ifClause(cmd);
      case "WhileClause":
      case "ForClause":
        return this.loop(cmd);
      case "Block":
        return this.stmts(cmd.Stmts);
      case "Subshell":
        return this.isolated(() => this.stmts(cmd.Stmts));
      case "BinaryCmd": {
        // `seq 1 30 | while read i; do …; done`: the loop runs once per line the left side prints.
        if (cmd.Op === ops.pipe && cmd.Y?.Cmd && syntax.NodeType(cmd.Y.Cmd) === "WhileClause") return slower(this.stmt(cmd.X), this.isolated(() => this.loop(cmd.Y.Cmd, cmd.X)));
        if (cmd.Op === ops.pipe) return slower(this.stmt(cmd.X), this.stmt(cmd.Y));
        return [...this.stmt(cmd.X), ...this.stmt(cmd.Y)];
      }
      case "FuncDecl":
        this.funcs.set(cmd.Name.Value as string, cmd.Body);
        return [];
      case "CaseClause": {
        let worst: Wait[] = [];
        const before = this.vars;
        for (const item of (cmd.Items as ShNode[]) ?? []) {
          this.vars = new Map(before);
          worst = slower(worst, this.stmts(item.Stmts));
        }
        this.vars = before;
        this.forgetAssigned(cmd);
        return worst;
      }
      case "TimeClause":
        return this.stmt(cmd.Stmt);
      case "ArithmCmd":
        this.forgetAssigned(cmd);
        return [];
      default:
        return [];
    }
  }

  private call(cmd: ShNode): Wait[] {
    const waits = this.substitutions(cmd);
    const args = (cmd.Args as ShNode[]) ?? [];
    if (args.length === 0) {
      for (const assign of (cmd.Assigns as ShNode[]) ?? []) this.assign(assign);
      return waits;
    }
    const name = wordValue(this.sh, args[0], this.vars);
    const body = name !== undefined ? this.funcs.get(name) : undefined;
    if (body) return [...waits, ...this.callFunction(body, args.slice(1))];
    if (name === "let" || name === ":") this.forgetAssigned(cmd);
    const position = positionOf(args[0]);
    const words = args.map((a) => wordValue(this.sh, a, this.vars));
    const wait = invocationWait(words, position, (script, env) => this.nestedScript(script, env, position));
    return wait ? [...waits, wait] : waits;
  }

  /** `sh -c '…'` inside the script: the inner script's wait, shown at the command that runs it. */
  private nestedScript(script: string, env: Map<string, string>, at: At): Wait | undefined {
    const file = this.depth < MAX_DEPTH ? this.sh.parse(script) : undefined;
    if (!file) return undefined;
    this.depth++;
    try {
      const parts = afterDeadlines(
        this.isolated(() => {
          for (const [name, value] of env) this.vars.set(name, value);
          return this.stmts(file.Stmts as ShNode[]);
        }),
      );
      const seconds = total(parts);
      return seconds > 0 ? { seconds, text: `sh -c (${sumText(parts)})`, ...at } : undefined;
    } finally {
      this.depth--;
    }
  }

  /** A function body runs with its own `$1 … $9` (unset beyond the arguments given). */
  private callFunction(body: ShNode, args: ShNode[]): Wait[] {
    const saved = new Map<string, string | undefined>();
    for (let n = 1; n <= 9; n++) {
      const key = String(n);
      saved.set(key, this.vars.get(key));
      const arg = args[n - 1];
      if (arg === undefined) this.vars.delete(key);
      else this.vars.set(key, wordValue(this.sh, arg, this.vars) ?? UNKNOWN_VALUE);
    }
    const waits = this.stmt(body);
    for (const [key, value] of saved) {
      if (value === undefined) this.vars.delete(key);
      else this.vars.set(key, value);
    }
    return waits;
  }

  private assign(assign: ShNode): void {
    const name = assign.Name?.Value as string | undefined;
    if (!name) return;
    if (assign.Naked) return; // `export X` keeps the value
    // `end=$((SECONDS + 300))`: deadlines count from the shell's start (see afterDeadlines), where SECONDS is 0.
    const vars = this.vars.has("SECONDS") ? this.vars : new Map(this.vars).set("SECONDS", "0");
    const value = assign.Value && !assign.Append && !assign.Index && !assign.Array ? wordValue(this.sh, assign.Value, vars) : undefined;
    if (value === undefined) this.vars.delete(name);
    else this.vars.set(name, value);
  }

  /** Waits of `$( … )` inside a command's words (`TOKEN=$(curl --max-time 5 …)`). */
  private substitutions(cmd: ShNode): Wait[] {
    const found: ShNode[] = [];
    const { syntax } = this.sh;
    const visit = (node: ShNode): void => {
      if (!node) return;
      syntax.Walk(node, (inner: ShNode) => {
        if (!inner) return true;
        if (syntax.NodeType(inner) === "CmdSubst") {
          found.push(inner);
          return false;
        }
        return true;
      });
    };
    if (syntax.NodeType(cmd) === "CallExpr") {
      for (const assign of (cmd.Assigns as ShNode[]) ?? []) visit(assign.Value);
      for (const word of (cmd.Args as ShNode[]) ?? []) visit(word);
    } else {
      for (const assign of (cmd.Args as ShNode[]) ?? []) visit(assign.Value);
    }
    return found.flatMap((subst) => this.isolated(() => this.stmts(subst.Stmts)));
  }

  private ifClause(cmd: ShNode): Wait[] {
    const cond = this.stmts(cmd.Cond);
    const before = this.vars;
    this.vars = new Map(before);
    const then = this.stmts(cmd.Then);
    const afterThen = this.vars;
    this.vars = new Map(before);
    const otherwise = cmd.Else ? ((cmd.Else.Cond as ShNode[])?.length ? this.ifClause(cmd.Else) : this.stmts(cmd.Else.Then)) : [];
    const afterElse = this.vars;
    // Keep only what both branches agree on.
    this.vars = new Map([...afterThen].filter(([k, v]) => afterElse.get(k) === v));
    return [...cond, ...slower(then, otherwise)];
  }

  private loop(cmd: ShNode, feeder?: ShNode): Wait[] {
    const outer = this.vars;
    const bound = loopIterations(this.sh, cmd, outer, feeder);
    this.vars = new Map(outer);
    for (const name of bound.loopVariables) this.vars.delete(name);
    const cond = this.sh.syntax.NodeType(cmd) === "WhileClause" ? this.stmts(cmd.Cond) : [];
    const body = [...cond, ...this.stmts(cmd.Do)];
    this.vars = outer;
    this.forgetAssigned(cmd);
    const position = positionOf(cmd);
    if (bound.kind === "deadline") {
      // Runs until the clock passes the deadline, however little one iteration waits.
      return [{ seconds: bound.seconds, deadline: bound.seconds, text: `${bound.describe} (${fmt(bound.seconds)} s after the shell started)`, ...position }];
    }
    // A deadline inside the body ends the first iteration at the latest: the others do not wait for it again.
    if (body.some((part) => part.deadline !== undefined)) return body;
    const perIteration = total(body);
    if (perIteration <= 0) return [];
    const text = body.length === 1 ? body[0]!.text : `(${sumText(body)})`;
    if (bound.kind === "unbounded") {
      return [{ seconds: Infinity, text: `${bound.describe} with no exit bound, ${text} per iteration`, ...position }];
    }
    if (bound.kind === "unknown" || bound.iterations <= 0) return [];
    return [{ seconds: bound.iterations * perIteration, text: `${bound.iterations} × ${text}`, ...position }];
  }

  private isolated(run: () => Wait[]): Wait[] {
    const before = this.vars;
    this.vars = new Map(before);
    try {
      return run();
    } finally {
      this.vars = before;
    }
  }

  /** Variables assigned anywhere inside a node are unknown after it (loop bodies, `((i++))`, `let`). */
  private forgetAssigned(node: ShNode): void {
    const { syntax } = this.sh;
    syntax.Walk(node, (inner: ShNode) => {
      if (!inner) return true;
      const type = syntax.NodeType(inner);
      if (type === "Assign" && inner.Name) this.vars.delete(inner.Name.Value as string);
      if ((type === "BinaryArithm" || type === "UnaryArithm") && inner.X && syntax.NodeType(inner.X) === "Word") {
        const parts = inner.X.Parts as ShNode[];
        if (parts.length === 1 && syntax.NodeType(parts[0]) === "Lit") {
          const a = this.sh.ops.arith;
          if ([a["="], a["+="], a["-="], a["++"], a["--"]].includes(inner.Op)) this.vars.delete(parts[0].Value as string);
        }
      }
      if (type === "CallExpr" && inner.Args?.length > 1) {
        const first = wordValue(this.sh, inner.Args[0], new Map());
        if (first === "read") for (const arg of (inner.Args as ShNode[]).slice(1)) {
          const v = wordValue(this.sh, arg, new Map());
          if (v && !v.startsWith("-")) this.vars.delete(v);
        }
      }
      return true;
    });
  }
}

function slower(a: Wait[], b: Wait[]): Wait[] {
  return total(b) > total(a) ? b : a;
}

