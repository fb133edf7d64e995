import type { NodePath } from "../../load/types.js";
import type { K8sObject } from "../objects.js";
import { containersOf, podSpecOf } from "../pod-spec.js";
import { containerScript } from "./container-script.js";
import { mayWait } from "./may-wait.js";
import { isSkipped, type ShellParseBudget, type ShellSkip } from "./parse-budget.js";
import { shellParser } from "./parser.js";
import { dominantPart, sumText, waitBudget, type Wait } from "./wait-budget.js";

export interface PodWaitBudget {
  /** Seconds one run of the pod waits at least in the worst case; Infinity for an unbounded loop. */
  seconds: number;
  /** The arithmetic: `168 × (curl --max-time 3 s + sleep 5 s)`. */
  text: string;
  /** Where to report: the script element, and the dominant loop's position inside the script when known. */
  path: NodePath;
  inScript?: { line: number; column: number };
}

/** A container script a limit of the ShellParseBudget kept from being parsed: its wait is not counted. */
export interface SkippedScript {
  path: NodePath;
  skip: ShellSkip;
}

/**
 * The designed wait of one run of a pod: init containers run one after another, then the app
 * containers side by side, so it is the sum over init containers plus the slowest app container.
 * `budget` is undefined when no container runs a shell script with a wait the linter can read;
 * `skipped` lists the scripts `shell` did not parse because of a limit (their waits are not counted).
 */
export function podWaitBudget(object: K8sObject, shell: ShellParseBudget): { budget?: PodWaitBudget; skipped: SkippedScript[] } {
  const skipped: SkippedScript[] = [];
  const pod = podSpecOf(object);
  if (!pod) return { skipped };
  interface Entry { seconds: number; parts: Wait[]; path: NodePath; verbatim: boolean }
  const init: Entry[] = [];
  const app: Entry[] = [];
  for (const view of containersOf(pod)) {
    const script = containerScript(view);
    if (!script || !mayWait(script.script)) continue;
    const parsed = shell.parse(object.source.file, script.script);
    if (isSkipped(parsed)) skipped.push({ path: script.path, skip: parsed });
    if (!parsed.ok) continue; // skipped, or not shell the parser understands: no finding from a guess
    let budget;
    try {
      budget = waitBudget(shellParser(), parsed.file, script.env);
    } catch {
      continue; // an AST shape the walker does not expect: stay silent rather than guess
    }
    if (budget.seconds <= 0) continue;
    (view.init ? init : app).push({ seconds: budget.seconds, parts: budget.parts, path: script.path, verbatim: script.verbatim });
  }
  const slowestApp = app.reduce<Entry | undefined>((best, e) => (!best || e.seconds > best.seconds ? e : best), undefined);
  const entries = [...init, ...(slowestApp ? [slowestApp] : [])];
  if (entries.length === 0) return { skipped };
  const seconds = entries.reduce((sum, e) => sum + e.seconds, 0);
  const dominant = entries.reduce((best, e) => (e.seconds > best.seconds ? e : best));
  const part = dominantPart(dominant.parts)!;
  const parts = entries.flatMap((e) => e.parts);
  return { budget: { seconds, text: sumText(parts), path: dominant.path, ...(dominant.verbatim ? { inScript: { line: part.line, column: part.col } } : {}) }, skipped };
}
