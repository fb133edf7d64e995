import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { parseHere } from "../src/shell/go-tree.js";
import { shellParser } from "../src/shell/parser.js";
import { ShellScripts } from "../src/shell/shell-scripts.js";
import { parseInWorker, runningShellWorker, SIGNAL_BYTES, startShellWorker, stopShellWorker, SHELL_WORKER_MIN_BYTES } from "../src/shell/shell-worker.js";
import { SHELL_WORKER_ARG } from "../src/util/worker-args.js";
import { REPO, runCli } from "./support/cli.js";
import { CONSTRUCTS, fixtureScripts } from "./support/shell-scripts.js";

// Large inputs have their scripts parsed in a worker thread (src/shell/shell-worker.ts). The analyses must get
// exactly the trees, errors and positions that parsing in the main thread gives.
const NOT_BASH = ["if then fi", "echo $((", "for x in; do", "case x in"];
/** 400 nested arithmetic parentheses: more than this thread's default stack can parse, well within MAX_TREE_DEPTH. */
const DEEP_FOR_THIS_STACK = `sleep $((${"(".repeat(400)}1${")".repeat(400)}))`;

afterEach(() => stopShellWorker());

describe("the shell worker", () => {
  it("answers a parse request with the tree the main thread would build", () => {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(SIGNAL_BYTES));
    const worker = new Worker(path.join(REPO, "dist", "src", "shell", "shell-worker-thread.js"), { workerData: { port: port2, signal }, transferList: [port2] });
    try {
      const ask = (id: number, op: string, text: string): unknown => {
        Atomics.store(signal, 0, 0);
        port1.postMessage({ id, op, text });
        expect(Atomics.wait(signal, 0, 0, 30_000)).not.toBe("timed-out");
        return receiveMessageOnPort(port1)?.message;
      };
      expect(ask(1, "parse", CONSTRUCTS[0]!)).toEqual({ id: 1, result: parseHere().parseOrError(CONSTRUCTS[0]!) });
      expect(ask(2, "parse", "if then fi")).toEqual({ id: 2, result: { ok: false, error: expect.stringContaining("must be followed by"), line: 1, column: 1 } });
      expect(ask(3, "splitBraces", "a{1..3}")).toEqual({ id: 3, result: parseHere().splitBraces("a{1..3}") });
      expect(ask(4, "splitBraces", "a'")).toEqual({ id: 4, result: null });
    } finally {
      port1.close();
      void worker.terminate();
    }
  }, 60_000);

  it("gives the analyses the same trees, errors and positions as parsing here", () => {
    const scripts = [...CONSTRUCTS, ...fixtureScripts(), ...NOT_BASH];
    const here = scripts.map((script) => parseHere().parseOrError(script));
    const braces = ["{1..30}", "x{a,b}y", "plain"].map((literal) => parseHere().splitBraces(literal));
    startShellWorker();
    expect(scripts.map((script) => shellParser().parseOrError(script))).toEqual(here);
    expect(["{1..30}", "x{a,b}y", "plain"].map((literal) => shellParser().splitBraces(literal))).toEqual(braces);
    expect(here.slice(-NOT_BASH.length).map((r) => r.ok)).toEqual(NOT_BASH.map(() => false));
  }, 60_000);

  it("parses scripts sent ahead while the rules run, and hands each its own tree in whatever order they are asked for", () => {
    const scripts = [...CONSTRUCTS, ...NOT_BASH];
    startShellWorker();
    const shell = new ShellScripts();
    shell.readAhead(() => scripts);
    const reversed = [...scripts].reverse();
    expect(reversed.map((script) => shell.read(script))).toEqual(reversed.map((script) => new ShellScripts().read(script)));
    // a parse that was not sent ahead, after replies that were never asked for
    shell.readAhead(() => ["sleep 1", "sleep 2"]);
    expect(shell.read("sleep 3")).toEqual({ ok: true, file: parseHere().parseOrError("sleep 3").file });
  }, 60_000);

  it("is started again when it died, so a script within the bound is still read", async () => {
    startShellWorker();
    // white-box: the worker behind the running parser, ended as a crash would end it
    const worker = (runningShellWorker() as unknown as { worker: Worker }).worker;
    const exited = once(worker, "exit");
    await worker.terminate();
    await exited;
    expect(parseHere().parseOrError(DEEP_FOR_THIS_STACK)).toEqual({ ok: false, overflow: true });
    expect(new ShellScripts().read(DEEP_FOR_THIS_STACK).ok).toBe(true);
  }, 60_000);

  it("parses here at once when it dies while the main thread waits for its reply (not after the minute it is given)", () => {
    startShellWorker();
    // white-box: a message the worker cannot even answer with a failure ends it as a crash would, before the parse below
    (runningShellWorker() as unknown as { port: MessagePort }).port.postMessage(null);
    expect(shellParser().parseOrError("sleep 1")).toEqual(parseHere().parseOrError("sleep 1"));
    expect(runningShellWorker()).toBeUndefined();
  }, 20_000);

  it("leaves a script this thread's stack cannot parse unread, not 'too deep', when no thread can be made", () => {
    const threads = createRequire(import.meta.url)("node:worker_threads") as { Worker: unknown };
    const real = threads.Worker;
    threads.Worker = class {
      constructor() {
        throw Object.assign(new Error("EAGAIN"), { code: "ERR_WORKER_INIT_FAILED" });
      }
    };
    try {
      expect(new ShellScripts().read(DEEP_FOR_THIS_STACK)).toEqual({
        ok: false,
        reason: "limit",
        skipped: "it nests deeper than this thread's stack can parse, and no worker thread with a deeper stack could run",
      });
      expect(new ShellScripts().read("sleep 1").ok).toBe(true);
    } finally {
      threads.Worker = real;
    }
  });

  it("is no command-line option of the CLI", async () => {
    const child = spawn(process.execPath, [path.join(REPO, "bin", "gitops-lint.js"), SHELL_WORKER_ARG], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const [code] = (await once(child, "close")) as [number];
    expect([code, stderr]).toEqual([2, expect.stringContaining("unknown option")]);
  });

  it("parses here again once it is stopped", async () => {
    startShellWorker();
    await stopShellWorker();
    expect(shellParser().parseOrError("sleep 1")).toEqual(parseHere().parseOrError("sleep 1"));
  });
});

