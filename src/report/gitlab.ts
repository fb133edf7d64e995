import { createHash } from "node:crypto";
import type { LintResult } from "../engine/finding.js";
import type { Severity } from "../engine/severity.js";
import { fingerprint } from "./sarif.js";

const SEVERITY: Record<Severity, "major" | "minor" | "info"> = { error: "major", warning: "minor", info: "info" };

/**
 * GitLab Code Quality report (a JSON array of issues: description, check_name, fingerprint, severity,
 * location.path, location.lines.begin). Fingerprints do not contain line numbers, so an issue keeps its
 * identity when lines move; GitLab needs them unique, so repeats get their order mixed in.
 * Suppressed findings are left out.
 */
export function formatGitlab(result: LintResult): string {
  const seen = new Map<string, number>();
  const issues = result.findings
    .filter((f) => !f.suppressed)
    .map((finding) => {
      const base = fingerprint(finding);
      const repeat = seen.get(base) ?? 0;
      seen.set(base, repeat + 1);
      return {
        type: "issue",
        description: `${finding.message} (${finding.ruleId})`,
        check_name: finding.ruleId,
        fingerprint: repeat === 0 ? createHash("md5").update(base).digest("hex") : createHash("md5").update(`${base}\0${repeat}`).digest("hex"),
        severity: SEVERITY[finding.severity],
        categories: ["Bug Risk"],
        location: { path: finding.file, lines: { begin: finding.line, end: Math.max(finding.line, finding.endLine) } },
      };
    });
  return JSON.stringify(issues, null, 2) + "\n";
}
