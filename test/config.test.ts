import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintJson, runCli } from "./support/cli.js";

// The config's error messages, whole (cli.test.ts checks their positions), and the settings that only the
// config gives: what users read when .gitops-lint.yaml is wrong, and what it changes when it is right.
const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  mode: fast\n";

async function withConfig(config: string, yaml = CLEAN, args: string[] = []) {
  writeFileSync(path.join(dir, "cfg.yaml"), config);
  writeFileSync(path.join(dir, "app.yaml"), yaml);
  return runCli(["app.yaml", "--config", "cfg.yaml", ...args], { cwd: dir });
}

describe("a config that is wrong is a usage error with the whole story", () => {
  it.each([
    ["rulez: {}\n", '1:1: invalid config: unknown key "rulez"; did you mean "rules"?'],
    ["zzzqqq: 1\n", '1:1: invalid config: unknown key "zzzqqq" (known: rules, releaseTimeout, charts, pullCharts, reportUnusedSuppressions, requireSuppressionReason, applier, limits)'],
    ["- rules\n", "1:1: invalid config: the config must be a mapping, got [\"rules\"]"],
    ["rules:\n  liveness-equals-readiness: [error]\n", '2:3: invalid config: rules.liveness-equals-readiness must be a severity (off, info, warning, error) or a mapping with severity and options, got ["error"]'],
    ["rules:\n  liveness-equals-readiness:\n    severity: 3\n", "3:5: invalid config: rules.liveness-equals-readiness.severity: unknown severity 3 (off, info, warning, error)"],
    ['reportUnusedSuppressions: "yes"\n', '1:1: invalid config: reportUnusedSuppressions must be true or false, got "yes"'],
    ["limits:\n  maxDocuments: many\n", '2:3: invalid config: limits.maxDocuments must be a whole number, got "many"'],
    ["limits:\n  maxFileSize: lots\n", '2:3: invalid config: limits.maxFileSize "lots" is not a size such as 64MB or 536870912'],
    ["limits:\n  shellMaxNodes: 0\n", "2:3: invalid config: limits.shellMaxNodes must be >= 1, got 0"],
    ["limits:\n  shellMaxScriptLength: 0\n", "2:3: invalid config: limits.shellMaxScriptLength must be >= 1, got 0"],
    ["limits:\n  shellMaxLoopNesting: -1\n", "2:3: invalid config: limits.shellMaxLoopNesting must be >= 1, got -1"],
    ["limits:\n  maxAliasNodes: 1.5\n", "2:3: invalid config: limits.maxAliasNodes must be a whole number, got 1.5"],
    ["limits:\n  maxFileSize: 1.5\n", "2:3: invalid config: limits.maxFileSize must be a size like 64MB or a number of bytes, got 1.5"],
    ['requireSuppressionReason: "yes"\n', '1:1: invalid config: requireSuppressionReason must be true or false, got "yes"'],
    ["rules: {}\nreleaseTimeout: soon\n", '2:1: invalid config: releaseTimeout "soon" is not a duration such as 10m or 1h30m'],
    ["releaseTimeout: soon\n", '1:1: invalid config: releaseTimeout "soon" is not a duration such as 10m or 1h30m'],
    ["applier: helm5\n", '1:1: invalid config: applier: unknown value "helm5"; did you mean "helm3"? (flux-kustomize, flux-helm, helm3, helm4, argocd, kubectl, kubectl-server-side)'],
    ["rules:\n  render-failed: off\n", "2:3: invalid config: render-failed cannot be turned off, only downgraded (info, warning, error)"],
    ["rules: []\n", "1:1: invalid config: rules must be a mapping, got []"],
    ["charts: x\n", '1:1: invalid config: charts must be a mapping, got "x"'],
    ["rules: {}\nrules: {}\n", "2:1: invalid YAML in config: Map keys must be unique"],
    ["rules:\n  invalid-input: warning\n", "2:3: invalid config: invalid-input cannot be configured: input gitops-lint could not read always fails the run, so that nothing passes unread"],
    // An empty entry is null: neither form, so not "must be a mapping" as if the mapping form were meant.
    ["rules:\n  liveness-equals-readiness:\n", "2:3: invalid config: rules.liveness-equals-readiness must be a severity (off, info, warning, error) or a mapping with severity and options, got null"],
    // A rule without options: no known keys to list, so the message says it takes none.
    ["rules:\n  liveness-equals-readiness:\n    options:\n      probe: readiness\n", '4:7: invalid config: unknown key "probe" in rules.liveness-equals-readiness.options; liveness-equals-readiness takes no options'],
    // Chart references hold "/" and "~", which ajv's error paths escape as ~1 and ~0.
    ["charts:\n  oci://ghcr.io/stefanprodan/charts/podinfo: 3\n", "2:3: invalid config: charts.oci://ghcr.io/stefanprodan/charts/podinfo must be a string, got 3"],
    ["charts:\n  https://example.com/~platform/charts/podinfo:\n", "2:3: invalid config: charts.https://example.com/~platform/charts/podinfo must be a string, got null"],
    // A string is shown as written, its backslashes not doubled as JSON would.
    ["charts: C:\\repo\\charts\n", '1:1: invalid config: charts must be a mapping, got "C:\\repo\\charts"'],
    // Several mistakes: one is reported, the same every run: the most deeply nested, and a rule entry that is
    // neither form only when nothing else is wrong.
    ["rules:\n  liveness-equals-readiness:\n    severity: eror\n    option: {}\n", '3:5: invalid config: rules.liveness-equals-readiness.severity: unknown severity "eror"; did you mean "error"? (off, info, warning, error)'],
    ["rules:\n  liveness-equals-readiness: [error]\nlimits:\n  maxDocuments: many\n", '4:3: invalid config: limits.maxDocuments must be a whole number, got "many"'],
  ])("%j", async (config, message) => {
    const result = await withConfig(config);
    expect(result.stderr).toBe(`gitops-lint: cfg.yaml:${message}\n`);
    expect(result.code).toBe(2);
  });

  it("names a config file it cannot read, with the system's reason", async () => {
    writeFileSync(path.join(dir, "app.yaml"), CLEAN);
    const result = await runCli(["app.yaml", "--config", "app.yaml/cfg.yaml"], { cwd: dir });
    expect(result.stderr).toBe("gitops-lint: cannot read config app.yaml/cfg.yaml: ENOTDIR\n");
    expect(result.code).toBe(2);
  });

  it("names a config file that is not there", async () => {
    const result = await runCli(["app.yaml", "--config", "nope.yaml"], { cwd: dir });
    expect(result.stderr).toBe("gitops-lint: config file nope.yaml does not exist\n");
    expect(result.code).toBe(2);
  });

  it("says a config given as a directory is one, by the name the user gave", async () => {
    mkdirSync(path.join(dir, "settings"), { recursive: true });
    const result = await runCli(["app.yaml", "--config", "settings"], { cwd: dir });
    expect(result.stderr).toBe("gitops-lint: config settings is a directory: give the config file itself (.gitops-lint.yaml or .gitops-lint.yml)\n");
    expect(result.code).toBe(2);
    const here = await runCli(["app.yaml", "--config", "."], { cwd: dir });
    expect(here.stderr).toBe("gitops-lint: config . is a directory: give the config file itself (.gitops-lint.yaml or .gitops-lint.yml)\n");
    expect(here.code).toBe(2);
  });

  it.each([
    [["--rule", "inline-patch-directive=error,"], '--rule expects id=severity, got "inline-patch-directive=error,"'],
    [["--rule", "!inline-patch-directive=error"], '--rule expects id=severity, got "!inline-patch-directive=error"'],
    [["--rule", "inline-patch-directive"], '--rule expects id=severity, got "inline-patch-directive"'],
    [["--rule", "inline-patch-directive=eror"], '--rule inline-patch-directive: unknown severity "eror"; did you mean "error"? (off, info, warning, error)'],
    [["--rule", "inline-patch-directive=loud"], '--rule inline-patch-directive: unknown severity "loud" (off, info, warning, error)'],
    [["--rule", "x-inline-patch-directive=error"], "--rule: unknown rule \"x-inline-patch-directive\"; did you mean \"inline-patch-directive\"?"],
  ])("%j", async (args, message) => {
    const result = await withConfig("{}\n", CLEAN, args);
    expect(result.stderr).toBe(`gitops-lint: ${message}\n`);
    expect(result.code).toBe(2);
  });
});

