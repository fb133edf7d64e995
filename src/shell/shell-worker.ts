import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MessagePort, Worker } from "node:worker_threads";
import { BUNDLE_VERSION } from "../bundle-version.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { workerThreads } from "../util/lazy-builtins.js";
import { SHELL_WORKER_ARG } from "../util/worker-args.js";
import { MAX_TREE_DEPTH, parseHere, type ShellBackend, type ShellSyntaxResult, type StackOverflow } from "./go-tree.js";
import { WARM_UP_SCRIPTS } from "./warm-up-scripts.js";

// Loading mvdan-sh (the GopherJS runtime and the Go packages it initialises) takes about 100 ms, and its parser
// runs three to four times slower until the JIT has warmed it: on a large input with a few dozen hook scripts
// that was a quarter of the run. A worker thread started while the input is still being read does both on the
// other core; the rules then parse through it synchronously (the main thread blocks on a shared flag until the
// reply is there), so a script read is still a plain function call and the results are the same trees in the same
// order as parsing in the main thread. Its stack is deep enough for any tree within MAX_TREE_DEPTH, so it also
// parses the scripts the main thread's stack is too small for (src/shell/parser.ts).

/** Input from which the worker is started: below this the YAML is read too quickly for the worker to be ready first. */
export const SHELL_WORKER_MIN_BYTES = 1024 * 1024;

// The compiled worker (tests build first; workers run plain JS), or the single-file CLI bundle itself (src/cli/run.ts).
const WORKER_FILE = BUNDLE_VERSION !== undefined ? fileURLToPath(import.meta.url) : path.join(PACKAGE_ROOT, "dist", "src", "shell", "shell-worker-thread.js");

interface Request {
  id: number;
  op: "parse" | "splitBraces";
  text: string;
}

type Reply = { id: number; result: ShellSyntaxResult | unknown } | { id: number; failed: string };

let running: RemoteParser | undefined;

/**
 * Stack for the worker: the parser needs about 8 KB per level of nested parentheses, the worst construct measured,
 * while it is cold (about 120 levels fit the main thread's default stack of under 1 MB). This is several times
 * what MAX_TREE_DEPTH levels need; a thread's stack is reserved address space, used only as deep as it goes.
 */
const STACK_MB = Math.ceil((MAX_TREE_DEPTH * 8 * 4) / 1024);

/** Starts the shell worker, once per process; the run's parses go there until `stopShellWorker`. */
export function startShellWorker(): void {
  if (!running && existsSync(WORKER_FILE)) running = spawn();
}

/** The running shell worker, if any. */
export function runningShellWorker(): ShellBackend | undefined {
  return running;
}

/** A parser whose stack reaches MAX_TREE_DEPTH: the shell worker, started if it is not running (or this thread, when it cannot be). */
export function deepStackParser(): ShellBackend {
  startShellWorker();
  return running ?? parseHere();
}

export async function stopShellWorker(): Promise<void> {
  const stopping = running;
  running = undefined;
  await stopping?.stop();
}

function spawn(): RemoteParser {
  const { Worker, MessageChannel } = workerThreads();
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_FILE, {
    argv: [SHELL_WORKER_ARG],
    workerData: { port: port2, signal },
    transferList: [port2],
    resourceLimits: { stackSizeMb: STACK_MB },
  });
  // It must not keep the process alive: a run ends when the lint does.
  worker.unref();
  return new RemoteParser(worker, port1, signal);
}

/** The main thread's side: each call posts a request and waits for its reply; if the worker is gone, it parses here. */
class RemoteParser implements ShellBackend {
  private nextId = 0;
  private gone = false;

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
  ) {
    worker.on("error", () => this.fail());
    worker.on("exit", () => this.fail());
  }

  parseOrError(script: string): ShellSyntaxResult | StackOverflow {
    return (this.call("parse", script) as ShellSyntaxResult | undefined) ?? parseHere().parseOrError(script);
  }

  splitBraces(literal: string): unknown {
    const reply = this.call("splitBraces", literal);
    return reply === undefined ? parseHere().splitBraces(literal) : reply === null ? undefined : reply;
  }

  async stop(): Promise<void> {
    this.gone = true;
    this.port.close();
    await this.worker.terminate();
  }

  /** The worker's answer, or undefined when it failed (its own events say so only between calls, hence the bounded wait). */
  private call(op: Request["op"], text: string): unknown {
    if (this.gone) return undefined;
    const id = this.nextId++;
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ id, op, text } satisfies Request);
    if (Atomics.wait(this.signal, 0, 0, GIVE_UP_MS) === "timed-out") return this.fail();
    const reply = workerThreads().receiveMessageOnPort(this.port)?.message as Reply | undefined;
    if (!reply || reply.id !== id || "failed" in reply) return this.fail();
    return reply.result;
  }

  private fail(): undefined {
    if (!this.gone) void this.stop();
    return undefined;
  }
}

/**
 * A parse takes milliseconds; a worker that has not answered in this long is stuck or dead (a thread that died
 * cannot be told from the main thread while it waits), and the parse is done here instead.
 */
const GIVE_UP_MS = 60_000;

/** Makes this thread the shell worker when it was started as one: loads mvdan-sh, warms it, answers parses. */
export function answerShellRequests(): void {
  const { workerData } = workerThreads();
  const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
  const parser = parseHere();
  // On this stack only a tree over MAX_TREE_DEPTH runs out of it.
  const parse = (text: string): ShellSyntaxResult => {
    const result = parser.parseOrError(text);
    return "overflow" in result ? { ok: false, tooDeep: true } : result;
  };
  const splitBraces = (text: string): unknown => {
    const result = parser.splitBraces(text);
    return result === undefined || (result as Partial<StackOverflow>).overflow === true ? null : result;
  };
  port.on("message", (request: Request) => {
    let reply: Reply;
    try {
      reply = { id: request.id, result: request.op === "parse" ? parse(request.text) : splitBraces(request.text) };
    } catch (error) {
      reply = { id: request.id, failed: String(error) };
    }
    port.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
  // One script at a time, so a request waits for at most one warm-up parse.
  let next = 0;
  const warm = (): void => {
    if (next >= WARM_UP_SCRIPTS.length * WARM_UP_ROUNDS) return;
    parser.parseOrError(WARM_UP_SCRIPTS[next++ % WARM_UP_SCRIPTS.length]!);
    setImmediate(warm);
  };
  setImmediate(warm);
}

const WARM_UP_ROUNDS = 4;
