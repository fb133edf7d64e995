import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARSE_WORKER_ARG, SHELL_WORKER_ARG } from "../src/util/worker-args.js";
import { SIGNAL_BYTES } from "../src/shell/shell-worker.js";
import { BIN, REPO } from "./support/cli.js";

// dist/gitops-lint.cjs copied alone into an empty directory (no package.json, no node_modules anywhere above
// it), linting there: what the GitHub Action and the Helm plugin run. The inputs reach every package the
// bundle loads on demand: mvdan-sh (the demo's hook scripts), yaml (positions of findings), ajv (a config
// file), ignore (.gitignore in a Git work tree) and picomatch (a glob).
describe("the single-file bundle, alone in an empty directory", () => {
  let dir: string;
  let bundle: string;
  const lint = (cli: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } => {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-bundle-"));
    bundle = path.join(dir, "gitops-lint.cjs");
    copyFileSync(path.join(REPO, "dist", "gitops-lint.cjs"), bundle);
    cpSync(path.join(REPO, "fixtures", "demo"), path.join(dir, "demo"), { recursive: true });
    writeFileSync(path.join(dir, ".gitops-lint.yaml"), "rules:\n  liveness-equals-readiness: info\n");
    writeFileSync(path.join(dir, ".gitignore"), "demo/raw/sovereign-fqdn.yaml\n");
    execFileSync("git", ["init", "-q"], { cwd: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs with nothing beside it and knows its version", () => {
    expect(readdirSync(dir).sort()).toEqual([".git", ".gitignore", ".gitops-lint.yaml", "demo", "gitops-lint.cjs"]);
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

  it("is its own shell worker", async () => {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(SIGNAL_BYTES));
    const worker = new Worker(bundle, { argv: [SHELL_WORKER_ARG], workerData: { port: port2, signal }, transferList: [port2] });
    try {
      port1.postMessage({ id: 1, op: "parse", text: "sleep 5" });
      expect(Atomics.wait(signal, 0, 0, 30_000)).not.toBe("timed-out");
      const reply = receiveMessageOnPort(port1)?.message as { id: number; result: { ok: boolean; file: { Stmts: Array<{ Cmd: { type: string } }> } } };
      expect(reply.id).toBe(1);
      expect(reply.result.file.Stmts[0]!.Cmd.type).toBe("CallExpr");
    } finally {
      port1.close();
      await worker.terminate();
    }
  }, 60_000);

  describe("keeps the code it compiled for the next run (src/build/bundle-loader.ts)", () => {
    let tmp: string;
    let first: { code: number; stdout: string; stderr: string };
    const env = (): NodeJS.ProcessEnv => ({ TMPDIR: tmp, TEMP: tmp, TMP: tmp });
    const cacheDir = (): string => path.join(tmp, process.getuid ? `gitops-lint-compile-cache-${process.getuid()}` : "gitops-lint-compile-cache");
    const cached = (): string[] => readdirSync(cacheDir()).sort();
    beforeAll(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-tmpdir-"));
      first = lint(bundle, ["demo", "-f", "json"], env());
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it("in a directory of its own in the temp directory: the program's code, and each package's it loaded", () => {
      expect(first.stderr).toBe("");
      if (process.platform !== "win32") expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
      const name = new RegExp(`^${process.version}-${process.arch}-[0-9a-f]+-[0-9a-f]{16}-([a-z0-9-]+)\\.(bin|js)$`);
      expect(cached().every((file) => name.test(file))).toBe(true);
      // the demo's hook scripts need mvdan-sh: its text is kept too (reading it is cheaper than decompressing it)
      expect(cached().map((file) => name.exec(file)!.slice(1).join("."))).toEqual(expect.arrayContaining(["program.bin", "mvdan-sh.bin", "mvdan-sh.js"]));
      // the next run reads them, gives the same report, and leaves them as they were
      const written = cached().map((file) => statSync(path.join(cacheDir(), file)).mtimeMs);
      expect(lint(bundle, ["demo", "-f", "json"], env()).stdout).toBe(first.stdout);
      expect(cached().map((file) => statSync(path.join(cacheDir(), file)).mtimeMs)).toEqual(written);
    }, 60_000);

    it("per V8 flags: V8 refuses code compiled under other flags", () => {
      const before = cached().filter((file) => file.endsWith("-program.bin"));
      expect(lint(bundle, ["demo", "-f", "json"], { ...env(), NODE_OPTIONS: "--max-old-space-size=1000" }).stdout).toBe(first.stdout);
      const after = cached().filter((file) => file.endsWith("-program.bin"));
      expect(after).toHaveLength(2);
      expect(after).toEqual(expect.arrayContaining(before));
    }, 60_000);

    it("keeps the program's code from a small run: a larger run's only until a small run comes (SMALL_RUN_BYTES)", () => {
      const own = mkdtempSync(path.join(tmp, "own-"));
      const ownEnv = { TMPDIR: own, TEMP: own, TMP: own };
      const programCache = (): string[] => {
        const dirs = readdirSync(own).filter((name) => name.startsWith("gitops-lint-compile-cache"));
        return dirs.flatMap((d) => readdirSync(path.join(own, d)).filter((file) => /-program(-large)?\.bin$/.test(file)).map((file) => file.replace(/^.*-program/, "program")));
      };
      // 1.2 MB of ConfigMaps: over the 1 MiB below which a run counts as small
      const big = path.join(dir, "big.yaml");
      const configMap = (i: number): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\ndata:\n  value: "${"x".repeat(1000)}"\n`;
      writeFileSync(big, Array.from({ length: 1200 }, (_, i) => configMap(i)).join("---\n"));
      const bigRun = lint(bundle, ["big.yaml", "-f", "json"], ownEnv);
      expect(bigRun.stderr).toBe("");
      expect(programCache()).toEqual(["program-large.bin"]);
      // a small run started from that code: it cannot leave its own, so it drops it; the next small run keeps its own
      expect(lint(bundle, ["demo", "-f", "json"], ownEnv).stdout).toBe(first.stdout);
      expect(programCache()).toEqual([]);
      expect(lint(bundle, ["demo", "-f", "json"], ownEnv).stdout).toBe(first.stdout);
      expect(programCache()).toEqual(["program.bin"]);
      // and larger runs leave it as it is
      expect(lint(bundle, ["big.yaml", "-f", "json"], ownEnv).stdout).toBe(bigRun.stdout);
      expect(programCache()).toEqual(["program.bin"]);
    }, 60_000);

    it("replaces what V8 refuses or is not whole, and uses no directory that others could have written to", () => {
      for (const file of cached()) writeFileSync(path.join(cacheDir(), file), "not compiled code");
      expect(lint(bundle, ["demo", "-f", "json"], env()).stdout).toBe(first.stdout);
      const replaced = cached().filter((file) => !readFileSync(path.join(cacheDir(), file), "utf8").startsWith("not compiled code"));
      expect(replaced).toEqual(expect.arrayContaining([expect.stringMatching(/-program\.bin$/), expect.stringMatching(/-mvdan-sh\.js$/)]));
      if (process.platform === "win32") return;
      const shared = mkdtempSync(path.join(tmp, "shared-"));
      mkdirSync(path.join(shared, path.basename(cacheDir())));
      chmodSync(path.join(shared, path.basename(cacheDir())), 0o777);
      expect(lint(bundle, ["--version"], { TMPDIR: shared }).code).toBe(0);
      expect(readdirSync(path.join(shared, path.basename(cacheDir())))).toEqual([]);
    }, 60_000);
  });
});
