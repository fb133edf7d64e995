import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lintJson, runCli, type JsonFinding } from "./support/cli.js";
import { deadUrl, packageChart, serveHelmRepository, serveOciRegistry, type Served } from "./support/chart-registry.js";

// `--pull-charts` with the real Helm against registries served on 127.0.0.1 by the test itself: an HTTP Helm
// repository (packaged and indexed by Helm) and a plain-HTTP OCI registry. No network beyond this machine.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A Deployment whose Recreate strategy keeps a rollingUpdate block (recreate-with-rolling-update), named by the
// release and a value. Rendered alone by `helm template`, it starts `---`, `# Source: …`: `rollingUpdate:` is
// rendered line 10, column 5.
const WEB = {
  "Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.2.3\n",
  "values.yaml": "suffix: web\n",
  "templates/deployment.yaml":
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-{{ .Values.suffix }}\nspec:\n  strategy:\n    type: Recreate\n" +
    "    rollingUpdate:\n      maxSurge: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n" +
    "    spec:\n      containers:\n        - name: web\n          image: web:1\n",
};
const ROLLING_UPDATE = { line: 10, column: 5 };

/** The chart packaged by Helm into a fresh directory; returns that directory and the archive. */
function packagedWeb(): { dir: string; tgz: string } {
  const dir = tempDir("gitops-lint-pull-repo-");
  return { dir, tgz: packageChart(tempDir("gitops-lint-pull-src-"), "web", WEB, dir) };
}

/** An HTTP Helm repository on 127.0.0.1 holding the chart, closed after the test. */
async function webRepository(): Promise<Served> {
  const server = await serveHelmRepository(packagedWeb().dir);
  cleanups.push(() => server.close());
  return server;
}

