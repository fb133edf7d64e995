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
    ...(f.fatal ? { fatal: true } : {}),
  }));
  const { errors, warnings, infos, suppressed, files, objects, kustomizePatches, notRendered, hidden } = result.summary;
  const summary = { errors, warnings, infos, suppressed, files, objects, kustomizePatches, notRendered, ...(hidden ? { hidden } : {}) };
  return JSON.stringify({ version: 1, findings, summary, ...(result.notes.length > 0 ? { notes: result.notes } : {}) }, null, 2) + "\n";
}
