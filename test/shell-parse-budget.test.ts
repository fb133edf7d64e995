import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/engine/config.js";
import { ShellParseBudget } from "../src/model/shell/parse-budget.js";
import { rules } from "../rules/index.js";
import { lintJson } from "./support/cli.js";

describe("ShellParseBudget", () => {
  it("parses scripts and reports syntax errors with their position", () => {
    const shell = new ShellParseBudget();
    expect(shell.parse("a.yaml", "set -e\nif [ -f x ]; then echo ok; fi\n").ok).toBe(true);
    expect(shell.parse("a.yaml", "echo hi\nif then\n")).toEqual({ ok: false, error: expect.stringContaining("must be followed by"), line: 2, column: 1 });
  });

  it("does not parse a script over the size limit, and names the setting that raises it", () => {
    const shell = new ShellParseBudget({ maxScriptLength: 10, fileBudgetMs: 1000 });
    expect(shell.parse("a.yaml", "echo 012345")).toEqual({ ok: false, skipped: expect.stringContaining("(limits.shellMaxScriptLength: 10)"), setting: "limits.shellMaxScriptLength" });
    expect(shell.parse("a.yaml", "echo 01234").ok).toBe(true); // exactly at the limit
  });

  it("stops parsing a file's scripts once its time budget is spent, other files keep theirs", () => {
    let clock = 0;
    const shell = new ShellParseBudget({ maxScriptLength: 1000, fileBudgetMs: 50 }, () => (clock += 15)); // each parse takes 15 ms
    expect(shell.parse("slow.yaml", "echo 1").ok).toBe(true); // 15 ms
    expect(shell.parse("slow.yaml", "echo 2").ok).toBe(true); // 30 ms
    expect(shell.parse("slow.yaml", "echo 3").ok).toBe(true); // 45 ms: under 50, so it may still parse
    expect(shell.parse("slow.yaml", "echo 4").ok).toBe(true); // 60 ms: over, but measured after the fact
    expect(shell.spentOn("slow.yaml")).toBe(60);
    expect(shell.parse("slow.yaml", "echo 5")).toEqual({ ok: false, skipped: expect.stringContaining("time budget on slow.yaml (limits.shellFileBudgetMs: 50 ms)"), setting: "limits.shellFileBudgetMs" });
    expect(shell.spentOn("slow.yaml")).toBe(60); // a skipped script costs nothing
    expect(shell.parse("other.yaml", "echo 6").ok).toBe(true);
    expect(shell.spentOn("other.yaml")).toBe(15);
  });

  it("uses the default limits when the config sets none", () => {
    const shell = new ShellParseBudget(undefined);
    expect(shell.parse("a.yaml", "x".repeat(64 * 1024)).ok).toBe(true);
    expect(shell.parse("a.yaml", "x".repeat(64 * 1024 + 1))).toMatchObject({ setting: "limits.shellMaxScriptLength" });
  });
});

describe("shell limits in .gitops-lint.yaml", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const tempDir = (): string => (dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-shell-")));

  it("reach the rules' settings", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "c.yaml"), "limits:\n  shellFileBudgetMs: 500\n");
    const config = await loadConfig(path.join(cwd, "c.yaml"), "c.yaml", rules);
    expect(config.settings.shellLimits).toEqual({ maxScriptLength: 64 * 1024, fileBudgetMs: 500 });
  });

  const hookJob = (script: string): string =>
    [
      "apiVersion: batch/v1",
      "kind: Job",
      "metadata:",
      "  name: wait-for-db",
      "  annotations:",
      "    helm.sh/hook: pre-install",
      "spec:",
      "  template:",
      "    spec:",
      "      restartPolicy: Never",
      "      containers:",
      "        - name: wait",
      "          image: curlimages/curl",
      '          command: ["sh", "-c"]',
      "          args:",
      "            - |",
      ...script.split("\n").map((line) => `              ${line}`),
      "",
    ].join("\n");
  // 600 s of waiting against Helm's 5m default: an error when the script is checked.
  const longWait = "for i in $(seq 1 120); do\n  curl -sf --max-time 5 http://db:8080/health && exit 0\n  sleep 5\ndone\nexit 1";

  it("a hook script over limits.shellMaxScriptLength gets one info finding naming the limit instead of silence", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, ".gitops-lint.yaml"), "limits:\n  shellMaxScriptLength: 100\n");
    writeFileSync(path.join(cwd, "hook.yaml"), hookJob(longWait));
    const report = await lintJson(["hook.yaml"], { cwd });
    const findings = report.findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "info", file: "hook.yaml", line: 16 });
    expect(findings[0]!.message).toContain("script not checked");
    expect(findings[0]!.message).toContain("more than the shell checks parse (limits.shellMaxScriptLength: 100)");
    expect(findings[0]!.message).toContain("raise limits.shellMaxScriptLength in .gitops-lint.yaml");
    expect(findings[0]!.remediation).toContain("limits.shellMaxScriptLength");
  });

  it("the same script under the default limits is checked (an error, no info finding)", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "hook.yaml"), hookJob(longWait));
    const report = await lintJson(["hook.yaml"], { cwd });
    expect(report.findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout").map((f) => f.severity)).toEqual(["error"]);
  });

  it("a script that does not parse stays silent: it is not a limit", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, ".gitops-lint.yaml"), "limits:\n  shellMaxScriptLength: 100\n");
    writeFileSync(path.join(cwd, "hook.yaml"), hookJob("for i in $(seq 1 ; do sleep 5"));
    const report = await lintJson(["hook.yaml"], { cwd });
    expect(report.findings.filter((f) => f.ruleId === "hook-budget-exceeds-timeout")).toEqual([]);
  });

  it("ephemeral-state-dir says so when a limit keeps it from reading a tofu script", async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, "deploy.yaml"),
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: api",
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        "        - name: api",
        "          image: api:1",
        '          command: ["sh", "-c", "cd /work && tofu apply -auto-approve"]',
        "",
      ].join("\n"),
    );
    const findings = async (): Promise<Array<{ severity: string; line: number; message: string }>> =>
      (await lintJson(["deploy.yaml"], { cwd })).findings.filter((f) => f.ruleId === "ephemeral-state-dir");
    expect((await findings()).map((f) => f.severity)).toEqual(["error"]); // /work is in the container's writable layer
    writeFileSync(path.join(cwd, ".gitops-lint.yaml"), "limits:\n  shellMaxScriptLength: 20\n");
    const skipped = await findings();
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ severity: "info", line: 11 });
    expect(skipped[0]!.message).toContain("limits.shellMaxScriptLength: 20");
  });
});
