import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMap, isSeq, parseDocument, type Node, type Pair } from "yaml";
import { splitDocuments } from "../src/load/split-documents.js";
import { TemplateMap } from "../src/locate/template-map.js";
import { helmTemplate, templateMarkers } from "./support/charts.js";
import { ensureHelm } from "./support/helm.js";
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

  it("leaves documents of a packaged (.tgz) subchart at their rendered position, and still maps the parent's", async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-tgz-"));
    try {
      const chart = path.join(work, "webapp");
      cpSync(path.join(REPO, CHART), chart, { recursive: true });
      execFileSync(ensureHelm(), ["package", path.join(chart, "charts", "cache-chart"), "--destination", path.join(chart, "charts")], { cwd: work });
      rmSync(path.join(chart, "charts", "cache-chart"), { recursive: true });
      const report = await lintJson(["-", "--chart-dir", "webapp"], { cwd: work, stdin: helmTemplate(chart) });
      const sub = report.findings.filter((f) => /periodSeconds/.test(f.message));
      expect(sub).toHaveLength(1);
      expect(sub[0]!.file).toBe("<stdin>");
      expect(sub[0]!.rendered).toBeUndefined();
      expect(sub[0]!.message).toMatch(/\(its template webapp\/charts\/\S+\/templates\/statefulset\.yaml is inside the packaged subchart webapp\/charts\/cache-0\.1\.0\.tgz, so it is shown where it was rendered\)$/);
      expect(report.findings.filter((f) => f.file.startsWith("webapp/templates/")).length).toBe(report.findings.length - 1);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses a --chart-dir that is not the chart the input was rendered from, or no chart at all", async () => {
    const other = rendered.replace(/# Source: webapp\//g, "# Source: other/");
    const wrong = await runCli(["-", "--chart-dir", CHART], { stdin: other });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(`gitops-lint: --chart-dir ${CHART} is the chart webapp, but the input was rendered from other (its # Source: lines); give the directory of that chart\n`);
    for (const [dir, why] of [["test/charts/nope", "no such directory"], ["test/charts", "no Chart.yaml there, so it is no chart"]] as const) {
      const missing = await runCli(["-", "--chart-dir", dir], { stdin: rendered });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe(`gitops-lint: --chart-dir ${dir}: ${why}\n`);
    }
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

describe("on the chart `helm create` scaffolds, every rendered key maps to a template line that writes it or an ancestor", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-scaffold-"));
    execFileSync(ensureHelm(), ["create", "demo"], { cwd: work });
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("maps each key to its own line when the template writes it literally, else to the nearest written ancestor", () => {
    const rendered = execFileSync(ensureHelm(), ["template", "rel", "demo", "--set", "ingress.enabled=true", "--set", "autoscaling.enabled=true"], { cwd: work, encoding: "utf8" });
    const documents = splitDocuments("rendered.yaml", rendered);
    // One probe finding at every key of every rendered document, mapped as the CLI maps findings.
    const probes: { finding: { file: string; line: number; column: number }; renderedLine: number; keys: string[] }[] = [];
    const map = new TemplateMap(() => documents, { cwd: work, chartDir: "demo" });
    for (const document of documents) {
      const parsed = parseDocument(document.text);
      const visit = (node: unknown, keys: string[]): void => {
        if (isMap(node)) {
          for (const pair of node.items as Pair[]) {
            const key = String((pair.key as { value: unknown }).value);
            const start = (pair.key as Node).range![0];
            const before = document.text.slice(0, start).split("\n");
            const line = document.startLine + before.length - 1;
            const column = before.at(-1)!.length + 1;
            const mapped = map.locate(document, line, column, column + 1);
            expect(mapped, `${[...keys, key].join(".")} maps to a template`).toBeDefined();
            probes.push({ finding: mapped!, renderedLine: line, keys: [...keys, key] });
            visit(pair.value, [...keys, key]);
          }
        } else if (isSeq(node)) for (const item of node.items) visit(item, keys);
      };
      visit(parsed.contents, []);
    }

    let exact = 0;
    let ancestor = 0;
    const wrong: string[] = [];
    for (const { finding, renderedLine, keys } of probes) {
      expect(finding.file).toMatch(/^demo\/templates\//);
      const text = readFileSync(path.join(work, finding.file), "utf8").split("\n")[finding.line - 1]!.slice(finding.column - 1);
      const writes = (key: string): boolean => text.startsWith(`${key}:`) || text.startsWith(`"${key}":`);
      if (writes(keys.at(-1)!)) exact++;
      else if (keys.slice(0, -1).some(writes)) ancestor++;
      else wrong.push(`${keys.join(".")} (rendered line ${renderedLine}) -> ${finding.file}:${finding.line}: ${text}`);
    }
    expect(wrong).toEqual([]);
    expect(exact).toBeGreaterThan(ancestor); // the scaffold writes most keys literally; labels and probes come from helpers and values
  });
});
