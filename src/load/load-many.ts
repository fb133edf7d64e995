import { promises as fs, readFileSync, statSync } from "node:fs";
import { reasonOf, type InputFile } from "./inputs.js";
import { DEFAULT_LIMITS, type LoadLimits } from "./limits.js";
import { fileTooBig, loadFile, prepareFile } from "./load-file.js";
import type { ParseResult } from "./parse-document.js";
import { defaultPoolSize, ParsePool } from "./parse-pool.js";
import type { LoadedFile, LoadProblem, ParsedDocument, SourceDocument } from "./types.js";
import { looksLikeCrd } from "./crd-schema.js";
import { workersFromEnv } from "../util/workers-env.js";

export interface LoadManyOptions {
  readStdin: () => Promise<Uint8Array>;
  limits?: LoadLimits;
  /** Parse workers besides the main thread: "auto" (default) uses every core once the input is big enough to pay for them; 0 never. */
  workers?: number | "auto";
  /** Told the input's total size once it is known (stdin read, files measured), before anything is parsed. */
  onInputSize?: (bytes: number) => void;
  /** Told of each file once its documents are parsed, before the next is read. */
  onFileLoaded?: (file: LoadedFile) => void;
}

/**
 * Total input size from which documents are also parsed in worker threads. Measured with the CLI on this
 * kind of machine (2 cores, Node 20, generated renders, 5 alternating runs, min and median): 20 MB 1.19 /
 * 1.21 s single-threaded vs 1.22 / 1.26 s with a worker; 40 MB 1.87 / 2.11 s vs 1.85 / 1.96 s. On two
 * cores the second one is already busy with V8's garbage-collector threads, and a worker starts with cold
 * JIT, so a worker pays off only on big inputs, and little; with more cores it has a core of its own.
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** Documents go to workers in batches of about this much text: small enough to keep both cores busy to the end. */
const BATCH_BYTES = 256 * 1024;

/** Reads and loads every input, in input order whatever runs in parallel; unreadable inputs become problems. */
export async function loadMany(inputs: InputFile[], options: LoadManyOptions): Promise<{ files: LoadedFile[]; problems: LoadProblem[] }> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const problems: LoadProblem[] = [];
  // stdin is read first: its size decides, with the files', whether workers pay off.
  let stdin: Promise<Uint8Array> | undefined;
  const readStdin = (): Promise<Uint8Array> => (stdin ??= options.readStdin());
  const stdinSize = inputs.some((i) => i.absolutePath === undefined) ? await readStdin().then((b) => b.byteLength, () => 0) : 0;
  const inputSize = stdinSize + totalSize(inputs);
  options.onInputSize?.(inputSize);
  const requested = options.workers ?? workersFromEnv(process.env);
  const workers = requested === "auto" ? (inputSize >= PARALLEL_MIN_BYTES ? defaultPoolSize() : 0) : requested;

  // One file at a time: its bytes (when read as bytes) are dropped once decoded, so peak memory is the
  // text and the parsed values, not also every input's raw bytes.
  if (workers < 1) {
    const files: LoadedFile[] = [];
    for (const input of inputs) {
      const read = await readInput(input, limits, readStdin);
      if ("problem" in read) problems.push(read.problem);
      else {
        const file = loadFile(input.name, read.content, limits);
        options.onFileLoaded?.(file);
        files.push(file);
      }
    }
    return { files, problems };
  }

  const pool = new ParsePool(limits.maxAliasNodes, workers);
  try {
    const pending: Array<{ name: string; sources: SourceDocument[]; problems: LoadProblem[]; batches: Batch[]; results: Promise<ParseResult[][]> }> = [];
    for (const input of inputs) {
      const read = await readInput(input, limits, readStdin);
      if ("problem" in read) {
        problems.push(read.problem);
        continue;
      }
      const { sources, problems: fileProblems } = prepareFile(input.name, read.content, limits);
      const batches = batchesOf(sources);
      const results = Promise.all(batches.map((b) => pool.parse(b.documents, b.crds)));
      pending.push({ name: input.name, sources, problems: fileProblems, batches, results });
      // Let worker replies in between files, so the workers are fed while the main thread reads.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await pool.helpUntilDrained();
    const files: LoadedFile[] = [];
    for (const file of pending) {
      // Batches hold CRDs apart from the other documents: results go back in document order.
      const bySource = new Map<SourceDocument, ParseResult>();
      (await file.results).forEach((results, b) => results.forEach((result, i) => bySource.set(file.batches[b]!.documents[i]!, result)));
      const documents: ParsedDocument[] = [];
      const documentProblems: LoadProblem[] = [];
      for (const source of file.sources) {
        const result = bySource.get(source)!;
        documentProblems.push(...result.problems);
        if ("value" in result) documents.push({ source, value: result.value });
      }
      const loaded = { file: file.name, documents, problems: [...documentProblems, ...file.problems] };
      options.onFileLoaded?.(loaded);
      files.push(loaded);
    }
    return { files, problems };
  } finally {
    await pool.close();
  }
}