/** A Git work tree holding `files` (paths resolve from its root, as Flux's do). */
function repository(files: Record<string, string>): string {
  const dir = tempDir("gitops-lint-pull-");
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const helmRelease = (name: string, spec: string): string =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n${spec}`;
const fromHelmRepository = (version: string, repository = "charts"): string =>
  `  chart:\n    spec:\n      chart: web\n      version: "${version}"\n      sourceRef: {kind: HelmRepository, name: ${repository}}\n`;
const helmRepository = (url: string, extra = ""): string =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: ${url}\n${extra}`;
const ociRepository = (url: string, ref: string, extra = ""): string =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: ${url}\n  ref:\n    ${ref}\n${extra}`;
const fromOciRepository = "  chartRef:\n    kind: OCIRepository\n    name: web\n";

const at = (f: JsonFinding): string => `${f.ruleId} ${f.object ? `${f.object.kind}/${f.object.namespace ?? ""}/${f.object.name} ` : ""}${f.file}:${f.line}:${f.column} ${f.severity}`;
const of = (findings: JsonFinding[], ruleId: string): string[] => findings.filter((f) => f.ruleId === ruleId).map(at);
const notRendered = (findings: JsonFinding[]): string[] => findings.filter((f) => f.ruleId === "not-rendered").map((f) => `${f.object?.name} ${f.severity}: ${f.message}`);
const pulledWeb = (server: Served): string => `${server.url}/web 1.2.3`;
const renderedFile = (chart: string, release: string): string => `${chart} (helm template for HelmRelease flux-system/${release})`;
/**
 * The recreate-with-rolling-update finding about Deployment `name` in the render of the pulled `chart` for `release`:
 * on the HelmRelease key `at` that names the chart (the chart's files are not the user's), rendered where the chart put it.
 */
const rollingUpdateAt = (chart: string, release: string, name: string, at: string): string =>
  `recreate-with-rolling-update Deployment//${name} ${at} error, rendered at ${renderedFile(chart, release)}:${ROLLING_UPDATE.line}:${ROLLING_UPDATE.column}`;
const withRendered = (findings: JsonFinding[], ruleId: string): string[] =>
  findings.filter((f) => f.ruleId === ruleId).map((f) => `${at(f)}, rendered at ${f.rendered ? `${f.rendered.file}:${f.rendered.line}:${f.rendered.column}` : "(nowhere)"}`);

describe("--pull-charts: an HTTP(S) HelmRepository", () => {
  it("pulls the chart once, renders it for each release with that release's name, namespace and values, and lints the render", async () => {
    const server = await webRepository();
    const dir = repository({
      "clusters/prod/web.yaml": [
        helmRelease("web", fromHelmRepository("1.2.x")),
        helmRelease("web-b", `  targetNamespace: team\n  values:\n    suffix: b\n${fromHelmRepository("1.2.x")}`),
        // A HelmChart object names the same chart, source and version: the same pull.
        helmRelease("web-c", "  chartRef:\n    kind: HelmChart\n    name: web-c\n"),
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata:\n  name: web-c\n  namespace: flux-system\nspec:\n  interval: 1h\n" +
          '  chart: web\n  version: "1.2.x"\n  sourceRef: {kind: HelmRepository, name: charts}\n',
        helmRepository(server.url),
      ].join("---\n"),
    });

    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    const pulled = pulledWeb(server);
    expect(withRendered(report.findings, "recreate-with-rolling-update")).toEqual([
      rollingUpdateAt(pulled, "web", "web-web", "clusters/prod/web.yaml:10:7"),
      rollingUpdateAt(pulled, "web-b", "team-web-b-b", "clusters/prod/web.yaml:26:7"),
      rollingUpdateAt(pulled, "web-c", "web-c-web", "clusters/prod/web.yaml:37:3"),
    ]);
    expect(notRendered(report.findings)).toEqual([]);
    expect(report.notes).toEqual([
      `HelmRelease flux-system/web: rendered from ${pulled} (pulled)`,
      `HelmRelease flux-system/web-b: rendered from ${pulled} (pulled)`,
      `HelmRelease flux-system/web-c: rendered from ${pulled} (pulled)`,
    ]);
    // Three releases of one chart and version: one index read, one archive downloaded.
    expect(server.requests).toEqual(["GET /index.yaml", "GET /web-1.2.3.tgz"]);

    const stylish = await runCli(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(stylish.code).toBe(1);
    expect(stylish.stdout).toContain(`note: HelmRelease flux-system/web: rendered from ${pulled} (pulled)`);
  });

  it("renders a release of a pulled chart that another release's chart brings in, after that chart was rendered for a release", async () => {
    const server = await webRepository();
    const dir = repository({
      // A chart of this repository that installs one more release of the registry chart (rendered in a later round).
      "charts/apps/Chart.yaml": "apiVersion: v2\nname: apps\nversion: 0.1.0\n",
      "charts/apps/templates/web.yaml": helmRelease("web-d", `  values:\n    suffix: d\n${fromHelmRepository("1.2.x")}`),
      "clusters/prod/web.yaml": [
        helmRelease("web", fromHelmRepository("1.2.x")),
        helmRelease("apps", "  chart:\n    spec:\n      chart: ./charts/apps\n      sourceRef: {kind: GitRepository, name: flux-system}\n"),
        helmRepository(server.url),
      ].join("---\n"),
    });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    const pulled = pulledWeb(server);
    expect(withRendered(report.findings, "recreate-with-rolling-update")).toEqual([
      // the release a chart of this repository renders: on that chart's template line
      rollingUpdateAt(pulled, "web-d", "web-d-d", "charts/apps/templates/web.yaml:12:7"),
      rollingUpdateAt(pulled, "web", "web-web", "clusters/prod/web.yaml:10:7"),
    ]);
    expect(server.requests).toEqual(["GET /index.yaml", "GET /web-1.2.3.tgz"]);
  });

  it("lets a comment above the HelmRelease's chart key suppress a finding in the pulled chart, where the finding lands", async () => {
    const server = await webRepository();
    const suppressed = fromHelmRepository("1.2.3").replace("      chart: web\n", "      # gitops-lint-ignore recreate-with-rolling-update -- the vendor's chart; tracked upstream\n      chart: web\n");
    const dir = repository({ "clusters/prod/web.yaml": [helmRelease("web", suppressed), helmRepository(server.url)].join("---\n") });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    const found = report.findings.filter((f) => f.ruleId === "recreate-with-rolling-update");
    expect(found.map((f) => [f.file, f.line, f.suppressed])).toEqual([["clusters/prod/web.yaml", 11, true]]);
    expect(report.summary.suppressed).toBe(1);
    expect(report.code).toBe(0);
  });

  it("applies the release's post-renderers to the pulled chart's output", async () => {
    const server = await webRepository();
    const patch = "  postRenderers:\n    - kustomize:\n        patches:\n          - target: {kind: Deployment}\n            patch: |\n              - op: remove\n                path: /spec/strategy/rollingUpdate\n";
    const dir = repository({ "clusters/prod/web.yaml": [helmRelease("web", `${patch}${fromHelmRepository("1.2.3")}`), helmRepository(server.url)].join("---\n") });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(withRendered(report.findings, "recreate-with-rolling-update")).toEqual([]);
    // Still rendered and linted: the Recreate it keeps is reported (an info without a base).
    expect(withRendered(report.findings, "strategy-flip-without-force")).toEqual([
      expect.stringMatching(new RegExp(`^strategy-flip-without-force Deployment//web-web clusters/prod/web\\.yaml:17:7 info, rendered at ${renderedFile(pulledWeb(server), "web").replace(/[.()]/g, "\\$&")}:\\d+:5$`)),
    ]);
  });

  it("reports a version the repository does not have as not rendered, with Helm's reason and the charts: hint", async () => {
    const server = await webRepository();
    const dir = repository({ "clusters/prod/web.yaml": [helmRelease("web", fromHelmRepository("9.9.9")), helmRepository(server.url)].join("---\n") });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(notRendered(report.findings)).toEqual([
      `web info: HelmRelease "flux-system/web" was not rendered: \`helm pull\` of its chart ${server.url}/web 9.9.9 (HelmRepository flux-system/charts) failed: ` +
        `chart "web" version "9.9.9" not found in ${server.url} repository; its chart's objects were not linted (map it to a directory with \`charts:\` in .gitops-lint.yaml to lint it without pulling)`,
    ]);
    expect(report.findings.find((f) => f.ruleId === "not-rendered")?.file).toBe("clusters/prod/web.yaml");
    expect(report.summary.notRendered).toBe(1);
    expect(report.notes).toBeUndefined();
  });

  it("reports a repository it cannot reach as not rendered, and never crashes", async () => {
    const url = await deadUrl();
    const dir = repository({ "clusters/prod/web.yaml": [helmRelease("web", fromHelmRepository("1.2.3")), helmRepository(url)].join("---\n") });
    const result = await runCli(["clusters/prod", "--pull-charts", "-f", "json"], { cwd: dir });
    expect(result.code).toBe(0); // not-rendered is an info
    expect(result.stderr).toBe("");
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(notRendered(findings)).toEqual([expect.stringMatching(new RegExp(`^web info: .*\`helm pull\` of its chart ${url}/web 1\\.2\\.3 .*failed: looks like "${url}" is not a valid chart repository or cannot be reached: .*connection refused`))]);
  });

  it("without the flag pulls nothing, and the not-rendered message names --pull-charts as one way to lint it", async () => {
    const server = await webRepository();
    const dir = repository({ "clusters/prod/web.yaml": [helmRelease("web", fromHelmRepository("1.2.x")), helmRepository(server.url)].join("---\n") });
    const report = await lintJson(["clusters/prod"], { cwd: dir });
    expect(notRendered(report.findings)).toEqual([
      `web info: HelmRelease "flux-system/web" was not rendered: its chart web 1.2.x comes from HelmRepository flux-system/charts (${server.url}) and no chart named web is in this repository; ` +
        "map it to a directory with `charts:` in .gitops-lint.yaml, pull it from the registry with --pull-charts, or lint its render (`helm template … | gitops-lint - clusters/prod/web.yaml`)",
    ]);
    expect(server.requests).toEqual([]);
  });

  it("pulls with pullCharts: true in .gitops-lint.yaml, and rejects a pullCharts that is not a boolean at its line", async () => {
    const server = await webRepository();
    const dir = repository({
      ".gitops-lint.yaml": "pullCharts: true\n",
      "clusters/prod/web.yaml": [helmRelease("web", fromHelmRepository("1.2.3")), helmRepository(server.url)].join("---\n"),
    });
    expect((await lintJson(["clusters/prod"], { cwd: dir })).notes).toEqual([`HelmRelease flux-system/web: rendered from ${server.url}/web 1.2.3 (pulled)`]);
    // Only `true` pulls: false, or a config without the key, leaves it to --pull-charts.
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "pullCharts: false\n");
    expect(notRendered((await lintJson(["clusters/prod"], { cwd: dir })).findings)).toEqual([expect.stringContaining("pull it from the registry with --pull-charts")]);
    expect(server.requests).toEqual(["GET /index.yaml", "GET /web-1.2.3.tgz"]);
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "rules: {}\npullCharts: yes please\n");
    const invalid = await runCli(["clusters/prod"], { cwd: dir });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^gitops-lint: \.gitops-lint\.yaml:2:\d+: invalid config: .*pullCharts/);
  });

  it("renders the directory that charts: in .gitops-lint.yaml maps the chart's URL to, and pulls nothing", async () => {
    const server = await webRepository();
    const fork = Object.fromEntries(Object.entries(WEB).map(([file, text]) => [`vendor/web-fork/${file}`, text.replace("name: web\n", "name: web-fork\n")]));
    const dir = repository({
      ...fork,
      ".gitops-lint.yaml": `charts:\n  ${server.url}/web: vendor/web-fork\n`,
      "clusters/prod/web.yaml": [helmRelease("web", fromHelmRepository("1.2.3")), helmRepository(server.url)].join("---\n"),
    });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(report.notes).toEqual(["HelmRelease flux-system/web: rendered from vendor/web-fork (the chart mapped in .gitops-lint.yaml `charts:`)"]);
    // A chart of the repository: the finding is on its template's line, unlike a pulled chart's.
    expect(withRendered(report.findings, "recreate-with-rolling-update")).toEqual([
      `recreate-with-rolling-update Deployment//web-web vendor/web-fork/templates/deployment.yaml:8:5 error, rendered at ${renderedFile("vendor/web-fork", "web")}:${ROLLING_UPDATE.line}:${ROLLING_UPDATE.column}`,
    ]);
    expect(server.requests).toEqual([]);
  });

  it("cannot pull from a HelmRepository the input does not hold, and says why", async () => {
    const dir = repository({ "clusters/prod/web.yaml": helmRelease("web", fromHelmRepository("1.2.3")) });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(notRendered(report.findings)).toEqual([
      expect.stringContaining("no chart named web is in this repository, and it cannot be pulled: HelmRepository flux-system/charts is not in the input to give its URL; map it"),
    ]);
  });
});

