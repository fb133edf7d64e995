import type { Finding, LintResult } from "../engine/finding.js";

/**
 * JUnit XML for CI systems that show test reports: one test suite per file with one test case per
 * finding, or a single passing case when there is nothing to report, so a clean run still shows up as a
 * green test. Only errors are failures, so the report agrees with the exit code: a warning or an info is
 * a passing case that carries the finding in its output, a suppressed finding a skipped one. (ESLint's
 * junit formatter makes every message a failure, warnings included.)
 */
export function formatJunit(result: LintResult): string {
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  const suites: string[] = [];
  for (const [file, findings] of byFile) {
    const failures = findings.filter(isFailure).length;
    const skipped = findings.filter((f) => f.suppressed).length;
    const cases = findings.map((f) => {
      const name = attr(`${f.ruleId} ${f.file}:${f.line}:${f.column}`);
      const body = `${f.severity}: ${f.message}\n${f.file}:${f.line}:${f.column}${f.rendered ? ` (rendered at ${f.rendered.file}:${f.rendered.line}:${f.rendered.column})` : ""}\nHow to fix: ${f.remediation}`;
      const inner = f.suppressed
        ? `<skipped message="${attr(`suppressed: ${f.suppressionReason ?? ""}`)}"/>`
        : isFailure(f)
          ? `<failure message="${attr(f.message)}" type="${attr(f.severity)}">${text(body)}</failure>`
          : `<system-out>${text(body)}</system-out>`;
      return `    <testcase name="${name}" classname="${attr(f.ruleId)}" file="${attr(f.file)}" line="${f.line}">${inner}</testcase>`;
    });
    suites.push(
      `  <testsuite name="${attr(file)}" tests="${findings.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  if (suites.length === 0) {
    suites.push(`  <testsuite name="gitops-lint" tests="1" failures="0" errors="0" skipped="0">\n    <testcase name="no problems" classname="gitops-lint"/>\n  </testsuite>`);
  }
  const total = Math.max(1, result.findings.length);
  const failures = result.findings.filter(isFailure).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gitops-lint" tests="${total}" failures="${failures}" errors="0">\n${suites.join("\n")}\n</testsuites>\n`;
}

function isFailure(finding: Finding): boolean {
  return !finding.suppressed && finding.severity === "error";
}

// XML 1.0 cannot carry most control characters even escaped: they are replaced.
function text(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
