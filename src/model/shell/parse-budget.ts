import { shellParser, type ShellSyntaxResult } from "./parser.js";

export interface ShellLimits {
  /** Scripts longer than this (UTF-16 code units) are not parsed. */
  maxScriptLength: number;
  /** Parse time allowed per input file, summed over its scripts; once spent, its other scripts are not parsed. */
  fileBudgetMs: number;
}

/** Hook and init scripts are a few lines to a few hundred; 64 K characters parse in well under a second. */
export const DEFAULT_SHELL_LIMITS: ShellLimits = { maxScriptLength: 64 * 1024, fileBudgetMs: 2000 };

/** A script not parsed because of a limit: the reason, and the `.gitops-lint.yaml` setting that raises the limit. */
export interface ShellSkip {
  ok: false;
  skipped: string;
  setting: "limits.shellMaxScriptLength" | "limits.shellFileBudgetMs";
}

/** A parse under limits; a script that does not parse is not a limit, and rules stay silent about it. */
export type ShellParse = ShellSyntaxResult | ShellSkip;

export function isSkipped(parse: ShellParse): parse is ShellSkip {
  return !parse.ok && "skipped" in parse;
}

/**
 * The info finding a rule reports at a script a limit kept it from checking (spread into `report`): what
 * was not checked, why, and how to raise the limit. `subject` names the script's owner, e.g.
 * `hook Job ns/x (pre-install)`; `consequence` says what the rule could not check.
 */
export function notCheckedReport(subject: string, skip: ShellSkip, consequence: string): { severity: "info"; message: string; remediation: string } {
  return {
    severity: "info",
    message: `${subject}: script not checked: ${skip.skipped}, so ${consequence}; raise ${skip.setting} in .gitops-lint.yaml to check it`,
    remediation: `To check the script, raise ${skip.setting} in .gitops-lint.yaml (under \`limits:\`).`,
  };
}

/**
 * Parses shell scripts under limits: a maximum script size (checked before parsing, since a parse
 * cannot be interrupted) and a per-file time budget (checked before each parse). Create one per rule
 * run from `ctx.settings.shellLimits`; one pathological file cannot make the whole lint slow, and
 * nothing is skipped silently: a rule reports a skipped script as an info finding (`notCheckedReport`).
 *
 *   const shell = new ShellParseBudget(settings.shellLimits);
 *   const parsed = shell.parse(object.source.file, script);
 *   if (isSkipped(parsed)) report({ object, path, ...notCheckedReport(subject, parsed, consequence) });
 */
export class ShellParseBudget {
  private readonly spent = new Map<string, number>();
  private readonly limits: ShellLimits;

  constructor(limits: ShellLimits | undefined = DEFAULT_SHELL_LIMITS, private readonly now: () => number = () => performance.now()) {
    this.limits = limits ?? DEFAULT_SHELL_LIMITS;
  }

  /** Parses `script`, a script of input `file`, whose time budget pays for the parse. */
  parse(file: string, script: string): ShellParse {
    if (script.length > this.limits.maxScriptLength) {
      return {
        ok: false,
        skipped: `it is ${script.length.toLocaleString("en-US")} characters, more than the shell checks parse (limits.shellMaxScriptLength: ${this.limits.maxScriptLength})`,
        setting: "limits.shellMaxScriptLength",
      };
    }
    const spent = this.spent.get(file) ?? 0;
    if (spent >= this.limits.fileBudgetMs) {
      return {
        ok: false,
        skipped: `the shell parser already spent its time budget on ${file} (limits.shellFileBudgetMs: ${this.limits.fileBudgetMs} ms)`,
        setting: "limits.shellFileBudgetMs",
      };
    }
    const parser = shellParser(); // loaded outside the clock: the one-time load is not the file's parse time
    const started = this.now();
    try {
      return parser.parseOrError(script);
    } finally {
      this.spent.set(file, spent + (this.now() - started));
    }
  }

  /** Milliseconds spent parsing scripts of this file so far. */
  spentOn(file: string): number {
    return this.spent.get(file) ?? 0;
  }
}
