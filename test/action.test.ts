import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "./support/cli.js";
import { assertValidSarif } from "./support/sarif.js";

interface Step {
  name: string;
  id?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const ACTION_TEXT = readFileSync(path.join(REPO, "action.yml"), "utf8");
const action = parse(ACTION_TEXT) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Step[] } };
const lintStep = action.runs.steps.find((s) => s.id === "lint")!;

describe("GitHub Action (action.yml)", () => {
  it("is a composite action whose expressions only use declared inputs and whose run steps name a shell", () => {
    expect(action.runs.using).toBe("composite");
    const used = [...ACTION_TEXT.matchAll(/inputs\.([a-z0-9-]+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(action.inputs)).toContain(name);
    for (const step of action.runs.steps) if (step.run) expect(step.shell).toBe("bash");
    const upload = action.runs.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload?.with).toMatchObject({ sarif_file: "${{ inputs.sarif-file }}", category: "${{ inputs.category }}" });
  });

  it("installs and builds nothing: it runs the bundled CLI from the Action's own tree, once", () => {
    for (const step of action.runs.steps) expect(step.run ?? "").not.toMatch(/\bnpm\b|\bnpx\b|\btsc\b/);
    expect(lintStep.env?.GITOPS_LINT).toBe("${{ github.action_path }}/dist/gitops-lint.cjs");
    expect(lintStep.run!.match(/node "\$GITOPS_LINT"/g)).toHaveLength(1);
  });

  describe("the lint step's script, with the bundle alone in a directory (no package.json, no node_modules)", () => {
    let dir: string;
    let actionPath: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-action-"));
      actionPath = path.join(dir, "action");
      mkdirSync(path.join(actionPath, "dist"), { recursive: true });
      copyFileSync(path.join(REPO, "dist", "gitops-lint.cjs"), path.join(actionPath, "dist", "gitops-lint.cjs"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const runLintStep = (paths: string, annotations = "true"): { code: number; stdout: string; outputs: string; sarif: string; summary: string } => {
      const outputFile = path.join(dir, "github-output");
      const summaryFile = path.join(dir, "step-summary");
      writeFileSync(outputFile, "");
      writeFileSync(summaryFile, "");
      const sarifFile = path.join(dir, "reports", "out.sarif");
      rmSync(path.dirname(sarifFile), { recursive: true, force: true });
      const env: Record<string, string> = {
        PATH: process.env.PATH!,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        PATHS: paths,
        ARGS: "--release-timeout 10m",
        CATEGORY: "gitops-lint/test",
        SARIF_FILE: sarifFile,
        ANNOTATIONS: annotations,
        BASE: "auto",
      };
      // The step's `${{ github.action_path }}` expression, as the runner substitutes it.
      for (const [name, value] of Object.entries(lintStep.env!)) env[name] ??= value.replace("${{ github.action_path }}", actionPath);
      const result = spawnSync("bash", ["-e", "-c", lintStep.run!], { cwd: REPO, encoding: "utf8", env });
      let sarif = "";
      try {
        sarif = readFileSync(sarifFile, "utf8");
      } catch {
        // no report: the caller checks
      }
      return { code: result.status ?? -1, stdout: result.stdout, outputs: readFileSync(outputFile, "utf8"), sarif, summary: readFileSync(summaryFile, "utf8") };
    };

    it("writes SARIF, annotations and the job summary from one run, and records exit code 1 without failing the step", () => {
      expect(readdirSync(actionPath)).toEqual(["dist"]);
      const run = runLintStep("fixtures/invalid-input/duplicate-key.yaml fixtures/unrendered-template");
      expect(run.code).toBe(0);
      expect(run.outputs).toBe("exit-code=1\n");
      const log = assertValidSarif(run.sarif);
      expect(log.runs[0]!.automationDetails?.id).toBe("gitops-lint/test/");
      const annotated = run.stdout.split("\n").filter((line) => line.startsWith("::"));
      // The same findings in both reports: one annotation per SARIF result.
      expect(annotated).toHaveLength(log.runs[0]!.results.length);
      expect(annotated.length).toBeGreaterThan(1);
      expect(run.stdout).toMatch(/^::error file=fixtures\/invalid-input\/duplicate-key\.yaml,line=\d+/m);
      expect(run.summary).toContain("duplicate-key.yaml");
    }, 60_000);

    it("writes only the SARIF when annotations are off", () => {
      const run = runLintStep("fixtures/invalid-input/duplicate-key.yaml", "false");
      expect(run.outputs).toBe("exit-code=1\n");
      expect(assertValidSarif(run.sarif).runs[0]!.results.length).toBeGreaterThan(0);
      expect(run.stdout).not.toMatch(/^::/m);
    }, 60_000);

    it("fails the step on a usage error", () => {
      const run = runLintStep("no/such/dir --no-such-flag");
      expect(run.code).toBe(2);
      expect(run.outputs).toBe("exit-code=2\n");
    }, 60_000);
  });

  it("fails with a clear error when the Action's tree has no built CLI (a branch instead of a release tag)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-action-empty-"));
    try {
      const outputFile = path.join(dir, "github-output");
      writeFileSync(outputFile, "");
      const result = spawnSync("bash", ["-e", "-c", lintStep.run!], {
        cwd: REPO,
        encoding: "utf8",
        env: { PATH: process.env.PATH!, GITHUB_OUTPUT: outputFile, GITOPS_LINT: path.join(dir, "dist", "gitops-lint.cjs"), PATHS: ".", ANNOTATIONS: "true" },
      });
      expect(result.status).toBe(2);
      expect(result.stdout).toMatch(/^::error title=gitops-lint::no built CLI at .*: use a release tag/m);
      expect(readFileSync(outputFile, "utf8")).toBe("exit-code=2\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
