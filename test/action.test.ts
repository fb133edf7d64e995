import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, REPO } from "./support/cli.js";
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

  describe("the lint step's script", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-action-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const runLintStep = (paths: string): { code: number; stdout: string; outputs: string; sarif: string } => {
      const step = action.runs.steps.find((s) => s.id === "lint")!;
      const outputFile = path.join(dir, "github-output");
      writeFileSync(outputFile, "");
      const sarifFile = path.join(dir, "out.sarif");
      const result = spawnSync("bash", ["-e", "-c", step.run!], {
        cwd: REPO,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          GITHUB_OUTPUT: outputFile,
          GITOPS_LINT: BIN,
          PATHS: paths,
          ARGS: "--release-timeout 10m",
          CATEGORY: "gitops-lint/test",
          SARIF_FILE: sarifFile,
          ANNOTATIONS: "true",
        },
      });
      return { code: result.status ?? -1, stdout: result.stdout, outputs: readFileSync(outputFile, "utf8"), sarif: readFileSync(sarifFile, "utf8") };
    };

    it("writes SARIF and annotations and records exit code 1 without failing the step, so the upload still runs", () => {
      const run = runLintStep("fixtures/invalid-input/duplicate-key.yaml fixtures/unrendered-template");
      expect(run.code).toBe(0);
      expect(run.outputs).toBe("exit-code=1\n");
      const log = assertValidSarif(run.sarif);
      expect(log.runs[0]!.automationDetails?.id).toBe("gitops-lint/test/");
      expect(log.runs[0]!.results.length).toBeGreaterThan(1);
      expect(run.stdout).toMatch(/^::error file=fixtures\/invalid-input\/duplicate-key\.yaml,line=\d+/m);
    }, 60_000);

    it("fails the step on a usage error", () => {
      const run = runLintStep("no/such/dir --no-such-flag");
      expect(run.code).toBe(2);
      expect(run.outputs).toBe("exit-code=2\n");
    }, 60_000);
  });
});
