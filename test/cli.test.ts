import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { BIN, lintJson, runCli, spawnCli } from "./support/cli.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "gitops-lint-cli-"));
const duplicateKey = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
const clean = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n";
// One inline-patch-directive error: a finding rules can grade and suppression can silence.
const directive = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  $patch: merge\n";
// Two suppressions naming rules that do not exist (a comment and an annotation): two warnings, no error.
const typoedSuppressions =
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # gitops-lint-ignore invalid-inpt -- typo\n  namespace: apps\n  annotations:\n" +
  "    gitops-lint/ignore: strategy-flip-without-forse\n";
/** 1-based line and column of the first occurrence of `needle` in `text`. */
const positionOf = (text: string, needle: string): [number, number] => {
  const before = text.slice(0, text.indexOf(needle)).split("\n");
  return [before.length, before.at(-1)!.length + 1];
};

describe("exit codes", () => {
  it("stops quietly, with the lint's exit code, when the reader of its output goes away", () => {
    const dir = tmp();
    // More report than a pipe holds (64 KiB), so writing it must hit the pipe that `head` has closed (EPIPE).
    writeFileSync(path.join(dir, "bad.yaml"), Array(2000).fill(duplicateKey).join("---\n"));
    const result = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" bad.yaml | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: dir, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("1");
  });

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
    writeFileSync(path.join(dir, "bad.yaml"), directive);
    expect((await runCli(["bad.yaml"], { cwd: dir })).code).toBe(1);
    expect((await runCli(["bad.yaml", "--rule", "inline-patch-directive=off"], { cwd: dir })).code).toBe(0);
    const warned = await lintJson(["bad.yaml", "--rule", "inline-patch-directive=warning"], { cwd: dir });
    expect(warned.code).toBe(0);
    expect(warned.summary).toMatchObject({ errors: 0, warnings: 1 });
    expect((await runCli(["bad.yaml", "--rule", "inline-patch-directive=warning", "--max-warnings", "0"], { cwd: dir })).code).toBe(1);
  });

  it("never lets input that could not be read pass: invalid-input cannot be configured or suppressed", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    for (const severity of ["off", "info", "warning"]) {
      const result = await runCli(["bad.yaml", "--rule", `invalid-input=${severity}`], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("invalid-input cannot be configured");
    }
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "rules:\n  invalid-input: off\n");
    const configured = await runCli(["bad.yaml"], { cwd: dir });
    expect(configured.code).toBe(2);
    expect(configured.stderr).toContain(".gitops-lint.yaml:2:3: invalid config: invalid-input cannot be configured");
    const commented = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # gitops-lint-ignore invalid-input -- known\n  name: b\n";
    writeFileSync(path.join(dir, "commented.yaml"), commented);
    const report = await lintJson(["commented.yaml", "--config", "/dev/null"], { cwd: dir });
    expect(report.code).toBe(1);
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.suppressed, f.line, f.column])).toEqual([
      ["invalid-suppression", "warning", false, ...positionOf(commented, "invalid-input --")],
      ["invalid-input", "error", false, 6, 3],
    ]);
    const annotated = `${duplicateKey}  annotations:\n    gitops-lint/ignore: invalid-input\n`;
    writeFileSync(path.join(dir, "annotated.yaml"), annotated);
    expect((await lintJson(["annotated.yaml", "--config", "/dev/null"], { cwd: dir })).findings.map((f) => [f.ruleId, f.suppressed])).toEqual([
      ["invalid-input", false],
      ["invalid-suppression", false],
    ]);
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
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "rules:\n  inline-patch-directive: info\n");
    writeFileSync(path.join(sub, "bad.yaml"), directive);
    const report = await lintJson(["bad.yaml"], { cwd: sub });
    expect(report.findings[0]!.severity).toBe("info");
    expect(report.code).toBe(0);
  });

  it.each([
    ["unknown key", "rulez:\n  inline-patch-directive: off\n", 1, 1, /unknown key "rulez"/],
    ["unknown rule", "rules:\n  inline-patch-directive: off\n  not-a-rule: error\n", 3, 3, /unknown rule "not-a-rule"/],
    ["misspelt rule", "rules:\n  inline-patch-directve: off\n", 2, 3, /unknown rule "inline-patch-directve"; did you mean "inline-patch-directive"\?/],
    ["bad severity", "rules:\n  inline-patch-directive: loud\n", 2, 3, /inline-patch-directive/],
    ["bad duration", "releaseTimeout: soon\n", 1, 1, /releaseTimeout "soon"/],
    ["duration of the wrong type", "releaseTimeout: 10\n", 1, 1, /invalid config: releaseTimeout must be a duration like 10m or 1h30m, got 10$/m],
    ["misspelt option key", "rules:\n  liveness-equals-readiness:\n    option: {}\n", 3, 5, /invalid config: unknown key "option" in rules\.liveness-equals-readiness; did you mean "options"\?$/m],
    ["misspelt severity", "rules:\n  liveness-equals-readiness: warn\n", 2, 3, /invalid config: rules\.liveness-equals-readiness: unknown severity "warn"; did you mean "warning"\? \(off, info, warning, error\)$/m],
    ["misspelt severity in a mapping", "rules:\n  liveness-equals-readiness:\n    severity: eror\n", 3, 5, /unknown severity "eror"; did you mean "error"\?/],
    ["rule entry of the wrong type", "rules:\n  liveness-equals-readiness: 3\n", 2, 3, /must be a severity \(off, info, warning, error\) or a mapping with severity and options, got 3$/m],
    ["unknown rule option", "rules:\n  ephemeral-state-dir:\n    options:\n      stateEnvPatern: []\n", 4, 7, /unknown key "stateEnvPatern" in rules\.ephemeral-state-dir\.options; did you mean "stateEnvPatterns"\?/],
    ["bad YAML", "rules: [\n", 2, 1, /invalid YAML/],
  ])("rejects %s with file, line and column (exit 2)", async (_name, text, line, column, message) => {
    const dir = tmp();
    writeFileSync(path.join(dir, "cfg.yaml"), text);
    writeFileSync(path.join(dir, "clean.yaml"), clean);
    const result = await runCli(["clean.yaml", "--config", "cfg.yaml"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cfg.yaml:${line}:${column}:`);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain("internal error");
  });
});

describe("the bundled binary (dist/cli/, what bin/ runs)", () => {
  it("loads its lazy parts: colour on request, parse workers", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    expect(spawnCli(["bad.yaml", "--color"], { cwd: dir }).stdout).toContain("\u001b[");
    expect(spawnCli(["bad.yaml"], { cwd: dir }).stdout).not.toContain("\u001b[");
    const threaded = spawnCli(["bad.yaml", "-f", "json"], { cwd: dir, env: { GITOPS_LINT_WORKERS: "1" } });
    expect(threaded.stderr).toBe("");
    expect(JSON.parse(threaded.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(["invalid-input"]);
    expect(threaded.stdout).toBe(spawnCli(["bad.yaml", "-f", "json"], { cwd: dir, env: { GITOPS_LINT_WORKERS: "0" } }).stdout);
  });

  it("loads its lazy parts: .gitignore rules in a Git work tree, picomatch for patterns", () => {
    const dir = tmp();
    execFileSync("git", ["init", "-q"], { cwd: dir });
    writeFileSync(path.join(dir, ".gitignore"), "bad.yaml\n");
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    writeFileSync(path.join(dir, "good.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g\n");
    const walked = spawnCli([".", "-f", "json"], { cwd: dir });
    expect([walked.code, walked.stderr, JSON.parse(walked.stdout).summary.files]).toEqual([0, "", 1]);
    const globbed = spawnCli(["*.yaml", "-f", "json"], { cwd: dir });
    expect([globbed.code, globbed.stderr, JSON.parse(globbed.stdout).summary.files]).toEqual([0, "", 1]);
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
    const coloured = (await runCli(["bad.yaml", "--color"], { cwd: dir })).stdout;
    expect(coloured.split("\n")[0]).toMatch(/^\u001b\[1mbad\.yaml:5:3\u001b\[22m {2}\u001b\[31merror\u001b\[39m {2}ConfigMap "b": .* {2}\u001b\[2minvalid-input\u001b\[22m$/);
    expect(coloured).toContain("\u001b[1m\u001b[31m✖ 1 problem (1 error, 0 warnings, 0 info) — 1 object in 1 file\u001b[39m\u001b[22m");
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

describe("stylish snippets of long lines", () => {
  it("show the source of an unrendered template directive, which has no object to point into", async () => {
    const { stdout } = await runCli(["fixtures/unrendered-template/control-structure.yaml"]);
    expect(stdout).toContain("    1 | # expect: unrendered-template\n  > 2 | {{- if .Values.enabled }}\n      | ^\n");
  });

  it("cut the line to a window around the column, marked … where cut, the caret still under the key", async () => {
    const dir = tmp();
    const pairs = Array.from({ length: 60 }, (_, i) => `k${i}: ${"v".repeat(8)}`).join(", ");
    const middle = pairs.replace("k30: vvvvvvvv", "k30: vvvvvvvv, k30: again");
    writeFileSync(path.join(dir, "long.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {${middle}}\n`);
    const lines = (await runCli(["long.yaml"], { cwd: dir })).stdout.split("\n");
    const source = lines.find((l) => l.startsWith("  > 5 | "))!.slice("  > 5 | ".length);
    const caret = lines.find((l) => /^\s+\|\s+\^/.test(l))!;
    expect(source).toMatch(/^….{120}…$/u);
    const at = caret.indexOf("^") - (caret.indexOf("|") + 2);
    expect(source.slice(at)).toMatch(/^k30: again/);
    expect(at).toBe(41); // the ellipsis, then 40 characters before the key
  });
});

