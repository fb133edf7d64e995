import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, UsageError } from "../src/engine/config.js";
import { DEFAULT_SHELL_LIMITS, ShellScripts } from "../src/shell/shell-scripts.js";
import { CONSTRUCTS } from "./support/shell-scripts.js";
import { parseHere } from "../src/shell/go-tree.js";
import { rules } from "../rules/index.js";
import { lintJson } from "./support/cli.js";

describe("the run's shell pass", () => {
  it("parses a script once and gives every caller the same tree", () => {
    const shell = new ShellScripts();
    const first = shell.read("set -e\nif [ -f x ]; then echo ok; fi\n");
    expect(first.ok).toBe(true);
    expect(shell.read("set -e\nif [ -f x ]; then echo ok; fi\n")).toBe(first);
  });

  it("says where the parser stops on a script it cannot read", () => {
    expect(new ShellScripts().read("echo hi\nif then\n")).toEqual({ ok: false, reason: "syntax", error: expect.stringContaining("must be followed by"), line: 2, column: 1 });
  });

  it("does not parse a script over the length limit, and names the setting that raises it", () => {
    const shell = new ShellScripts({ ...DEFAULT_SHELL_LIMITS, maxScriptLength: 10 });
    expect(shell.read("echo 012345")).toEqual({
      ok: false,
      reason: "limit",
      skipped: "it is 11 characters, more than the shell checks parse (limits.shellMaxScriptLength: 10)",
      setting: "limits.shellMaxScriptLength",
    });
    expect(shell.read("echo 01234").ok).toBe(true); // exactly at the limit
  });

  it("does not analyse a tree with more nodes than the limit", () => {
    // `echo a b` is File, Stmt, CallExpr and three Words of one Lit each: 9 nodes.
    expect(new ShellScripts({ ...DEFAULT_SHELL_LIMITS, maxNodes: 9 }).read("echo a b").ok).toBe(true);
    expect(new ShellScripts({ ...DEFAULT_SHELL_LIMITS, maxNodes: 8 }).read("echo a b")).toMatchObject({
      ok: false,
      skipped: "its syntax tree has more than 8 nodes (limits.shellMaxNodes: 8)",
      setting: "limits.shellMaxNodes",
    });
  });

  it("does not analyse loops nested deeper than the limit, counting only loops inside loops", () => {
    const nested = "for a in 1; do while true; do until false; do sleep 1; done; done; done\nfor b in 1; do :; done";
    expect(new ShellScripts({ ...DEFAULT_SHELL_LIMITS, maxLoopNesting: 3 }).read(nested).ok).toBe(true);
    expect(new ShellScripts({ ...DEFAULT_SHELL_LIMITS, maxLoopNesting: 2 }).read(nested)).toMatchObject({
      ok: false,
      skipped: "it nests loops 3 deep (limits.shellMaxLoopNesting: 2)",
      setting: "limits.shellMaxLoopNesting",
    });
  });

  // 16,000 commands joined by `&&` are a tree 32,000 levels deep, in 48,001 characters (under the length limit).
  const deepChain = `${"a&&".repeat(16_000)}a`;
  const TOO_DEEP = { ok: false, reason: "limit", skipped: "its syntax tree nests more than 1,000 levels deep, more than the shell checks read" };

  it("does not read a tree nested deeper than the fixed bound, however far the parser got", () => {
    expect(new ShellScripts().read(deepChain)).toEqual(TOO_DEEP);
    // 501 nested subshells: within the length and node limits, over the nesting bound by a few levels
    expect(new ShellScripts().read(`${"( ".repeat(501)}sleep 1${" )".repeat(501)}`)).toEqual(TOO_DEEP);
  });

  it("reads a script nested deeper than the main thread's stack allows, within the bound: the same however warm the parser is", () => {
    // 400 nested arithmetic parentheses (a tree about 400 deep) overflow this thread's default stack in the parser:
    // the script is parsed again on the shell worker's deeper stack.
    const arithmetic = `sleep $((${"(".repeat(400)}1${")".repeat(400)}))`;
    expect(parseHere().parseOrError(arithmetic)).toEqual({ ok: false, overflow: true });
    const first = new ShellScripts().read(arithmetic);
    expect(first.ok).toBe(true);
    for (let i = 0; i < 20; i++) new ShellScripts().read(`sleep ${i} && ${CONSTRUCTS[i % CONSTRUCTS.length]}`);
    expect(new ShellScripts().read(arithmetic)).toEqual(first);
  }, 60_000);

  it("uses the default limits when the config sets none", () => {
    const shell = new ShellScripts(undefined);
    expect(shell.read("x".repeat(64 * 1024)).ok).toBe(true);
    expect(shell.read("x".repeat(64 * 1024 + 1))).toMatchObject({ setting: "limits.shellMaxScriptLength" });
  });
});

