import { diffSets } from "../diff/set-diff.js";
import type { ManifestSet } from "../model/manifest-set.js";
import { ShellScripts } from "../shell/shell-scripts.js";
import type { ResolvedConfig } from "./config.js";
import { gradedSeverity } from "./graded-severity.js";
import type { AnyRule, Report } from "./rule.js";
import type { Severity } from "./severity.js";

/** A rule's report with what the engine decided about it: which rule, which severity, which remediation. */
export type RuleReport = Report & {
  ruleId: string;
  severity: Severity;
  remediation: string;
  /** Input that was not read (invalid-input): never suppressed, never configurable. */
  fatal?: boolean;
};

export interface RuleRun {
  reports: RuleReport[];
  /** Internal failures (a rule that threw): reported on stderr, and the exit code becomes 2. */
  failures: string[];
}

/**
 * Runs every enabled rule over one set. Positions, suppression and output are later stages (src/locate,
 * src/suppress, src/report). In a diff-aware run the set's objects are paired with the base's once, here.
 */
export function runRules(set: ManifestSet, rules: AnyRule[], config: ResolvedConfig, base?: ManifestSet, shell = new ShellScripts(config.settings.shellLimits)): RuleRun {
  const diff = base ? diffSets(base, set, config.settings.baseName ?? "the base") : undefined;
  const reports: RuleReport[] = [];
  const failures: string[] = [];
  const ruleIds = rules.map((r) => r.meta.id);
  for (const rule of rules) {
    const { id, defaultSeverity } = rule.meta;
    const configured = config.severities.get(id);
    if (configured === "off") continue;
    const options = { ...(rule.defaultOptions ?? {}), ...(config.options.get(id) ?? {}) };
    const report = (r: Report): void => {
      reports.push({ ...r, ruleId: id, severity: gradedSeverity(defaultSeverity, r.severity, configured), remediation: r.remediation ?? rule.meta.remediation });
    };
    try {
      rule.check({ set, options, settings: config.settings, ruleIds, shell, report, ...(diff ? { diff } : {}) });
    } catch (error) {
      failures.push(`rule ${id} failed: ${(error as Error).message ?? String(error)} (a bug in gitops-lint; please report it with the input)`);
    }
  }
  return { reports, failures };
}
