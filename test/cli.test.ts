import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lintJson, runCli, spawnCli } from "./support/cli.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "gitops-lint-cli-"));
const duplicateKey = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
const clean = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n";

describe("exit codes", () => {
  it("is 0 on clean input, 1 on findings at error level, 2 on usage errors", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "clean.yaml"), clean);
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    expect((await runCli(["clean.yaml"], { cwd: dir })).code).toBe(0);
    expect((await runCli(["bad.yaml"], { cwd: dir })).code).toBe(1);
    expect((await runCli([], { cwd: dir })).code).toBe(2);
    expect((await runCli(["clean.yaml", "--format", "nope"], { cwd: dir })).code).toBe(2);
    expect((await runCli(["clean.yaml", "--rule", "no-such-rule=error"], { cwd: dir })).code).toBe(2);
    expect((await runCli(["clean.yaml", "--release-timeout", "soon"], { cwd: dir })).code).toBe(2);
  });

  it("turns a rule off or down with --rule, and --max-warnings fails on too many warnings", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    expect((await runCli(["bad.yaml", "--rule", "invalid-input=off"], { cwd: dir })).code).toBe(0);
    const warned = await lintJson(["bad.yaml", "--rule", "invalid-input=warning"], { cwd: dir });
    expect(warned.code).toBe(0);
    expect(warned.summary).toMatchObject({ errors: 0, warnings: 1 });
    expect((await runCli(["bad.yaml", "--rule", "invalid-input=warning", "--max-warnings", "0"], { cwd: dir })).code).toBe(1);
  });

  it("the real binary reports usage errors without a stack trace", () => {
    const result = spawnCli(["--no-such-flag"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("stdin", () => {
  it("reads - and names it with --stdin-filename, linted together with files", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "clean.yaml"), clean);
    const report = await lintJson(["-", "clean.yaml", "--stdin-filename", "rendered.yaml"], { cwd: dir, stdin: `---\n${duplicateKey}` });
    expect(report.summary.files).toBe(2);
    expect(report.summary.objects).toBe(2);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: "invalid-input", file: "rendered.yaml", line: 6, column: 3 });
  });

  it("works through the real binary's stdin", () => {
    const result = spawnCli(["-", "-f", "json"], { stdin: duplicateKey });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings[0]).toMatchObject({ file: "<stdin>", line: 5, column: 3 });
  });
});

describe("config", () => {
  it("is found upward from the working directory and sets severities", async () => {
    const dir = tmp();
    const sub = path.join(dir, "deep", "er");
    await import("node:fs").then((fs) => fs.mkdirSync(sub, { recursive: true }));
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "rules:\n  invalid-input: info\n");
    writeFileSync(path.join(sub, "bad.yaml"), duplicateKey);
    const report = await lintJson(["bad.yaml"], { cwd: sub });
    expect(report.findings[0]!.severity).toBe("info");
    expect(report.code).toBe(0);
  });

  it.each([
    ["unknown key", "rulez:\n  invalid-input: off\n", 1, 1, /unknown key "rulez"/],
    ["unknown rule", "rules:\n  invalid-input: off\n  not-a-rule: error\n", 3, 3, /unknown rule "not-a-rule"/],
    ["bad severity", "rules:\n  invalid-input: loud\n", 2, 3, /invalid-input/],
    ["bad duration", "releaseTimeout: soon\n", 1, 1, /releaseTimeout "soon"/],
    ["bad YAML", "rules: [\n", 2, 1, /invalid YAML/],
  ])("rejects %s with file, line and column (exit 2)", async (_name, text, line, column, message) => {
    const dir = tmp();
    writeFileSync(path.join(dir, "cfg.yaml"), text);
    writeFileSync(path.join(dir, "clean.yaml"), clean);
    const result = await runCli(["clean.yaml", "--config", "cfg.yaml"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cfg.yaml:${line}:${column}:`);
    expect(result.stderr).toMatch(message);
  });
});

describe("stylish output", () => {
  it("prints file:line:col, severity, message, rule id, a snippet with a caret, and a summary", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    const { stdout } = await runCli(["bad.yaml"], { cwd: dir });
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^bad\.yaml:5:3  error  ConfigMap "b": duplicate key "name".*  invalid-input$/);
    expect(stdout).toContain("> 5 |   name: b");
    expect(lines.find((l) => l.includes("^"))).toMatch(/^\s+\|   \^/);
    expect(stdout).toMatch(/✖ 1 problem \(1 error, 0 warnings, 0 info\) — 1 object in 1 file/);
  });

  it("colours only when asked or on a terminal, honouring NO_COLOR and FORCE_COLOR", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    const ansi = /\u001b\[/;
    expect((await runCli(["bad.yaml"], { cwd: dir })).stdout).not.toMatch(ansi);
    expect((await runCli(["bad.yaml", "--color"], { cwd: dir })).stdout).toMatch(ansi);
    expect((await runCli(["bad.yaml"], { cwd: dir, env: { FORCE_COLOR: "1" } })).stdout).toMatch(ansi);
    expect((await runCli(["bad.yaml", "--no-color"], { cwd: dir, env: { FORCE_COLOR: "1" } })).stdout).not.toMatch(ansi);
    expect((await runCli(["bad.yaml"], { cwd: dir, env: { NO_COLOR: "1", FORCE_COLOR: "1" } })).stdout).not.toMatch(ansi);
  });

  it("writes the report to a file with -o", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    const result = await runCli(["bad.yaml", "-f", "json", "-o", "report.json"], { cwd: dir });
    expect(result.stdout).toBe("");
    const report = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(path.join(dir, "report.json"), "utf8")));
    expect(report.version).toBe(1);
  });
});

describe("rules and explain", () => {
  it("lists rules and explains one from its metadata", async () => {
    expect((await runCli(["rules"])).stdout).toMatch(/^invalid-input\s+error\s+/m);
    const explained = await runCli(["explain", "unrendered-template"]);
    expect(explained.stdout).toMatch(/^# unrendered-template/);
    expect(explained.stdout).toContain("**How to fix.**");
    expect((await runCli(["explain", "nope"])).code).toBe(2);
  });
});