describe("--pull-charts: OCI registries (plain HTTP, as Flux's spec.insecure says)", () => {
  async function registry(): Promise<Served & { digestOf(repository: string, tag: string): string }> {
    const server = await serveOciRegistry([{ repository: "charts/web", tag: "1.2.3", tgz: packagedWeb().tgz }]);
    cleanups.push(() => server.close());
    return server;
  }

  it("pulls an OCIRepository's chart by tag, by semver range and by digest", async () => {
    const server = await registry();
    const chartUrl = `oci://${server.host}/charts/web`;
    const digest = server.digestOf("charts/web", "1.2.3");
    for (const [ref, shown, request] of [
      ["tag: 1.2.3", `${chartUrl} 1.2.3`, "GET /v2/charts/web/manifests/1.2.3"],
      ['semver: ">=1.0.0 <2.0.0"', `${chartUrl} 1.2.3`, "GET /v2/charts/web/tags/list"],
      // A digest wins over the tag, as in source-controller.
      [`tag: 0.0.1\n    digest: ${digest}`, `${chartUrl}@${digest} 1.2.3`, `GET /v2/charts/web/manifests/${digest}`],
    ] as const) {
      server.requests.length = 0;
      const dir = repository({ "clusters/prod/web.yaml": [helmRelease("web", fromOciRepository), ociRepository(chartUrl, ref, "  insecure: true\n")].join("---\n") });
      const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
      expect(notRendered(report.findings)).toEqual([]);
      expect(report.notes).toEqual([`HelmRelease flux-system/web: rendered from ${shown} (pulled)`]);
      expect(withRendered(report.findings, "recreate-with-rolling-update")).toEqual([
        rollingUpdateAt(shown, "web", "web-web", "clusters/prod/web.yaml:8:3"),
      ]);
      expect(server.requests).toContain(request);
    }
  });

  it("pulls from a HelmRepository of type oci as <url>/<chart>", async () => {
    const server = await registry();
    const dir = repository({
      "clusters/prod/web.yaml": [helmRelease("web", fromHelmRepository("^1.2.0")), helmRepository(`oci://${server.host}/charts`, "  type: oci\n  insecure: true\n")].join("---\n"),
    });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(report.notes).toEqual([`HelmRelease flux-system/web: rendered from oci://${server.host}/charts/web 1.2.3 (pulled)`]);
    expect(of(report.findings, "recreate-with-rolling-update")).toHaveLength(1);
  });

  it("speaks HTTPS to a registry without spec.insecure, as Flux does: a plain-HTTP registry is not rendered, with Helm's reason", async () => {
    const server = await registry();
    const dir = repository({ "clusters/prod/web.yaml": [helmRelease("web", fromOciRepository), ociRepository(`oci://${server.host}/charts/web`, "tag: 1.2.3")].join("---\n") });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(notRendered(report.findings)).toEqual([expect.stringMatching(/failed: .*server gave HTTP response to HTTPS client/)]);
  });

  it("reports a tag the registry does not have as not rendered", async () => {
    const server = await registry();
    const dir = repository({
      "clusters/prod/web.yaml": [helmRelease("web", fromOciRepository), ociRepository(`oci://${server.host}/charts/web`, "tag: 9.9.9", "  insecure: true\n")].join("---\n"),
    });
    const report = await lintJson(["clusters/prod", "--pull-charts"], { cwd: dir });
    expect(notRendered(report.findings)).toEqual([expect.stringMatching(new RegExp(`\`helm pull\` of its chart oci://${server.host}/charts/web 9\\.9\\.9 \\(OCIRepository flux-system/web\\) failed: .*charts/web:9\\.9\\.9: not found`))]);
  });
});
