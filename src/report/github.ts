import type { Finding, LintResult } from "../engine/finding.js";
import type { Severity } from "../engine/severity.js";
import { hiddenByQuiet } from "./hidden-by-quiet.js";
import { repoFile, type RepoPaths } from "./repo-relative.js";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

/**
 * GitHub Actions workflow commands, one per finding:
 * `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. Data escapes `%`, CR and LF;
 * property values also escape `:` and `,` (the runner's own escaping rules, actions/toolkit
 * `command.ts`). Files are named relative to the repository root, which the runner resolves them against.
 * Suppressed findings are left out.
 */
export function formatGithub(result: LintResult, paths?: RepoPaths): string {
  const lines = result.findings.filter((f) => !f.suppressed).map((f) => githubCommand(f, paths));
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}

export function githubCommand(finding: Finding, paths?: RepoPaths): string {
  const properties: [string, string | number][] = [
    ["file", repoFile(finding.file, paths)],
    ["line", finding.line],
    ["col", finding.column],
  ];
  if (finding.endLine > finding.line) properties.push(["endLine", finding.endLine]);
  else if (finding.endColumn > finding.column) properties.push(["endLine", finding.endLine], ["endColumn", finding.endColumn]);
  properties.push(["title", `gitops-lint ${finding.ruleId}`]);
  const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(",");
  return `::${COMMAND[finding.severity]} ${props}::${escapeData(`${finding.message}\n\nHow to fix: ${finding.remediation}`)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** Markdown for `$GITHUB_STEP_SUMMARY`: counts and a table of findings. */
export function githubStepSummary(result: LintResult, paths?: RepoPaths): string {
  const active = result.findings.filter((f) => !f.suppressed);
  const { errors, warnings, infos, suppressed, objects, files } = result.summary;
  const hidden = hiddenByQuiet(result.summary);
  const errorCount = `${errors} error${errors === 1 ? "" : "s"}`;
  // --quiet: only errors are shown, so only errors are counted as shown.
  const counts = hidden !== undefined ? errorCount : active.length === 0 ? "No problems" : `${errorCount}, ${warnings} warning${warnings === 1 ? "" : "s"}, ${infos} info`;
  const notes = [hidden, suppressed ? `${suppressed} suppressed` : undefined].filter((n) => n !== undefined);
  const head = `### gitops-lint\n\n${counts}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}` +
    ` in ${objects} object${objects === 1 ? "" : "s"} from ${files} file${files === 1 ? "" : "s"}.\n`;
  if (active.length === 0) return head;
  const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const rows = active.map((f) => `| ${f.severity} | \`${cell(repoFile(f.file, paths))}:${f.line}\` | \`${f.ruleId}\` | ${cell(f.message)} |`);
  return `${head}\n| Severity | Location | Rule | Message |\n|---|---|---|---|\n${rows.join("\n")}\n`;
}