describe("reports", () => {
  const withReports = (): string => {
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.yaml"), duplicateKey);
    return dir;
  };
  const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), "utf8");

  it("-o creates the directory of the report", async () => {
    const dir = withReports();
    const result = await runCli(["bad.yaml", "-f", "sarif", "-o", "out/reports/gitops-lint.sarif"], { cwd: dir });
    expect([result.code, result.stdout, result.stderr]).toEqual([1, "", ""]);
    expect(JSON.parse(read(dir, "out/reports/gitops-lint.sarif")).runs[0].results).toHaveLength(1);
  });

  it("writes several reports from one run: each -f to the -o after it, or to stdout", async () => {
    const dir = withReports();
    const result = await runCli(["bad.yaml", "-f", "json", "-o", "a.json", "-f", "github", "-f", "junit", "-o", "b/c.xml"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error file=bad\.yaml,line=5,col=3/);
    expect(JSON.parse(read(dir, "a.json")).findings).toEqual([expect.objectContaining({ ruleId: "invalid-input", line: 5, column: 3 })]);
    expect(read(dir, "b/c.xml")).toContain('<testcase name="invalid-input bad.yaml:5:3"');
    // An -o before every -f belongs to the first -f.
    const leading = await runCli(["bad.yaml", "-o", "first.json", "-f", "json", "-f", "stylish"], { cwd: dir });
    expect(JSON.parse(read(dir, "first.json")).summary.errors).toBe(1);
    expect(leading.stdout).toMatch(/^bad\.yaml:5:3 {2}error/);
  });

  it.each([
    [["-f", "json", "-f", "sarif"], /-f json and -f sarif would both write to stdout; give all but one of them an -o FILE after it/],
    [["-f", "json", "-o", "a.json", "-o", "b.json"], /-f json already writes to a\.json; give each -o its own -f before it/],
    [["-f", "json", "-o", "a.json", "-f", "sarif", "-o", "a.json"], /-o a\.json is given for two reports; give each its own file/],
    [["-f", "html"], /argument 'html' is invalid\. choose from stylish, json, sarif, github, junit, gitlab\./],
  ])("rejects %j as a usage error", async (args, message) => {
    const dir = withReports();
    const result = await runCli(["bad.yaml", ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });
});

describe("the command line", () => {
  it("--help shows the lint options (lint is the command itself) and the other commands", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gitops-lint \[options\] \[paths\.\.\.\]$/m);
    for (const option of ["-f, --format <format>", "-o, --output <file>", "-c, --config <file>", "--rule <id=severity>", "--max-warnings <n>", "--chart-dir <dir>"]) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toMatch(/^Commands:\n\s+rules\s.*\n\s+explain <rule>\s.*\n\s+helm-template \[arguments\.\.\.\]/m);
  });

  it.each([
    [["--set", "bad", "x.yaml"], /^error: option '--set <key=value>' argument 'bad' is invalid\. expected key=value, as in helm --set image\.tag=1\.2\.3\.\n\(run gitops-lint --help for usage\)\n$/],
    [["--set-string", "=v", "x.yaml"], /argument '=v' is invalid\. expected key=value/],
    [["-c", "missing.yaml", "x.yaml"], /^gitops-lint: config file missing\.yaml does not exist\n$/],
    [["--rule", "invalid-input=warn", "x.yaml"], /^gitops-lint: --rule invalid-input: unknown severity "warn"; did you mean "warning"\? \(off, info, warning, error\)\n$/],
  ])("%j is a usage error (exit 2) that says what to write", async (args, message) => {
    const dir = tmp();
    writeFileSync(path.join(dir, "x.yaml"), clean);
    const result = await runCli(args, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
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

describe("unknown rule ids", () => {
  it("are usage errors in --rule and explain, with the closest rule id", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "clean.yaml"), clean);
    for (const args of [["clean.yaml", "--rule", "strategy-flip=off"], ["explain", "strategy-flip"]]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('unknown rule "strategy-flip"; did you mean "strategy-flip-without-force"?');
    }
    expect((await runCli(["clean.yaml", "--rule", "zzz=off"], { cwd: dir })).stderr).toContain("see `gitops-lint rules`");
  });

  it("in a suppression are invalid-suppression warnings, which follow that id's configured severity", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "typo.yaml"), typoedSuppressions);
    const report = await lintJson(["typo.yaml"], { cwd: dir });
    expect(report.code).toBe(0);
    expect(report.findings.map((f) => [f.severity, f.line, f.column])).toEqual([
      ["warning", ...positionOf(typoedSuppressions, "invalid-inpt")],
      ["warning", ...positionOf(typoedSuppressions, "strategy-flip-without-forse")],
    ]);
    expect(report.findings[0]!.message).toMatch(/unknown rule "invalid-inpt".*did you mean "invalid-input"\?/);
    expect(report.findings.map((f) => f.ruleId)).toEqual(["invalid-suppression", "invalid-suppression"]);
    expect((await runCli(["typo.yaml", "--rule", "invalid-suppression=error"], { cwd: dir })).code).toBe(1);
    expect((await runCli(["typo.yaml", "--rule", "invalid-suppression=off", "--max-warnings", "0"], { cwd: dir })).code).toBe(0);
  });

  it("in a comment that gives its reason without ` -- ` are one finding for the reason, not one per word", async () => {
    const text = `${clean}  # gitops-lint-ignore inline-patch-directive because the chart needs it\n  namespace: apps\n`;
    expect(text).toContain("because");
    const report = await lintJson(["-"], { stdin: text });
    expect(report.findings.map((f) => [f.line, f.column])).toEqual([positionOf(text, "because")]);
    expect(report.findings[0]!.message).toContain('"because the chart needs it" is not a rule id; write a reason after " -- "');
  });
});