describe("shell limits in .gitops-lint.yaml", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const tempDir = (): string => (dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-shell-")));

  it("reach the run's settings, the others keeping their defaults", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "c.yaml"), "limits:\n  shellMaxNodes: 500\n");
    const config = await loadConfig(path.join(cwd, "c.yaml"), "c.yaml", rules);
    expect(config.settings.shellLimits).toEqual({ maxScriptLength: 64 * 1024, maxNodes: 500, maxLoopNesting: 8 });
  });

  it("no longer accept a time budget", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "c.yaml"), "limits:\n  shellFileBudgetMs: 500\n");
    const loading = loadConfig(path.join(cwd, "c.yaml"), "c.yaml", rules);
    await expect(loading).rejects.toThrow(UsageError);
    await expect(loading).rejects.toThrow('unknown key "shellFileBudgetMs" in limits');
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

  it("a hook script over a limit gets one script-not-checked info naming the limit, and no hook-budget finding", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, ".gitops-lint.yaml"), "limits:\n  shellMaxNodes: 40\n");
    writeFileSync(path.join(cwd, "hook.yaml"), hookJob(longWait));
    const report = await lintJson(["hook.yaml"], { cwd });
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.file, f.line, f.column])).toEqual([["script-not-checked", "info", "hook.yaml", 16, 15]]);
    expect(report.findings[0]!.message).toBe(
      'Job "wait-for-db" container "wait": script not checked: its syntax tree has more than 40 nodes (limits.shellMaxNodes: 40), ' +
        "so its wait is not checked against the Helm release timeout; raise limits.shellMaxNodes in .gitops-lint.yaml to check it",
    );
  });

  it("the same script under the default limits is checked (an error, no script-not-checked)", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "hook.yaml"), hookJob(longWait));
    const report = await lintJson(["hook.yaml"], { cwd });
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([["hook-budget-exceeds-timeout", "error"]]);
  });

  it("setting hook-budget-exceeds-timeout's severity leaves the unchecked script an info: the exit code depends on the input only", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, ".gitops-lint.yaml"), "rules:\n  hook-budget-exceeds-timeout: error\nlimits:\n  shellMaxScriptLength: 100\n");
    writeFileSync(path.join(cwd, "hook.yaml"), hookJob(longWait));
    const report = await lintJson(["hook.yaml"], { cwd });
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([["script-not-checked", "info"]]);
    // The block scalar keeps the script's final newline.
    expect(report.findings[0]!.message).toContain(`it is ${longWait.length + 1} characters, more than the shell checks parse (limits.shellMaxScriptLength: 100)`);
  });

  it("a hook script nested too deeply to read gets script-not-checked at the arg, saying to split it", async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, "hook.yaml"), hookJob(`until curl -sf http://db:8080/health; do sleep 5; done && ${"a&&".repeat(16_000)}a`));
    const report = await lintJson(["hook.yaml"], { cwd });
    expect([report.code, report.stderr]).toEqual([0, ""]); // no rule failed on it
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.file, f.line, f.column])).toEqual([["script-not-checked", "info", "hook.yaml", 16, 15]]);
    expect(report.findings[0]!.message).toBe(
      'Job "wait-for-db" container "wait": script not checked: its syntax tree nests more than 1,000 levels deep, more than the shell checks read, ' +
        "so its wait is not checked against the Helm release timeout; split the script into smaller ones to check it, or suppress this finding",
    );
  });

  it("ephemeral-state-dir leaves a tofu script over a limit to script-not-checked", async () => {
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
    const findings = async (): Promise<Array<[string, string, number]>> => (await lintJson(["deploy.yaml"], { cwd })).findings.map((f) => [f.ruleId, f.severity, f.line]);
    expect(await findings()).toEqual([["ephemeral-state-dir", "error", 11]]); // /work is in the container's writable layer
    writeFileSync(path.join(cwd, ".gitops-lint.yaml"), "limits:\n  shellMaxScriptLength: 20\n");
    expect(await findings()).toEqual([["script-not-checked", "info", 11]]);
  });
});
