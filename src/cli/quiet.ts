import { summarize, type LintResult } from "../engine/finding.js";

/**
 * `--quiet`: only error findings are reported, and the summary counts what is reported, saying how many
 * warnings and infos were left out. The exit code is decided on the full result (--max-warnings counts
 * hidden warnings, as ESLint does).
 */
export function quietResult(result: LintResult): LintResult {
  const findings = result.findings.filter((f) => f.severity === "error");
  const summary = summarize(findings, result.summary);
  return { ...result, findings, summary: { ...summary, hidden: { warnings: result.summary.warnings, infos: result.summary.infos } } };
}
