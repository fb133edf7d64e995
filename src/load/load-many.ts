import { promises as fs, readFileSync, statSync } from "node:fs";
import { reasonOf, type InputFile } from "./inputs.js";
import { DEFAULT_LIMITS, type LoadLimits } from "./limits.js";
import { fileTooBig, loadFile, prepareFile } from "./load-file.js";
import { defaultPoolSize, ParsePool } from "./parse-pool.js";
import type { LoadedFile, LoadProblem, ParsedDocument, SourceDocument } from "./types.js";

export interface LoadManyOptions {
  readStdin: () => Promise<Uint8Array>;
  limits?: LoadLimits;
  /** Parse workers besides the main thread: "auto" (default) uses every core once the input is big enough to pay for them; 0 never. */
  workers?: number | "auto";
}

/**
 * Total input size from which documents are parsed in worker threads. Below it, starting workers
 * (about 40 ms each, to load the parsers) costs more than the second core saves. Measured on this
 * kind of machine (2 cores): break-even at about 1.5 MB of YAML.
 */
export const PARALLEL_MIN_BYTES = 2 * 1024 * 1024;
/** Documents go to workers in batches of about this much text: small enough to keep both cores busy to the end. */
const BATCH_BYTES = 256 * 1024;

/** Reads and loads every input, in input order whatever runs in parallel; unreadable inputs become problems. */
export async function loadMany(inputs: InputFile[], options: LoadManyOptions): Promise<{ files: LoadedFile[]; problems: LoadProblem[] }> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const problems: LoadProblem[] = [];
  const read: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const input of inputs) {
    const bytes = await readInput(input, limits, options.readStdin);
    if ("problem" in bytes) problems.push(bytes.problem);
    else read.push({ name: input.name, bytes: bytes.bytes });
  }

  const total = read.reduce((sum, r) => sum + r.bytes.byteLength, 0);
  const requested = options.workers ?? workersFromEnv();
  const workers = requested === "auto" ? (total >= PARALLEL_MIN_BYTES ? defaultPoolSize() : 0) : requested;
  if (workers < 1) return { files: read.map((r) => loadFile(r.name, r.bytes, limits)), problems };

  const pool = new ParsePool(limits.maxAliasNodes, workers);
  try {
    const pending = read.map(({ name, bytes }) => {
      const prepared = prepareFile(name, bytes, limits);
      const batches = batchesOf(prepared.sources).map((batch) => pool.parse(batch).then((results) => ({ batch, results })));
      return { name, problems: prepared.problems, batches };
    });
    await pool.helpUntilDrained();
    const files: LoadedFile[] = [];
    for (const file of pending) {
      const documents: ParsedDocument[] = [];
      const fileProblems: LoadProblem[] = [];
      for (const { batch, results } of await Promise.all(file.batches)) {
        results.forEach((result, i) => {
          fileProblems.push(...result.problems);
          if ("value" in result) documents.push({ source: batch[i]!, value: result.value });
        });
      }
      files.push({ file: file.name, documents, problems: [...fileProblems, ...file.problems] });
    }
    return { files, problems };
  } finally {
    await pool.close();
  }
}

/** `GITOPS_LINT_WORKERS=0|N|auto` (workers besides the main thread): for benchmarks and for machines where threads are unwelcome. */
function workersFromEnv(): number | "auto" {
  const value = process.env.GITOPS_LINT_WORKERS;
  if (value === undefined || value === "" || value === "auto") return "auto";
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : "auto";
}

function batchesOf(sources: SourceDocument[]): SourceDocument[][] {
  const batches: SourceDocument[][] = [];
  let current: SourceDocument[] = [];
  let size = 0;
  for (const source of sources) {
    current.push(source);
    size += source.text.length;
    if (size >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function readInput(input: InputFile, limits: LoadLimits, readStdin: () => Promise<Uint8Array>): Promise<{ bytes: Uint8Array } | { problem: LoadProblem }> {
  try {
    if (input.absolutePath === undefined) return { bytes: await readStdin() };
    // Checked before reading: a mistaken multi-gigabyte input must not be pulled into memory.
    const stat = statSync(input.absolutePath);
    if (stat.isDirectory()) return { problem: unreadable(input.name, "it is a directory") };
    if (stat.isFile() && stat.size > limits.maxFileSize) return { problem: fileTooBig(input.name, stat.size, limits.maxFileSize) };
    if (stat.isFile()) return { bytes: readFileSync(input.absolutePath) };
    // A device or pipe (/dev/stdin, a FIFO, /dev/zero): read no more than the limit allows.
    return { bytes: await readBounded(input.absolutePath, limits.maxFileSize) };
  } catch (error) {
    return { problem: unreadable(input.name, reasonOf(error as NodeJS.ErrnoException)) };
  }
}

function unreadable(name: string, reason: string): LoadProblem {
  return { kind: "invalid-input", file: name, line: 1, column: 1, message: `cannot read ${name}: ${reason}` };
}

/** Reads up to `limit + 1` bytes: enough to tell that the input is over the limit. */
async function readBounded(file: string, limit: number): Promise<Uint8Array> {
  const handle = await fs.open(file, "r");
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    while (size <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit + 1 - size));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      size += bytesRead;
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}
