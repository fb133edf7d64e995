import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { lintJson, REPO, type JsonReport } from "./support/cli.js";
import { ensureHelm } from "./support/helm.js";
import { helmPluginEnv, writeStrategyChart } from "./support/helm-plugin.js";

// The Helm plugin (plugin.yaml → `gitops-lint helm-template`), installed with the real Helm v4 binary from
// this working tree into temporary Helm directories, and run as users run it: `helm gitops-lint CHART …`.

describe("Helm plugin (helm gitops-lint), installed from the working tree into real Helm v4", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  const helm = (args: string[], cwd = REPO): { code: number; stdout: string; stderr: string } => {
    const result = spawnSync(ensureHelm(), args, { cwd, env, encoding: "utf8" });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-helm-plugin-"));
    env = helmPluginEnv(home);
    writeStrategyChart(path.join(home, "chart"));
    const installed = execFileSync(ensureHelm(), ["plugin", "install", REPO], { env, encoding: "utf8" });
    expect(installed).toContain("Installed plugin: gitops-lint");
  }, 180_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("is listed under the name and version of package.json", () => {
    const version = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
    expect((parse(readFileSync(path.join(REPO, "plugin.yaml"), "utf8")) as { version: string }).version).toBe(version);
    expect(helm(["plugin", "list"]).stdout).toMatch(new RegExp(`^gitops-lint\\s+${version.replace(/\./g, "\\.")}\\s`, "m"));
  });

  it("lints a chart directory as the CLI does, findings on the template lines, exit code 1 on errors", async () => {
    const plugin = helm(["gitops-lint", "test/charts/webapp", "--", "-f", "json"]);
    const cli = await lintJson(["test/charts/webapp"]);
    expect(plugin.code).toBe(1);
    expect(cli.code).toBe(1);
    const report = JSON.parse(plugin.stdout) as JsonReport;
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.file.startsWith("test/charts/webapp/") && f.file.endsWith(".yaml"))).toBe(true);
    expect(report.findings).toEqual(cli.findings);
  }, 120_000);

  it("passes helm template's flags to Helm (values, and the namespace Helm hands over in HELM_NAMESPACE) and gitops-lint's after --", () => {
    const clean = helm(["gitops-lint", "chart", "--", "-f", "json"], home);
    expect([clean.code, (JSON.parse(clean.stdout) as JsonReport).findings]).toEqual([0, []]);

    const recreate = helm(["gitops-lint", "chart", "--set", "recreate=true", "-n", "team-a", "--", "-f", "json"], home);
    expect(recreate.code).toBe(0); // an info: one revision cannot show the flip
    const findings = (JSON.parse(recreate.stdout) as JsonReport).findings;
    expect(findings.map((f) => [f.ruleId, f.severity, f.file, f.line, f.column, f.object?.namespace])).toEqual([
      ["strategy-flip-without-force", "info", "chart/templates/deployment.yaml", 10, 5, "team-a"],
    ]);

    const off = helm(["gitops-lint", "chart", "--set", "recreate=true", "--", "-f", "json", "--rule", "strategy-flip-without-force=off"], home);
    expect([off.code, (JSON.parse(off.stdout) as JsonReport).findings]).toEqual([0, []]);
  }, 120_000);

  it("exits 2 with Helm's own message when helm template fails: nothing was linted", () => {
    const failed = helm(["gitops-lint", "chart", "--set", "recreate"], home);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('key "recreate" has no value');
    expect(failed.stderr).toContain("gitops-lint: `helm template` failed (exit code 1); nothing was linted");
  }, 120_000);
});
