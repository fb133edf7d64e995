import type { LintResult } from "../engine/finding.js";
import type { Severity } from "../engine/severity.js";
import { codeFrame } from "./code-frame.js";
import { hiddenByQuiet } from "./hidden-by-quiet.js";
import type { Paint } from "./paint.js";

/** `file:line:col  severity  message  rule-id`, a source snippet with a caret, and a summary line. */
export function formatStylish(result: LintResult, paint: Paint): string {
  const severity: Record<Severity, (s: string) => string> = { error: paint.red, warning: paint.yellow, info: paint.blue };
  const blocks: string[] = [];
  for (const finding of result.findings) {
    if (finding.suppressed) continue;
    const head =
      `${paint.bold(`${finding.file}:${finding.line}:${finding.column}`)}  ${severity[finding.severity](finding.severity)}  ` +
      `${finding.message}  ${paint.dim(finding.ruleId)}`;
    const frame = codeFrame(finding, { gutter: paint.dim, marker: severity[finding.severity] });
    const rendered = finding.rendered ? paint.dim(`\n    rendered at ${finding.rendered.file}:${finding.rendered.line}:${finding.rendered.column}`) : "";
    blocks.push(frame ? `${head}${rendered}\n${frame}` : `${head}${rendered}`);
  }
  const { summary } = result;
  const problems = summary.errors + summary.warnings + summary.infos;
  const patches = summary.kustomizePatches ? `, ${summary.kustomizePatches} kustomize patch file${summary.kustomizePatches === 1 ? "" : "s"} skipped` : "";
  const notRendered = summary.notRendered ? `, ${summary.notRendered} not rendered` : "";
  const scope = `${summary.objects} object${summary.objects === 1 ? "" : "s"} in ${summary.files} file${summary.files === 1 ? "" : "s"}${patches}${notRendered}`;
  const suppressed = summary.suppressed ? `, ${summary.suppressed} suppressed` : "";
  const hidden = hiddenByQuiet(summary);
  const errors = `${summary.errors} error${summary.errors === 1 ? "" : "s"}`;
  let line: string;
  if (hidden !== undefined) {
    // --quiet: only errors are shown, so only errors are counted as shown.
    line = summary.errors
      ? paint.bold(paint.red(`✖ ${errors} (${hidden}${suppressed}) — ${scope}`))
      : summary.notRendered
        ? paint.yellow(`no errors, ${hidden}${suppressed}, but not everything was linted (${scope})`)
        : paint.green(`✔ no errors, ${hidden}${suppressed} (${scope})`);
  } else {
    line =
      problems === 0 && summary.notRendered
        ? paint.yellow(`no problems${suppressed} in what was linted, but not everything was (${scope})`)
        : problems === 0
        ? paint.green(`✔ no problems${suppressed} (${scope})`)
        : paint.bold(
            (summary.errors ? paint.red : paint.yellow)(
              `✖ ${problems} problem${problems === 1 ? "" : "s"} (${errors}, ` +
                `${summary.warnings} warning${summary.warnings === 1 ? "" : "s"}, ${summary.infos} info${suppressed}) — ${scope}`,
            ),
          );
  }
  const notes = result.notes.length > 0 ? [paint.dim(result.notes.map((n) => `note: ${n}`).join("\n"))] : [];
  return [...blocks, ...notes, line].join("\n\n") + "\n";
}
