import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MessagePort, Worker } from "node:worker_threads";
import { BUNDLE_VERSION } from "../bundle-version.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { workerThreads } from "../util/lazy-builtins.js";
import { SHELL_WORKER_ARG } from "../util/worker-args.js";
import { workersFromEnv } from "../util/workers-env.js";
import { isOverflow, MAX_TREE_DEPTH, parseHere, type ShellBackend, type ShellSyntaxResult, type StackOverflow } from "./go-tree.js";

// Loading mvdan-sh (the GopherJS runtime and the Go packages it initialises) takes about 100 ms, and its parser
// runs three to four times slower until the JIT has warmed it. A worker thread started while the input is still
// being read, and sent each file's scripts as soon as the file is parsed, does that loading and parsing beside the
// main thread; the rules then parse through it synchronously (the main thread blocks on a shared counter until the
// reply is there), so a script read is still a plain function call and the trees are the same as parsing in the
// main thread. Its stack is deep enough for any tree within MAX_TREE_DEPTH, so it also parses the scripts the
// main thread's stack is too small for (src/shell/parser.ts), at any input size and core count.

/** Input from which the worker is started (once a file has scripts the checks read): below this the YAML is read too quickly for the worker to be ready first. */
export const SHELL_WORKER_MIN_BYTES = 1024 * 1024;

/**
 * Whether the run's parses go to the worker: `GITOPS_LINT_WORKERS` set to a number of workers (0: none), else
 * only with more than two cores. On two, the main thread and V8's garbage-collector threads already share them,
 * and the worker's parses only compete: measured on the many-findings bench corpus (36 hook scripts), 1,093 ms
 * against 1,127 ms without it, and on the 109 real charts (10 scripts) 902 against 865 ms, best of 7 each.
 */
export function parseInWorker(env: NodeJS.ProcessEnv): boolean {
  const workers = workersFromEnv(env);
  return workers === "auto" ? availableParallelism() > 2 : workers > 0;
}

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

/** Starts the shell worker unless one runs (or it failed this run); the run's parses go there until `stopShellWorker`. */
export function startShellWorker(): void {
  if (!running && !unavailable && existsSync(WORKER_FILE)) running = spawn();
}

/** The running shell worker, if any. */
export function runningShellWorker(): ShellBackend | undefined {
  return running;
}

/** A parser whose stack reaches MAX_TREE_DEPTH: the shell worker, started if it is not running; undefined when none can run. */
export function deepStackParser(): ShellBackend | undefined {
  startShellWorker();
  return running;
}

export async function stopShellWorker(): Promise<void> {
  const stopping = running;
  running = undefined;
  failures = 0;
  unavailable = false;
  await stopping?.stop();
}

/** Workers that failed this run: after MAX_FAILURES none is started again, and parses stay on the main thread. */
let failures = 0;
let unavailable = false;
const MAX_FAILURES = 2;

function spawn(): RemoteParser | undefined {
  const { Worker, MessageChannel } = workerThreads();
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(SIGNAL_BYTES));
  let worker: Worker;
  try {
    worker = new Worker(WORKER_FILE, {
      argv: [SHELL_WORKER_ARG],
      workerData: { port: port2, signal },
      transferList: [port2],
      resourceLimits: { stackSizeMb: STACK_MB },
    });
  } catch {
    // No thread can be made (ERR_WORKER_INIT_FAILED under a thread limit): the run parses on the main thread.
    port1.close();
    unavailable = true;
    return undefined;
  }
  // It must not keep the process alive: a run ends when the lint does.
  worker.unref();
  return new RemoteParser(worker, port1, signal);
}

/** A worker failed: it is no longer the running one, and after MAX_FAILURES no other is started this run. */
function failed(parser: RemoteParser): void {
  if (running !== parser) return;
  running = undefined;
  if (++failures >= MAX_FAILURES) unavailable = true;
}

/** The shared counters: replies posted (the main thread waits on it), and 1 once the worker has exited. */
const REPLIES = 0;
const EXITED = 1;
const SIGNAL_SLOTS = 2;
/** The size of the shared counters a worker is started with (`workerData.signal`). */
export const SIGNAL_BYTES = 4 * SIGNAL_SLOTS;

/**
 * The main thread's side. A parse posts a request and blocks until its reply is on the port: the worker bumps
 * `signal` after each reply it posts, and as it exits. Scripts can also be sent ahead (`parseAhead`), so the worker parses them
 * while the main thread works; their replies are kept until asked for. If the worker fails, the parse is done here.
 */
class RemoteParser implements ShellBackend {
  private nextId = 0;
  private gone = false;
  /** Replies received, by request id, until asked for. */
  private readonly replies = new Map<number, Reply>();
  /** Scripts sent ahead and not asked for yet, with their request ids. */
  private readonly ahead = new Map<string, number>();

  constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
  ) {
    worker.on("error", () => this.fail());
    worker.on("exit", () => this.fail());
  }

  parseAhead(scripts: Iterable<string>): void {
    if (this.gone) return;
    for (const script of scripts) if (!this.ahead.has(script)) this.ahead.set(script, this.post("parse", script));
  }

  parseOrError(script: string): ShellSyntaxResult | StackOverflow {
    const sent = this.ahead.get(script);
    this.ahead.delete(script);
    const reply = this.replyTo(sent ?? this.post("parse", script));
    return (reply as ShellSyntaxResult | undefined) ?? parseHere().parseOrError(script);
  }

  splitBraces(literal: string): unknown {
    const reply = this.replyTo(this.post("splitBraces", literal));
    return reply === undefined ? parseHere().splitBraces(literal) : reply === null ? undefined : reply;
  }

  async stop(): Promise<void> {
    this.gone = true;
    this.port.close();
    await this.worker.terminate();
  }

  private post(op: Request["op"], text: string): number {
    const id = this.nextId++;
    if (!this.gone) this.port.postMessage({ id, op, text } satisfies Request);
    return id;
  }

  /** The worker's answer to request `id`, or undefined when it failed (its own events say so only between calls, hence the bounded wait). */
  private replyTo(id: number): unknown {
    while (!this.gone) {
      const reply = this.replies.get(id);
      if (reply) {
        this.replies.delete(id);
        return "failed" in reply ? this.fail() : reply.result;
      }
      // The count is read before the port is looked at again: a reply posted after that bumps it, and wakes the wait.
      const posted = Atomics.load(this.signal, REPLIES);
      // An exited worker may have posted its last replies after the port was looked at: one more look, then give up.
      const exited = Atomics.load(this.signal, EXITED) === 1;
      const received = this.receive();
      // The reply is off the port and its id unknown: whichever request it answered, the worker cannot serve them all.
      if (received === UNREADABLE) return this.fail();
      if (received) this.replies.set(received.id, received);
      else if (exited || Atomics.wait(this.signal, REPLIES, posted, GIVE_UP_MS) === "timed-out") return this.fail();
    }
    return undefined;
  }

  private receive(): Reply | undefined | typeof UNREADABLE {
    try {
      return workerThreads().receiveMessageOnPort(this.port)?.message as Reply | undefined;
    } catch (error) {
      // Copying a tree near MAX_TREE_DEPTH into this thread ran out of its stack (not seen at the default stack size).
      if (!(error instanceof RangeError)) throw error;
      return UNREADABLE;
    }
  }

  private fail(): undefined {
    if (!this.gone) {
      failed(this);
      void this.stop();
    }
    return undefined;
  }
}

const UNREADABLE = Symbol("a reply too deep to copy into this stack");

/** Sends the scripts to the shell worker, if one runs, to parse before they are asked for. */
export function parseAhead(scripts: Iterable<string>): void {
  running?.parseAhead(scripts);
}

/**
 * A parse takes milliseconds; a worker that has not answered in this long is stuck, or died without running its
 * exit handler (out of memory), and the parse is done here instead.
 */
const GIVE_UP_MS = 60_000;

/**
 * Makes this thread the shell worker when it was started as one: loads mvdan-sh and answers parses. False
 * on the main thread (the worker's argument given on the command line is then an unknown option).
 */
export function answerShellRequests(): boolean {
  const { parentPort, workerData } = workerThreads();
  const { port, signal } = (workerData ?? {}) as { port?: MessagePort; signal?: Int32Array };
  if (!parentPort || !port || !signal) return false;
  // A worker that dies (even while loading mvdan-sh) says so at once: the main thread may be blocked waiting for its
  // reply, and its "exit" event reaches the main thread only between calls.
  process.once("exit", () => {
    Atomics.store(signal, EXITED, 1);
    Atomics.add(signal, REPLIES, 1);
    Atomics.notify(signal, REPLIES);
  });
  const parser = parseHere();
  // On this stack only a tree over MAX_TREE_DEPTH runs out of it.
  const parse = (text: string): ShellSyntaxResult => {
    const result = parser.parseOrError(text);
    return isOverflow(result) ? { ok: false, tooDeep: true } : result;
  };
  const splitBraces = (text: string): unknown => {
    const result = parser.splitBraces(text);
    return result === undefined || isOverflow(result) ? null : result;
  };
  port.on("message", (request: Request) => {
    let reply: Reply;
    try {
      reply = { id: request.id, result: request.op === "parse" ? parse(request.text) : splitBraces(request.text) };
    } catch (error) {
      reply = { id: request.id, failed: String(error) };
    }
    port.postMessage(reply);
    Atomics.add(signal, REPLIES, 1);
    Atomics.notify(signal, REPLIES);
  });
  return true;
}
