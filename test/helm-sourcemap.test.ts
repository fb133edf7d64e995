import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmTemplate, templateMarkers } from "./support/charts.js";
import { lintJson, REPO, runCli } from "./support/cli.js";
import { assertNoMachinePaths, lintSarif } from "./support/sarif.js";

// End to end with a real Helm v4: render a chart that has a subchart (aliased, in a directory named
// differently), lint the output, and check every finding lands on the template line its `# expect:`
// marker names: keys in with/if/range blocks, a range that writes several items or documents, keys
// from toYaml/include (nearest ancestor), a document written wholly by a helper (the include line).
const CHART = "test/charts/webapp";

describe("findings in helm template output land on the template line", () => {
  let rendered: string;
  beforeAll(() => {
    rendered = helmTemplate(path.join(REPO, CHART));
  }, 120_000);

  it("maps every finding to its marker, through stdin with --chart-dir", async () => {
    const report = await lintJson(["-", "--chart-dir", CHART, "--stdin-filename", "rendered/webapp.yaml"], { stdin: rendered });
    const markers = templateMarkers(path.join(REPO, CHART), REPO);
    expect(markers.some((m) => m.file.includes("/charts/"))).toBe(true); // the subchart is covered
    const at = (f: { file: string; line: number; column: number }): string => `${f.file}:${f.line}:${f.column}`;
    expect(new Set(report.findings.map(at))).toEqual(new Set(markers.map(at)));
    const renderedLines = rendered.split("\n");
    for (const finding of report.findings) {
      expect(finding.rendered?.file).toBe("rendered/webapp.yaml");
      // the rendered position is the duplicate key itself; the template line writes the same key
      const renderedLine = renderedLines[finding.rendered!.line - 1]!;
      const key = /duplicate key "([^"]+)"/.exec(finding.message)![1]!;
      expect(renderedLine.slice(finding.rendered!.column - 1)).toMatch(new RegExp(`^"?${key.replace(/[.]/g, "\\.")}"?:`));
      expect(finding.endLine).toBe(finding.line);
      expect(finding.endColumn).toBeGreaterThan(finding.column);
    }
    // a range that writes two items or documents yields one finding per rendered copy, all on one line
    const renderedPositions = report.findings.map((f) => f.rendered!.line);
    expect(new Set(renderedPositions).size).toBe(renderedPositions.length);
    expect(report.findings.length).toBeGreaterThan(markers.length);
  });

  it("puts the template position in SARIF, with the rendered one as a property", async () => {
    const log = await lintSarif(["-", "--chart-dir", CHART, "--sarif-category", "helm/webapp"], { stdin: rendered });
    const run = log.runs[0]!;
    expect(run.automationDetails?.id).toBe("helm/webapp/");
    const markers = new Set(templateMarkers(path.join(REPO, CHART), REPO).map((m) => `${m.file}:${m.line}:${m.column}`));
    expect(run.results.length).toBeGreaterThan(0);
    for (const result of run.results) {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      expect(markers).toContain(`${artifactLocation.uri}:${region.startLine}:${region.startColumn}`);
      expect(result.properties?.rendered?.file).toBe("<stdin>");
    }
    const sub = run.results.find((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.includes("/charts/"));
    expect(sub?.locations[0]!.physicalLocation.artifactLocation.uri).toBe(`${CHART}/charts/cache-chart/templates/statefulset.yaml`);
  });

  it("without a chart directory, keeps the rendered position under the --stdin-filename", async () => {
    const report = await lintJson(["-", "--stdin-filename", "out/webapp.yaml"], { stdin: rendered });
    expect(report.findings.length).toBeGreaterThan(0);
    for (const finding of report.findings) {
      expect(finding.file).toBe("out/webapp.yaml");
      expect(finding.rendered).toBeUndefined();
    }
  });

  it("leaves documents of another chart where they are", async () => {
    const other = rendered.replace(/# Source: webapp\//g, "# Source: other/");
    const report = await lintJson(["-", "--chart-dir", CHART], { stdin: other });
    expect(report.findings.every((f) => f.file === "<stdin>")).toBe(true);
  });
});

describe("no output contains a temporary or absolute path", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-paths-"));
    cpSync(path.join(REPO, CHART), path.join(work, "charts", "webapp"), { recursive: true });
    writeFileSync(path.join(work, "rendered.yaml"), helmTemplate(path.join(work, "charts", "webapp")));
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(["json", "sarif", "github", "junit", "gitlab", "stylish"])("%s, with absolute paths on the command line", async (format) => {
    const result = await runCli([path.join(work, "rendered.yaml"), "--chart-dir", path.join(work, "charts", "webapp"), "-f", format], { cwd: work });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("charts/webapp/templates/deployment.yaml");
    assertNoMachinePaths(result.stdout, [work]);
    if (format === "sarif") await lintSarif([path.join(work, "rendered.yaml"), "--chart-dir", path.join(work, "charts", "webapp")], { cwd: work });
  });
});
