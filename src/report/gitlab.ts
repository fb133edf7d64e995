import type { LintResult } from "../engine/finding.js";
import type { Severity } from "../engine/severity.js";
import { fingerprints } from "./fingerprint.js";
import { repoFile, type RepoPaths } from "./repo-relative.js";

const SEVERITY: Record<Severity, "major" | "minor" | "info"> = { error: "major", warning: "minor", info: "info" };

/**
 * GitLab Code Quality report (a JSON array of issues: description, check_name, fingerprint, severity,
 * location.path, location.lines.begin). Fingerprints do not contain line numbers, so an issue keeps its
 * identity when lines move; repeats get their order mixed in, as GitLab needs them unique.
 * Paths are relative to the repository root. Suppressed findings are left out.
 */
export function formatGitlab(result: LintResult, paths?: RepoPaths): string {
  const active = result.findings.filter((f) => !f.suppressed);
  const ids = fingerprints(active);
  const issues = active.map((finding, i) => ({
    type: "issue",
    description: `${finding.message} (${finding.ruleId})`,
    check_name: finding.ruleId,
    fingerprint: ids[i]!,
    severity: SEVERITY[finding.severity],
    categories: ["Bug Risk"],
    location: { path: repoFile(finding.file, paths), lines: { begin: finding.line, end: Math.max(finding.line, finding.endLine) } },
  }));
  return JSON.stringify(issues, null, 2) + "\n";
}
