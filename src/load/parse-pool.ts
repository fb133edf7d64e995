import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { BUNDLE_VERSION } from "../bundle-version.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { workerThreads } from "../util/lazy-builtins.js";
import { parseSourceDocument, type ParseResult } from "./parse-document.js";
import type { ParseReply, ParseRequest } from "./parse-worker.js";
import { PARSE_WORKER_ARG } from "../util/worker-args.js";
import type { SourceDocument } from "./types.js";

// The compiled worker (tests build first; workers run plain JS, never TS sources), or the single-file CLI
// bundle itself, which holds the worker's code too (src/cli/run.ts).
const WORKER_FILE = BUNDLE_VERSION !== undefined ? fileURLToPath(import.meta.url) : path.join(PACKAGE_ROOT, "dist", "src", "load", "parse-worker-thread.js");

interface Task {
  documents: SourceDocument[];
  resolve(results: ParseResult[]): void;
}

/**
 * A fixed pool of parse workers. Batches go to whichever worker is free; each batch's results come
 * back in document order, so callers assemble them deterministically. A worker that dies (a parser
 * bug, out of memory) has its batch parsed on the main thread instead: no document is ever skipped.
 *
 * Batches marked for workers (CRDs: most of the bytes, but small values once parsed) are handed out
 * first, and the main thread, when it helps, starts with the others: a value parsed here needs no
 * copying, and a CRD parsed in a worker costs little to copy back.
 */
export class ParsePool {
  /** Each live worker and the batches it has been sent, oldest first (it answers in order). */
  private readonly inFlight = new Map<Worker, Task[]>();
  private readonly forWorkers: Task[] = [];
  private readonly forMain: Task[] = [];
  private nextId = 0;

  constructor(private readonly maxAliasNodes: number, size: number = defaultPoolSize()) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  parse(documents: SourceDocument[], preferWorker = false): Promise<ParseResult[]> {
    return new Promise((resolve) => {
      (preferWorker ? this.forWorkers : this.forMain).push({ documents, resolve });
      this.pump();
    });
  }

  /**
   * The main thread takes its share: it parses queued batches itself, yielding between batches so
   * worker replies are handled and the workers are fed. Resolves when the queue is empty.
   */
  async helpUntilDrained(): Promise<void> {
    for (let task = this.forMain.pop() ?? this.forWorkers.pop(); task; task = this.forMain.pop() ?? this.forWorkers.pop()) {
      // from the ends: the workers take from the fronts
      task.resolve(this.parseHere(task));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    const workers = [...this.inFlight.keys()];
    this.inFlight.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private parseHere(task: Task): ParseResult[] {
    return task.documents.map((d) => parseSourceDocument(d, this.maxAliasNodes));
  }

  private spawn(): void {
    if (!existsSyncCached(WORKER_FILE)) return;
    // A small young generation: measured on 20 MB of renders, it keeps peak RSS ~7 MB lower per
    // worker at no measurable CPU cost (the batch results are copied out and die young anyway).
    // node:worker_threads only once a worker is wanted: most runs start none (start-up time)
    const { Worker } = workerThreads();
    const worker = new Worker(WORKER_FILE, { argv: [PARSE_WORKER_ARG], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.inFlight.set(worker, []);
    worker.on("message", (reply: ParseReply) => {
      const task = this.inFlight.get(worker)?.shift();
      if (!task) return;
      task.resolve(
        reply.results.map((r, i) => {
          const document = task.documents[i]!;
          // The same shape (and key order) as parseSourceDocument's own problems.
          return { ...r, problems: r.problems.map(({ kind, line, column, message, ...duplicate }) => ({ kind, file: document.file, line, column, message, document, ...duplicate })) };
        }),
      );
      this.pump();
    });
    const fail = (): void => {
      const tasks = this.inFlight.get(worker);
      if (!tasks) return;
      this.inFlight.delete(worker);
      for (const task of tasks) task.resolve(this.parseHere(task));
      this.pump();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
  }

  /**
   * Keeps every worker PIPELINE batches ahead, so it never waits for the main thread (which is busy
   * reading and splitting files, or parsing, and handles replies only between its own steps).
   */
  private pump(): void {
    for (const [worker, tasks] of this.inFlight) {
      for (let task: Task | undefined; tasks.length < PIPELINE && (task = this.forWorkers.shift() ?? this.forMain.shift()); ) {
        tasks.push(task);
        worker.postMessage({ id: this.nextId++, documents: task.documents, maxAliasNodes: this.maxAliasNodes } satisfies ParseRequest);
      }
    }
    if (this.inFlight.size === 0) {
      // No worker at all (the compiled worker file is missing, or every worker died): parse here.
      for (const task of [...this.forWorkers.splice(0), ...this.forMain.splice(0)]) task.resolve(this.parseHere(task));
    }
  }
}

const PIPELINE = 3;

/** Workers besides the main thread, which parses too. */
export function defaultPoolSize(): number {
  return Math.max(0, availableParallelism() - 1);
}

let workerFileExists: boolean | undefined;
function existsSyncCached(file: string): boolean {
  workerFileExists ??= existsSync(file);
  return workerFileExists;
}
