import path from "node:path";
import { describe, expect, it } from "vitest";
import { helmTemplate, templateMarkers } from "./support/charts.js";
import { lintJson, REPO } from "./support/cli.js";

// End to end with a real Helm v4: `# gitops-lint-ignore` comments written in a chart's templates, where
// `helm template` does not put them above the rendered line of the finding, and `{{/* gitops-lint-ignore */}}`
// template comments, which rendering drops. The template's `# expect:`
// markers name the findings that must stay active; the suppressing comments' reasons name the others.
const CHART = "test/charts/suppressions";
const at = (f: { file: string; line: number; column: number }): string => `${f.file}:${f.line}:${f.column}`;

// Rendered once, by whichever test runs first (the first run may fetch Helm).
let rendered: string | undefined;
const render = (): string => (rendered ??= helmTemplate(path.join(REPO, CHART)));

describe("gitops-lint-ignore comments in chart templates", () => {
  it("suppress the findings mapped to the line below them (or to their own line), and only those", async () => {
    const report = await lintJson(["-", "--chart-dir", CHART], { stdin: render() });
    const active = report.findings.filter((f) => !f.suppressed);
    expect(active.map(at).sort()).toEqual(templateMarkers(path.join(REPO, CHART), REPO).map(at).sort());

    const suppressed = report.findings.filter((f) => f.suppressed);
    expect(suppressed.map((f) => f.suppressionReason).sort()).toEqual([
      "covers what the helper writes",
      "trailing template comment",
      "tuned releases override the mode",
      "written as a template comment",
    ]);
    for (const finding of suppressed) expect(finding.file).toBe(`${CHART}/templates/configmaps.yaml`);
    expect(report.code).toBe(1); // the comment elsewhere covers nothing
  }, 120_000);

  it("work the same when the chart directory itself is the input (gitops-lint renders it)", async () => {
    const viaChartDir = await lintJson(["-", "--chart-dir", CHART], { stdin: render() });
    const direct = await lintJson([CHART]);
    const brief = (findings: typeof direct.findings): string[] => findings.map((f) => `${at(f)} ${f.ruleId} ${f.suppressed ? `suppressed: ${f.suppressionReason}` : "active"}`).sort();
    expect(direct.findings.filter((f) => f.suppressed)).toHaveLength(4);
    expect(brief(direct.findings)).toEqual(brief(viaChartDir.findings));
  }, 120_000);

  it("suppress nothing in the rendered stream alone: without --chart-dir the same findings are active", async () => {
    const mapped = await lintJson(["-", "--chart-dir", CHART], { stdin: render() });
    const unmapped = await lintJson(["-"], { stdin: render() });
    const renderedAt = mapped.findings.filter((f) => f.suppressed).map((f) => `<stdin>:${f.rendered!.line}:${f.rendered!.column}`);
    expect(renderedAt).toHaveLength(4);
    expect(unmapped.findings.filter((f) => !f.suppressed).map(at)).toEqual(expect.arrayContaining(renderedAt));
  }, 120_000);
});
