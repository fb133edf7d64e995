import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARSE_WORKER_ARG } from "../src/load/parse-worker-arg.js";
import { BIN, REPO } from "./support/cli.js";

// dist/gitops-lint.mjs copied alone into an empty directory (no package.json, no node_modules anywhere above
// it), linting there: what the GitHub Action and the Helm plugin run. The inputs reach every package the
// bundle loads on demand: mvdan-sh (the demo's hook scripts), yaml (positions of findings), ajv (a config
// file), ignore (.gitignore in a Git work tree) and globby (a glob).
describe("the single-file bundle, alone in an empty directory", () => {
  let dir: string;
  let bundle: string;
  const lint = (cli: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } => {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-bundle-"));
    bundle = path.join(dir, "gitops-lint.mjs");
    copyFileSync(path.join(REPO, "dist", "gitops-lint.mjs"), bundle);
    cpSync(path.join(REPO, "fixtures", "demo"), path.join(dir, "demo"), { recursive: true });
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "rules:\n  liveness-equals-readiness: info\n");
    writeFileSync(path.join(dir, ".gitignore"), "demo/raw/sovereign-fqdn.yaml\n");
    execFileSync("git", ["init", "-q"], { cwd: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs with nothing beside it and knows its version", () => {
    expect(readdirSync(dir).sort()).toEqual([".git", ".gitignore", ".gitops-lint.yaml", "demo", "gitops-lint.mjs"]);
    const version = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
    expect(lint(bundle, ["--version"]).stdout.trim()).toBe(version);
  });

  it.each([
    ["a directory walk in a Git work tree", ["demo"]],
    ["a glob", ["demo/**/*.yaml"]],
  ])("lints %s as the checkout's binary does", (_name, paths) => {
    const alone = lint(bundle, [...paths, "-f", "json"]);
    const report = JSON.parse(alone.stdout) as { findings: Array<{ ruleId: string; severity: string; file: string }> };
    expect(alone.code).toBe(1);
    expect(alone.stderr).toBe("");
    expect(report.findings.map((f) => f.ruleId)).toContain("hook-budget-exceeds-timeout"); // a parsed shell script
    expect(report.findings.find((f) => f.ruleId === "liveness-equals-readiness")?.severity).toBe("info"); // the config
    expect(report.findings.some((f) => f.file === "demo/raw/sovereign-fqdn.yaml")).toBe(false); // .gitignore (walks and globs)
    expect(alone.stdout).toBe(lint(BIN, [...paths, "-f", "json"]).stdout);
  }, 60_000);

  it("is its own parse worker", async () => {
    const worker = new Worker(bundle, { argv: [PARSE_WORKER_ARG] });
    try {
      worker.postMessage({ id: 1, documents: [{ file: "a.yaml", index: 0, text: "kind: ConfigMap\ndata: {a: b}\n", startLine: 1 }], maxAliasNodes: 1000 });
      const [reply] = (await once(worker, "message")) as [{ results: Array<{ value?: unknown; problems: unknown[] }> }];
      expect(reply.results).toEqual([{ value: { kind: "ConfigMap", data: { a: "b" } }, problems: [] }]);
    } finally {
      await worker.terminate();
    }
  }, 60_000);

  describe("keeps the code it compiled for the next run (src/build/bundle-loader.ts)", () => {
    let tmp: string;
    beforeAll(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-tmpdir-"));
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    const cacheDir = (): string => path.join(tmp, process.getuid ? `gitops-lint-compile-cache-${process.getuid()}` : "gitops-lint-compile-cache");
    const cached = (): string[] => readdirSync(cacheDir()).sort();

    it("in a directory of its own in the temp directory, one file per Node and flags", () => {
      const first = lint(bundle, ["demo", "-f", "json"], { TMPDIR: tmp, TEMP: tmp, TMP: tmp });
      expect(first.stderr).toBe("");
      if (process.platform !== "win32") expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
      const [file] = cached();
      expect(cached()).toEqual([expect.stringMatching(new RegExp(`^${process.version}-${process.arch}-[0-9a-f]+-[0-9a-f]{16}\\.bin$`))]);
      const written = statSync(path.join(cacheDir(), file!)).mtimeMs;
      // the next run reads it, gives the same report, and leaves it as it was
      expect(lint(bundle, ["demo", "-f", "json"], { TMPDIR: tmp, TEMP: tmp, TMP: tmp }).stdout).toBe(first.stdout);
      expect(statSync(path.join(cacheDir(), file!)).mtimeMs).toBe(written);
      // other V8 flags: V8 would refuse that code, so they get a file of their own
      expect(lint(bundle, ["demo", "-f", "json"], { TMPDIR: tmp, TEMP: tmp, TMP: tmp, NODE_OPTIONS: "--max-old-space-size=1000" }).stdout).toBe(first.stdout);
      expect(cached()).toHaveLength(2);
    }, 60_000);

    it("replaces what V8 refuses, and uses no directory that others could have written to", () => {
      for (const name of cached()) writeFileSync(path.join(cacheDir(), name), "not compiled code");
      const version = lint(bundle, ["--version"], { TMPDIR: tmp, TEMP: tmp, TMP: tmp });
      expect(version.code).toBe(0);
      expect(cached().map((name) => readFileSync(path.join(cacheDir(), name), "utf8").startsWith("not compiled code"))).toContain(false);
      if (process.platform === "win32") return;
      const shared = mkdtempSync(path.join(tmp, "shared-"));
      mkdirSync(path.join(shared, path.basename(cacheDir())));
      chmodSync(path.join(shared, path.basename(cacheDir())), 0o777);
      expect(lint(bundle, ["--version"], { TMPDIR: shared }).code).toBe(0);
      expect(readdirSync(path.join(shared, path.basename(cacheDir())))).toEqual([]);
    }, 60_000);
  });
});
