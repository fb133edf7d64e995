import type { NodePath } from "../load/types.js";
import { boundedBy, commandWait, type Wait } from "../shell/command-waits.js";
import { mayWait } from "../shell/may-wait.js";
import { shellParser } from "../shell/parser.js";
import type { ShellScripts } from "../shell/shell-scripts.js";
import { dominantPart, sumText, waitBudget } from "../shell/wait-budget.js";
import { containerCommand, type ContainerCommand, type ContainerScript } from "./container-script.js";
import type { K8sObject } from "./objects.js";
import { containersOf, podSpecOf } from "./pod-spec.js";

export interface PodWaitBudget {
  /** Seconds one run of the pod waits at least in the worst case; Infinity for an unbounded loop. */
  seconds: number;
  /** The arithmetic: `168 × (curl --max-time 3 s + sleep 5 s)`. */
  text: string;
  /** Where to report: the element of `command`/`args` that causes the wait, and the position inside a script when known. */
  path: NodePath;
  inScript?: { line: number; column: number };
}

/**
 * The designed wait of one run of a pod: init containers run one after another, then the app
 * containers side by side, so it is the sum over init containers plus the slowest app container.
 * Undefined when no container runs a command or script with a wait the linter can read. Scripts are
 * read through the run's shell pass; one it could not read counts no wait (script-not-checked says so).
 */
export function podWaitBudget(object: K8sObject, shell: ShellScripts): PodWaitBudget | undefined {
  const pod = podSpecOf(object);
  if (!pod) return undefined;
  interface Entry { seconds: number; parts: Wait[]; path: NodePath; inScript?: { line: number; column: number } }
  const init: Entry[] = [];
  const app: Entry[] = [];
  for (const view of containersOf(pod)) {
    const command = containerCommand(view);
    const entry = command ? containerWait(command, shell) : undefined;
    if (entry && entry.seconds > 0) (view.init ? init : app).push(entry);
  }
  const slowestApp = app.reduce<Entry | undefined>((best, e) => (!best || e.seconds > best.seconds ? e : best), undefined);
  const entries = [...init, ...(slowestApp ? [slowestApp] : [])];
  if (entries.length === 0) return undefined;
  const seconds = entries.reduce((sum, e) => sum + e.seconds, 0);
  const dominant = entries.reduce((best, e) => (e.seconds > best.seconds ? e : best));
  return { seconds, text: sumText(entries.flatMap((e) => e.parts)), path: dominant.path, ...(dominant.inScript ? { inScript: dominant.inScript } : {}) };
}

/** The script of a container whose wait the hook check reads: only scripts that can run a waiting command are parsed. */
export function waitScriptOf(command: ContainerCommand): ContainerScript | undefined {
  return command.script && mayWait(command.script.script) ? command.script : undefined;
}

/** One container's wait: its script's, or its exec-form command's, bounded by a `timeout N` wrapper. */
function containerWait(command: ContainerCommand, shell: ShellScripts): { seconds: number; parts: Wait[]; path: NodePath; inScript?: { line: number; column: number } } | undefined {
  const nowhere = { line: 0, col: 0 };
  let inner: { seconds: number; parts: Wait[]; path: NodePath; inScript?: { line: number; column: number } } | undefined;
  if (command.script) {
    const script = waitScriptOf(command);
    const read = script ? shell.read(script.script) : undefined;
    if (script && read?.ok) {
      let budget;
      try {
        budget = waitBudget(shellParser(), read.file, command.env);
      } catch {
        budget = undefined; // an AST shape the walker does not expect: no finding from a guess
      }
      const part = budget && budget.seconds > 0 ? dominantPart(budget.parts)! : undefined;
      if (budget && part) inner = { seconds: budget.seconds, parts: budget.parts, path: script.path, ...(script.verbatim ? { inScript: { line: part.line, column: part.col } } : {}) };
    }
  } else {
    const wait = commandWait(command.words.slice(command.index), nowhere);
    if (wait) inner = { seconds: wait.seconds, parts: [wait], path: command.paths[command.index]! };
  }
  if (!command.timeout) return inner;
  const innerWait = inner ? { seconds: inner.seconds, text: sumText(inner.parts), ...nowhere } : undefined;
  const bounded = boundedBy(innerWait, command.timeout.seconds, nowhere)!;
  return bounded === innerWait ? inner : { seconds: bounded.seconds, parts: [bounded], path: command.paths[command.timeout.index]! };
}
