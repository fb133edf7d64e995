import { createRequire } from "node:module";

/**
 * mvdan-sh (the Go shell parser compiled to JS), loaded on first use: loading it costs about 200 ms,
 * which a run without shell scripts (most pre-commit runs) must not pay. Rules never import
 * `mvdan-sh` directly; they go through a ShellParseBudget.
 */
// mvdan-sh ships no types; the part used here.
export interface ShellSyntax {
  NewParser(...options: unknown[]): { Parse(source: string, name: string): unknown };
  [name: string]: unknown;
}

let syntax: ShellSyntax | undefined;

export function shellSyntax(): ShellSyntax {
  syntax ??= (createRequire(import.meta.url)("mvdan-sh") as { syntax: ShellSyntax }).syntax;
  return syntax;
}

export interface ShellLimits {
  /** Scripts longer than this (UTF-16 code units) are not parsed. */
  maxScriptLength: number;
  /** Parse time allowed per input file, summed over its scripts; once spent, its other scripts are not parsed. */
  fileBudgetMs: number;
}

/** Hook and init scripts are a few lines to a few hundred; 64 K characters parse in well under a second. */
export const DEFAULT_SHELL_LIMITS: ShellLimits = { maxScriptLength: 64 * 1024, fileBudgetMs: 2000 };

export type ShellParse =
  | { ok: true; file: unknown }
  | { ok: false; error: string; line?: number; column?: number }
  /** Not parsed because of a limit; the rule should say so (a finding at info level) rather than stay silent. */
  | { ok: false; skipped: string };

/**
 * Parses shell scripts under limits: a maximum script size (checked before parsing, since a parse
 * cannot be interrupted) and a per-file time budget (checked before each parse). Create one per rule
 * run; one pathological file cannot make the whole lint slow, and nothing is skipped silently.
 *
 *   const shell = new ShellParseBudget();
 *   const parsed = shell.parse(object.source.file, script);
 *   if (!parsed.ok && "skipped" in parsed) ctx.report({ ..., severity: "info", message: `script not checked: ${parsed.skipped}` });
 */
export class ShellParseBudget {
  private readonly spent = new Map<string, number>();
  private parser: { Parse(source: string, name: string): unknown } | undefined;

  constructor(private readonly limits: ShellLimits = DEFAULT_SHELL_LIMITS, private readonly now: () => number = () => performance.now()) {}

  parse(file: string, script: string, name = "script"): ShellParse {
    if (script.length > this.limits.maxScriptLength) {
      return { ok: false, skipped: `the script is ${script.length.toLocaleString("en-US")} characters, more than the ${this.limits.maxScriptLength.toLocaleString("en-US")} the shell checks parse` };
    }
    const spent = this.spent.get(file) ?? 0;
    if (spent >= this.limits.fileBudgetMs) {
      return { ok: false, skipped: `the shell parser already spent its ${this.limits.fileBudgetMs} ms budget on ${file}` };
    }
    this.parser ??= shellSyntax().NewParser();
    const started = this.now();
    try {
      return { ok: true, file: this.parser.Parse(script, name) };
    } catch (error) {
      return { ok: false, ...describeError(error) };
    } finally {
      this.spent.set(file, spent + (this.now() - started));
    }
  }

  /** Milliseconds spent parsing scripts of this file so far. */
  spentOn(file: string): number {
    return this.spent.get(file) ?? 0;
  }
}

function describeError(error: unknown): { error: string; line?: number; column?: number } {
  // mvdan-sh throws Go error objects: the message comes from their Error() method, as "name:line:col: text".
  const text = typeof (error as { Error?: unknown })?.Error === "function" ? String((error as { Error(): string }).Error()) : String((error as Error)?.message ?? error);
  const match = /^[^:]*:(\d+):(\d+): (.*)$/s.exec(text);
  return match ? { error: match[3]!, line: Number(match[1]), column: Number(match[2]) } : { error: text };
}