describe("what the config sets", () => {
  const RECREATE = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n";

  it("--rule takes id=severity with spaces around it", async () => {
    const result = await withConfig("{}\n", `${CLEAN}  $patch: merge\n`, ["--rule", " inline-patch-directive=off "]);
    expect(result.code).toBe(0);
  });

  it("releaseTimeout: the Helm release timeout hook budgets are measured against", async () => {
    const job =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait-for-db\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n" +
      '      containers:\n        - name: wait\n          image: curlimages/curl\n          command: ["sh", "-c"]\n          args:\n            - |\n' +
      "              for i in $(seq 1 12); do\n                curl -sf --max-time 5 http://db:8080/health && exit 0\n                sleep 5\n              done\n              exit 1\n";
    expect((await withConfig("releaseTimeout: 1m\n", job)).stdout).toContain("= 120 s ≥ release timeout 1m = 60 s");
    expect((await withConfig("releaseTimeout: 10m\n", job)).code).toBe(0);
  });

  it("a notice that may only be downgraded accepts a lower severity", async () => {
    expect((await withConfig("rules:\n  render-failed: warning\n")).code).toBe(0);
  });

  it("an entry that sets no severity is accepted even for a notice that cannot be configured: it changes nothing", async () => {
    expect((await withConfig("rules:\n  invalid-input:\n    options: {}\n")).code).toBe(0);
  });

  it("applier: names itself in what the findings say", async () => {
    writeFileSync(path.join(dir, "cfg.yaml"), "applier: helm4\n");
    writeFileSync(path.join(dir, "app.yaml"), RECREATE);
    const report = await lintJson(["app.yaml", "--config", "cfg.yaml"], { cwd: dir });
    expect(report.findings.map((f) => f.ruleId)).toEqual(["strategy-flip-without-force"]);
    expect(report.findings[0]!.remediation).toMatch(/^Applied by Helm 4 \(server-side apply\) \(applier: helm4 in cfg\.yaml\)\./);
  });

  it("a rule's severity, alone or in a mapping; a mapping with options only keeps the default severity", async () => {
    const severities = async (config: string): Promise<string[]> => {
      writeFileSync(path.join(dir, "cfg.yaml"), config);
      writeFileSync(path.join(dir, "app.yaml"), `${CLEAN}  $patch: merge\n`);
      return (await lintJson(["app.yaml", "--config", "cfg.yaml"], { cwd: dir })).findings.map((f) => `${f.ruleId} ${f.severity}`);
    };
    expect(await severities("rules:\n  inline-patch-directive: warning\n")).toEqual(["inline-patch-directive warning"]);
    expect(await severities("rules:\n  inline-patch-directive:\n    severity: info\n")).toEqual(["inline-patch-directive info"]);
    expect(await severities("rules:\n  inline-patch-directive:\n    options: {}\n")).toEqual(["inline-patch-directive error"]);
    expect(await severities("rules:\n  inline-patch-directive: off\n")).toEqual([]);
  });

  it("an engine notice can be turned off or down like a rule where it allows it", async () => {
    const release =
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  interval: 10m\n  chart:\n    spec:\n" +
      "      chart: podinfo\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n";
    const notices = async (config: string): Promise<string[]> => {
      writeFileSync(path.join(dir, "cfg.yaml"), config);
      writeFileSync(path.join(dir, "app.yaml"), release);
      return (await lintJson(["app.yaml", "--config", "cfg.yaml"], { cwd: dir })).findings.map((f) => `${f.ruleId} ${f.severity}`);
    };
    expect(await notices("{}\n")).toEqual(["not-rendered info"]);
    expect(await notices("rules:\n  not-rendered: warning\n")).toEqual(["not-rendered warning"]);
    expect(await notices("rules:\n  not-rendered: off\n")).toEqual([]);
  });

  it("limits: a file over maxFileSize and a document over maxAliasNodes are invalid input", async () => {
    const big = await withConfig("limits:\n  maxFileSize: 10B\n");
    expect(big.stdout).toContain("app.yaml:1:1  error  file is 72 bytes, more than the limit of 10 bytes: it was not linted; raise limits.maxFileSize (--max-file-size) if it really is one render  invalid-input");
    const aliases = await withConfig("limits:\n  maxAliasNodes: 2\n", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata: &d\n  a: b\n  c: d\nbinaryData: *d\n");
    expect(aliases.stdout).toMatch(/invalid-input/);
    expect(aliases.code).toBe(1);
    expect((await withConfig("limits:\n  maxAliasNodes: 2000\n", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata: &d\n  a: b\nbinaryData: *d\n")).code).toBe(0);
  });

  it("limits: a shell limit makes a longer script one the checks cannot read", async () => {
    const job =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n" +
      '      containers:\n        - name: wait\n          image: busybox\n          command: ["sh", "-c", "until nc -z db 5432; do sleep 5; done"]\n';
    const ids = async (config: string): Promise<string[]> => {
      writeFileSync(path.join(dir, "cfg.yaml"), config);
      writeFileSync(path.join(dir, "app.yaml"), job);
      return (await lintJson(["app.yaml", "--config", "cfg.yaml"], { cwd: dir })).findings.map((f) => f.ruleId);
    };
    expect(await ids("limits:\n  shellMaxScriptLength: 10\n")).toContain("script-not-checked");
    expect(await ids("limits:\n  shellMaxNodes: 1000\n")).not.toContain("script-not-checked");
  });

  it("limits: shellMaxLoopNesting counts the loops a script nests", async () => {
    const job =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wait\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n" +
      '      containers:\n        - name: wait\n          image: busybox\n          command: ["sh", "-c", "for a in 1 2; do for b in 1 2; do sleep 1; done; done"]\n';
    const nested = await withConfig("limits:\n  shellMaxLoopNesting: 1\n", job);
    expect(nested.stdout).toContain("script not checked: it nests loops 2 deep (limits.shellMaxLoopNesting: 1)");
    expect((await withConfig("limits:\n  shellMaxLoopNesting: 2\n", job)).stdout).not.toContain("script-not-checked");
  });
});