/** Bytes the files will have, from the file system. */
function totalSize(inputs: InputFile[]): number {
  let total = 0;
  for (const input of inputs) {
    if (input.absolutePath === undefined) continue;
    try {
      total += statSync(input.absolutePath).size;
    } catch {
      // reported when it is read
    }
  }
  return total;
}

interface Batch {
  documents: SourceDocument[];
  /** CRDs only (see crd-schema.ts): the pool gives these to workers first. */
  crds: boolean;
}

/** A file's documents in batches of about BATCH_BYTES of text, CRDs batched apart from the rest. */
function batchesOf(sources: SourceDocument[]): Batch[] {
  const crds = new Set(sources.filter((s) => looksLikeCrd(s.text)));
  return [...chunks([...crds], true), ...chunks(sources.filter((s) => !crds.has(s)), false)];
}

function chunks(sources: SourceDocument[], crds: boolean): Batch[] {
  const batches: Batch[] = [];
  let current: SourceDocument[] = [];
  let size = 0;
  for (const source of sources) {
    current.push(source);
    size += source.text.length;
    if (size >= BATCH_BYTES) {
      batches.push({ documents: current, crds });
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) batches.push({ documents: current, crds });
  return batches;
}

async function readInput(input: InputFile, limits: LoadLimits, readStdin: () => Promise<Uint8Array>): Promise<{ content: Uint8Array | string } | { problem: LoadProblem }> {
  try {
    if (input.absolutePath === undefined) return { content: await readStdin() };
    // Checked before reading: a mistaken multi-gigabyte input must not be pulled into memory.
    const stat = statSync(input.absolutePath);
    if (stat.isDirectory()) return { problem: unreadable(input.name, "it is a directory") };
    if (stat.isFile() && stat.size > limits.maxFileSize) return { problem: fileTooBig(input.name, stat.size, limits.maxFileSize) };
    if (stat.isFile()) return { content: readTextFile(input.absolutePath) };
    // A device or pipe (/dev/stdin, a FIFO, /dev/zero): read no more than the limit allows.
    return { content: await readBounded(input.absolutePath, limits.maxFileSize) };
  } catch (error) {
    return { problem: unreadable(input.name, reasonOf(error as NodeJS.ErrnoException)) };
  }
}

function unreadable(name: string, reason: string): LoadProblem {
  return { kind: "invalid-input", file: name, line: 1, column: 1, message: `cannot read ${name}: ${reason}` };
}

/**
 * A file's text as Node decodes it while reading (no Buffer, no second pass over the bytes: ~15% less
 * time than reading bytes, checking them and decoding them on 20 MB). Invalid UTF-8 becomes U+FFFD, so a
 * text with that character is read again as bytes, for loadFile to tell bad bytes from a real U+FFFD
 * and say where.
 */
function readTextFile(absolutePath: string): Uint8Array | string {
  const text = readFileSync(absolutePath, "utf8");
  return text.includes("\uFFFD") ? readFileSync(absolutePath) : text;
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
