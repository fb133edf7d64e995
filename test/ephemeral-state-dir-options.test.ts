import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: runner
spec:
  template:
    spec:
      containers:
        - name: runner
          image: example/runner:1
          env:
            - name: STACK_ROOT
              value: /scratch/stack
            - name: RUNNER_TOFU_WORKDIR
              value: /scratch/tofu
          volumeMounts:
            - name: scratch
              mountPath: /scratch
      volumes:
        - name: scratch
          emptyDir: {}
`;

async function lintWith(config: string | undefined): Promise<{ code: number; names: string[]; stderr: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-state-"));
  writeFileSync(path.join(dir, "runner.yaml"), manifest);
  if (config !== undefined) writeFileSync(path.join(dir, ".gitops-lint.yaml"), config);
  const result = await runCli(["runner.yaml", "-f", "json"], { cwd: dir });
  const names =
    result.code === 2
      ? []
      : (JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings
          .filter((f) => f.ruleId === "ephemeral-state-dir")
          .map((f) => /: ([A-Z_]+)=/.exec(f.message)?.[1] ?? "?");
  return { code: result.code, names, stderr: result.stderr };
}

describe("ephemeral-state-dir options", () => {
  it("uses the built-in patterns by default", async () => {
    expect((await lintWith(undefined)).names).toEqual(["RUNNER_TOFU_WORKDIR"]);
  });

  it("stateEnvPatterns adds names; ignoreEnv removes them", async () => {
    const config = "rules:\n  ephemeral-state-dir:\n    options:\n      stateEnvPatterns: ['STACK_*']\n      ignoreEnv: ['RUNNER_*']\n";
    expect((await lintWith(config)).names).toEqual(["STACK_ROOT"]);
  });

  it("rejects an unknown option with its position", async () => {
    const result = await lintWith("rules:\n  ephemeral-state-dir:\n    options:\n      statePatterns: ['X']\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/statePatterns/);
  });
});