describe("--quiet and --max-warnings", () => {
  // One error (the duplicate key the typo fails to suppress) and two warnings (the typos).
  const mixed = typoedSuppressions.replace("  namespace: apps\n", "  namespace: apps\n  namespace: other\n");

  it("shows errors only, and the summary counts what is shown and says what was hidden", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "mixed.yaml"), mixed);
    const loud = await runCli(["mixed.yaml"], { cwd: dir });
    expect(loud.stdout).toMatch(/✖ 3 problems \(1 error, 2 warnings, 0 info\)/);
    const quiet = await runCli(["mixed.yaml", "--quiet"], { cwd: dir });
    expect(quiet.stdout).not.toMatch(/  warning  /);
    expect(quiet.stdout).toMatch(/✖ 1 error \(2 warnings hidden by --quiet\) — 1 object in 1 file/);
    const json = await lintJson(["mixed.yaml", "--quiet"], { cwd: dir });
    expect(json.findings.map((f) => f.severity)).toEqual(["error"]);
    expect(json.summary).toMatchObject({ errors: 1, warnings: 0, infos: 0, hidden: { warnings: 2, infos: 0 } });
  });

  it("keeps the exit code: errors fail, and --max-warnings counts hidden warnings too", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "mixed.yaml"), mixed);
    writeFileSync(path.join(dir, "warnings.yaml"), typoedSuppressions);
    const clean = await runCli(["warnings.yaml", "--quiet"], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/✔ no errors, 2 warnings hidden by --quiet \(1 object in 1 file\)/);
    for (const [file, max] of [["mixed.yaml", undefined], ["warnings.yaml", "1"], ["warnings.yaml", "2"], ["warnings.yaml", "0"]] as const) {
      const args = [file, ...(max !== undefined ? ["--max-warnings", max] : [])];
      const [loud, quiet] = [await runCli(args, { cwd: dir }), await runCli([...args, "--quiet"], { cwd: dir })];
      expect(quiet.code, args.join(" ")).toBe(loud.code);
      expect(quiet.stderr).toBe(loud.stderr);
    }
    const over = await runCli(["warnings.yaml", "--quiet", "--max-warnings", "1"], { cwd: dir });
    expect(over.code).toBe(1);
    expect(over.stderr).toContain("2 warnings, more than --max-warnings 1 allows");
  });

  it("accepts --max-warnings -1 as no limit, like ESLint, and rejects other values", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "warnings.yaml"), typoedSuppressions);
    expect(await runCli(["warnings.yaml", "--max-warnings", "-1"], { cwd: dir })).toMatchObject({ code: 0, stderr: "" });
    expect((await runCli(["warnings.yaml", "--max-warnings=-1"], { cwd: dir })).code).toBe(0);
    for (const value of ["-2", "1.5", "many", ""]) {
      const result = await runCli(["warnings.yaml", "--max-warnings", value], { cwd: dir });
      expect(result.code, value).toBe(2);
      expect(result.stderr).toContain(`--max-warnings expects a whole number, or -1 for no limit, got "${value}"`);
    }
  });
});
