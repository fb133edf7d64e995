import { MAX_TREE_DEPTH } from "./go-tree.js";
import { shellParser, type ShNode } from "./parser.js";
import { parseAhead, runningShellWorker } from "./shell-worker.js";
import { thousands } from "../util/thousands.js";

/**
 * How much of a script the shell checks read. Deterministic measures of the work (never time), so the
 * same input always gives the same findings however loaded the machine is: the length bounds the parse
 * (linear in it), the node count and the loop nesting bound the analyses (they walk the tree once per
 * enclosing loop).
 */
export interface ShellLimits {
  /** Scripts longer than this (UTF-16 code units) are not parsed. */
  maxScriptLength: number;
  /** Scripts whose syntax tree has more nodes are not analysed. */
  maxNodes: number;
  /** Scripts with loops nested deeper than this are not analysed. */
  maxLoopNesting: number;
}

/** Hook and init scripts are a few lines to a few hundred (the largest of 109 public charts: ~2,000 nodes, 3 nested loops). */
export const DEFAULT_SHELL_LIMITS: ShellLimits = { maxScriptLength: 64 * 1024, maxNodes: 25_000, maxLoopNesting: 8 };

/** The `.gitops-lint.yaml` settings of the limits, for messages that say which one to raise. */
export const LIMIT_SETTINGS = {
  maxScriptLength: "limits.shellMaxScriptLength",
  maxNodes: "limits.shellMaxNodes",
  maxLoopNesting: "limits.shellMaxLoopNesting",
} as const satisfies Record<keyof ShellLimits, string>;

export type LimitSetting = (typeof LIMIT_SETTINGS)[keyof ShellLimits];

/** A script the checks can analyse, one the parser could not read, or one a limit kept from analysis. */
export type ScriptRead =
  | { ok: true; file: ShNode }
  | { ok: false; reason: "syntax"; error: string; line?: number; column?: number }
  /** `setting`: the `.gitops-lint.yaml` limit that kept it, absent for the fixed bound on nesting (MAX_TREE_DEPTH). */
  | { ok: false; reason: "limit"; skipped: string; setting?: LimitSetting };

export type UnreadScript = Extract<ScriptRead, { ok: false }>;

/**
 * The run's shell pass: every script is parsed and measured once, the first time any check asks for it,
 * and cached by its text (charts repeat the same wait script in many hooks). What a read returns depends
 * only on the text and the limits, never on the order of the checks or the time they took. The engine
 * creates one per run (`RuleContext.shell`); rules call `read` and never parse themselves.
 */
export class ShellScripts {
  private readonly reads = new Map<string, ScriptRead>();
  readonly limits: ShellLimits;

  constructor(limits: ShellLimits | undefined = DEFAULT_SHELL_LIMITS) {
    this.limits = limits ?? DEFAULT_SHELL_LIMITS;
  }

  /**
   * The scripts the checks will ask for (src/model/checked-scripts.ts), sent to the shell worker when one runs, so it
   * parses them while the YAML is read and the rules that need none run; without a worker nothing is computed. What
   * `read` returns is the same either way.
   */
  readAhead(scripts: () => Iterable<string>): void {
    if (!runningShellWorker()) return;
    parseAhead([...scripts()].filter((script) => !this.reads.has(script) && script.length <= this.limits.maxScriptLength));
  }

  read(script: string): ScriptRead {
    let read = this.reads.get(script);
    if (!read) {
      read = this.readOnce(script);
      this.reads.set(script, read);
    }
    return read;
  }

  private readOnce(script: string): ScriptRead {
    const { maxScriptLength, maxNodes, maxLoopNesting } = this.limits;
    if (script.length > maxScriptLength) {
      return limit(`it is ${thousands(script.length)} characters, more than the shell checks parse`, "maxScriptLength", maxScriptLength);
    }
    const sh = shellParser();
    const parsed = sh.parseOrError(script);
    if ("noDeepStack" in parsed) {
      return { ok: false, reason: "limit", skipped: "it nests deeper than this thread's stack can parse, and no worker thread with a deeper stack could run" };
    }
    if ("tooDeep" in parsed) {
      return { ok: false, reason: "limit", skipped: `its syntax tree nests more than ${thousands(MAX_TREE_DEPTH)} levels deep, more than the shell checks read` };
    }
    if (!parsed.ok) return { reason: "syntax", ...parsed };
    const size = measure(sh.syntax, parsed.file, maxNodes);
    if (size.nodes > maxNodes) return limit(`its syntax tree has more than ${thousands(maxNodes)} nodes`, "maxNodes", maxNodes);
    if (size.loopNesting > maxLoopNesting) return limit(`it nests loops ${size.loopNesting} deep`, "maxLoopNesting", maxLoopNesting);
    return { ok: true, file: parsed.file };
  }
}

function limit(why: string, key: keyof ShellLimits, value: number): ScriptRead {
  return { ok: false, reason: "limit", skipped: `${why} (${LIMIT_SETTINGS[key]}: ${value})`, setting: LIMIT_SETTINGS[key] };
}

/** Nodes (up to one past `maxNodes`: the walk stops there) and the deepest nesting of loops. */
function measure(syntax: ReturnType<typeof shellParser>["syntax"], file: ShNode, maxNodes: number): { nodes: number; loopNesting: number } {
  let nodes = 0;
  let loopNesting = 0;
  // Walk calls visit(null) after a node's children: the stack says whether the node being left was a loop.
  const open: boolean[] = [];
  let depth = 0;
  syntax.Walk(file, (node: ShNode) => {
    if (!node) {
      if (open.pop()) depth--;
      return true;
    }
    if (++nodes > maxNodes) return false;
    const type = syntax.NodeType(node);
    const loop = type === "WhileClause" || type === "ForClause";
    if (loop) loopNesting = Math.max(loopNesting, ++depth);
    open.push(loop);
    return true;
  });
  return { nodes, loopNesting };
}
