import type { LintResult } from "../engine/finding.js";

/** The `--format json` contract (DESIGN §2): one object, version 1. */
export function formatJson(result: LintResult): string {
  const findings = result.findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    ...(f.rendered ? { rendered: f.rendered } : {}),
    ...(f.object ? { object: f.object } : {}),
    ...(f.target ? { target: f.target } : {}),
    remediation: f.remediation,
    suppressed: f.suppressed,
    ...(f.suppressionReason !== undefined ? { suppressionReason: f.suppressionReason } : {}),
  }));
  const { errors, warnings, infos, suppressed, files, objects, kustomizePatches, hidden } = result.summary;
  const summary = { errors, warnings, infos, suppressed, files, objects, kustomizePatches, ...(hidden ? { hidden } : {}) };
  return JSON.stringify({ version: 1, findings, summary }, null, 2) + "\n";
}