describe("parsing in the worker", () => {
  it("follows GITOPS_LINT_WORKERS, else wants a core of its own", () => {
    expect(["0", "1", "3"].map((n) => parseInWorker({ GITOPS_LINT_WORKERS: n }))).toEqual([false, true, true]);
    for (const value of [undefined, "", "auto", "many", "-1"]) expect(parseInWorker({ GITOPS_LINT_WORKERS: value })).toBe(availableParallelism() > 2);
  });
});

describe("a large input", () => {
  it("gets the same findings with the shell worker as without threads", async () => {
    // Hook scripts (wait budgets, unparsable and loop-bounded scripts) padded past the size that starts the worker.
    const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-shell-worker-"));
    try {
      const hooks = ["hook-budget-exceeds-timeout", "script-not-checked", "liveness-equals-readiness"].map((rule) => path.join(REPO, "fixtures", rule));
      const padding = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: padding\ndata:\n  big: "${"x".repeat(SHELL_WORKER_MIN_BYTES)}"\n`;
      writeFileSync(path.join(dir, "padding.yaml"), padding);
      const args = [dir, ...hooks, "--format", "json"];
      // Workers made during the run, counted: the comparison below means something only if one ran.
      const threadsModule = createRequire(import.meta.url)("node:worker_threads") as { Worker: typeof Worker };
      const RealWorker = threadsModule.Worker;
      let started = 0;
      threadsModule.Worker = class extends RealWorker {
        constructor(...args: ConstructorParameters<typeof Worker>) {
          super(...args);
          started++;
        }
      };
      let threads: Awaited<ReturnType<typeof runCli>>;
      try {
        threads = await runCli(args, { env: { GITOPS_LINT_WORKERS: "1" } });
      } finally {
        threadsModule.Worker = RealWorker;
      }
      expect(started).toBe(1);
      const none = await runCli(args, { env: { GITOPS_LINT_WORKERS: "0" } });
      expect(threads.stderr).toBe("");
      expect(threads).toEqual(none);
      const ids = new Set((JSON.parse(threads.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId));
      expect([...ids]).toEqual(expect.arrayContaining(["hook-budget-exceeds-timeout", "script-not-checked", "liveness-equals-readiness"]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
