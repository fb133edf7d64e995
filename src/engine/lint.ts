import { PositionResolver } from "../load/positions.js";
import type { ManifestSet } from "../model/manifest-set.js";
import { mapToOrigin } from "../locate/origin-map.js";
import { refOf } from "../model/objects.js";
import { mapFindingsToTemplates, type SourceMapOptions } from "../locate/template-map.js";
import type { ResolvedConfig } from "./config.js";
import { compareFindings, summarize, type Finding, type LintResult } from "./finding.js";
import type { AnyRule, Report } from "./rule.js";
import { suppressionOf } from "../suppress/directives.js";
import { ShellScripts } from "../shell/shell-scripts.js";

export interface LintOptions {
  /** Diff-aware runs: the same inputs as they were at the base. */
  base?: ManifestSet;
  /** Map findings in rendered Helm output to the chart's template lines, and honour suppression comments there. */
  templates?: SourceMapOptions;
}

/** Runs every enabled rule over the set and turns their reports into positioned, suppressed, sorted findings. */
export function lint(set: ManifestSet, rules: AnyRule[], config: ResolvedConfig, options: LintOptions = {}): LintResult {
  const positions = new PositionResolver();
  const findings: Finding[] = [];
  const failures: string[] = [];
  const seen = new Set<string>();
  const ruleIds = rules.map((r) => r.meta.id);
  const { base } = options;
  // One shell pass for every rule (and the base): each script is parsed once, under deterministic limits.
  const shell = new ShellScripts(config.settings.shellLimits);

  for (const rule of rules) {
    const { id } = rule.meta;
    const configured = config.severities.get(id);
    if (configured === "off") continue;
    const ruleOptions = { ...(rule.defaultOptions ?? {}), ...(config.options.get(id) ?? {}) };
    const report = (r: Report): void => {
      const finding = toFinding(r, id, positions);
      if ("object" in r) mapToOrigin(finding, r.object, r.path, positions);
      finding.severity = configured ?? r.severity ?? rule.meta.defaultSeverity;
      finding.remediation = r.remediation ?? rule.meta.remediation;
      const key = `${id}\0${finding.file}\0${finding.line}\0${finding.column}\0${finding.message}`;
      if (seen.has(key)) return;
      seen.add(key);
      const suppression = suppressionOf(finding, "object" in r ? r.object : undefined);
      if (suppression) {
        finding.suppressed = true;
        finding.suppressionReason = suppression.reason;
      }
      findings.push(finding);
    };
    try {
      rule.check({ set, options: ruleOptions, settings: config.settings, ruleIds, shell, report, ...(base ? { base } : {}) });
    } catch (error) {
      failures.push(`rule ${id} failed: ${(error as Error).message ?? String(error)} (a bug in gitops-lint; please report it with the input)`);
    }
  }

  if (options.templates) mapFindingsToTemplates(findings, set.documents(), options.templates);
  findings.sort(compareFindings);
  return { findings, failures, summary: summarize(findings, { files: set.files.length, objects: set.objects.length, kustomizePatches: set.kustomizePatches.length }) };
}

function toFinding(r: Report, ruleId: string, positions: PositionResolver): Finding {
  const base = {
    ruleId,
    severity: "error" as const,
    message: r.message,
    remediation: "",
    suppressed: false,
    ...(r.target ? { target: r.target } : {}),
  };
  if ("object" in r) {
    const position = (r.inValue && positions.resolveInBlockScalar(r.object.source, r.path, r.inValue)) || positions.resolve(r.object.source, r.path);
    return { ...base, file: r.object.source.file, ...position, object: refOf(r.object), document: r.object.source };
  }
  return {
    ...base,
    file: r.file,
    line: r.line,
    column: r.column,
    endLine: r.line,
    endColumn: r.column,
    ...(r.document ? { document: r.document } : {}),
  };
}
