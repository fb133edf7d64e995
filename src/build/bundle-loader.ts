import { createRequire } from "node:module";
import { isWorkerArg } from "../util/worker-args.js";

// The start of dist/gitops-lint.cjs (src/build/bundle-cli.ts writes the rest): it compiles the program that
// follows it in the same file, and the packages the program loads on demand, with V8's code cache. Node 20
// caches no compiled code between runs (Node 22's module.enableCompileCache does), so a run would otherwise
// parse and compile the 650 KB program every time, which costs more than linting a file, and mvdan-sh's
// 1.3 MB on every run with a shell script. The program is written as line comments (`//` before every line),
// which V8 skips as fast as it reads them; this reads them back, and vm.Script compiles them with the code
// that an earlier run compiled (its bytecode, kept in the temp directory as Node 22's compile cache is).
// Meaningless anywhere but at the head of the bundle.

declare const GITOPS_LINT_PROGRAM_HASH: string;

// Built-in modules through require: an ES module import of one makes Node build its ES module facade, which
// reads every export (node:fs's stream classes load the streams modules), a few milliseconds in all.
const require = createRequire(import.meta.url);
const { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
const { tmpdir } = require("node:os") as typeof import("node:os");
const path = require("node:path") as typeof import("node:path");
const { fileURLToPath } = require("node:url") as typeof import("node:url");
const { Script } = require("node:vm") as typeof import("node:vm");

/** The line before the program, written by bundle-cli.ts (the last one: this text may hold it too, as written by esbuild). */
const MARKER = "\n//@gitops-lint-program\n";

type Module = { exports: object };
type Compiled = (exports: object, require: NodeJS.Require, module: Module, ...more: unknown[]) => void;

const file = fileURLToPath(import.meta.url);
const bytes = readFileSync(file);
const start = bytes.lastIndexOf(MARKER) + MARKER.length;
const cache = cacheDirectory();
/** What to write after the run: code compiled without a usable cache (and the text of packages); undefined: nothing. */
const toWrite: Array<() => { write?: string; content?: Uint8Array | string; drop?: string } | undefined> = [];

/**
 * Whose compiled program is kept. V8 deserialises all of a code cache before the program starts, so code for
 * functions a run never calls costs it time: a one-file lint started in 73–78 ms from the code a one-file lint left,
 * and in 80–84 ms from the code a 20 MB lint left, which itself ran no slower with the smaller cache (Node 20.20,
 * 2 cores, 25 alternating runs). So the program's code is kept from a run whose input was under this size (the
 * program reports it through `__bundleInputBytes`); until such a run comes, a larger run's, or one that read no
 * input (`--help`), is kept as `program-large`, which the next small run replaces.
 */
const SMALL_RUN_BYTES = 1024 * 1024;
/** The largest input size the program reported; undefined when it read none. */
let inputBytes: number | undefined;
const tellInputBytes = (bytes: number): void => {
  inputBytes = Math.max(inputBytes ?? 0, bytes);
};
// A worker (the program starts this file again in a thread) leaves the cache to the main thread.
if (cache && !isWorkerArg(process.argv[2])) process.once("exit", writeCache);

const program = compile("program", ["exports", "require", "module", "__bundleUrl", "__bundleCompile", "__bundleInputBytes"], {
  // The file is ASCII (bundle-cli.ts checks): latin1 is the cheapest way to decode it.
  text: () => `"use strict";${bytes.toString("latin1", start).replace(/^\/\//gm, "")}`,
  filename: file,
  // stack traces name the lines of this file
  lineOffset: bytes.toString("latin1", 0, start).split("\n").length - 1,
  fromSmallRun: true,
});
const programModule = { exports: {} };
program(programModule.exports, require, programModule, import.meta.url, loadPackage, tellInputBytes);

/**
 * A package the program loads on demand, embedded compressed (bundle-cli.ts lazyPackages): its text is kept
 * in the cache beside its code, as decompressing mvdan-sh costs more than reading it; `length` tells a
 * whole copy.
 */
function loadPackage(name: string, length: number, decompress: () => string, module: Module): void {
  const compiled = compile(name, ["exports", "require", "module"], { text: decompress, filename: `gitops-lint/${name}`, keepText: length });
  compiled.call(module.exports, module.exports, require, module);
}

/**
 * Compiles a function of `parameters` around a text, with the code an earlier run compiled from the same text when
 * there is some. `fromSmallRun`: the code kept is a small run's (SMALL_RUN_BYTES).
 */
function compile(name: string, parameters: string[], source: { text: () => string; filename: string; lineOffset?: number; keepText?: number; fromSmallRun?: boolean }): Compiled {
  const base = cache && path.join(cache.dir, `${cache.prefix}${GITOPS_LINT_PROGRAM_HASH}-${name}`);
  const small = base ? readIfThere(`${base}.bin`) : undefined;
  const large = base && source.fromSmallRun && !small ? readIfThere(`${base}-large.bin`) : undefined;
  const cachedData = small ?? large;
  const keptText = base && source.keepText !== undefined ? readIfThere(`${base}.js`)?.toString("utf8") : undefined;
  const keptWhole = keptText !== undefined && keptText.length === source.keepText;
  const text = keptWhole ? keptText : source.text();
  const script = new Script(`(function (${parameters.join(", ")}) {${text}\n})`, {
    filename: source.filename,
    ...(source.lineOffset !== undefined ? { lineOffset: source.lineOffset } : {}),
    ...(cachedData ? { cachedData } : {}),
  });
  const usable = cachedData !== undefined && !script.cachedDataRejected;
  if (base && source.fromSmallRun) {
    toWrite.push(() => {
      const smallRun = inputBytes !== undefined && inputBytes < SMALL_RUN_BYTES;
      const [kept, other] = smallRun ? [`${base}.bin`, `${base}-large.bin`] : [`${base}-large.bin`, `${base}.bin`];
      // V8's code for a script holds every function compiled so far, those it read from the cache too: a small
      // run that started from a larger run's code cannot leave its own, so it drops that code, and the next
      // run compiles afresh and keeps what it compiled.
      if (usable) return smallRun && !small ? { drop: other } : undefined;
      return { write: kept, content: script.createCachedData(), drop: other };
    });
  } else if (base && !usable) {
    toWrite.push(() => ({ write: `${base}.bin`, content: script.createCachedData() }));
  }
  if (base && source.keepText !== undefined && !keptWhole) toWrite.push(() => ({ write: `${base}.js`, content: text }));
  return script.runInThisContext() as Compiled;
}

function readIfThere(cached: string): Buffer | undefined {
  try {
    return readFileSync(cached);
  } catch {
    return undefined; // the first run of this program with this Node and these flags
  }
}

/** After the run, so the cache holds every function the run compiled, not only the top level. */
function writeCache(): void {
  if (!cache || toWrite.length === 0) return;
  try {
    for (const write of toWrite) {
      const file = write();
      if (file?.write !== undefined) {
        const partial = `${file.write}.${process.pid}`;
        writeFileSync(partial, file.content!);
        renameSync(partial, file.write);
      }
      if (file?.drop !== undefined) rmSync(file.drop, { force: true });
    }
    // the files of other builds of the program, for this Node and these flags: an upgrade replaces them
    const current = `${cache.prefix}${GITOPS_LINT_PROGRAM_HASH}-`;
    for (const name of readdirSync(cache.dir)) if (name.startsWith(cache.prefix) && !name.startsWith(current)) rmSync(path.join(cache.dir, name), { force: true });
  } catch {
    // no cache: the next run compiles again
  }
}

/**
 * Where compiled code is kept: a directory of the user's own in the temp directory (on a shared /tmp, one
 * that anyone else created or can write to is not used: compiled code is code), and the start of the
 * names of this Node's files there. V8 takes compiled code only from the same V8 with the same flags
 * (`--max-old-space-size` too): the flags are in the name, so runs with and without them each keep theirs.
 */
function cacheDirectory(): { dir: string; prefix: string } | undefined {
  const uid = process.getuid?.();
  const dir = path.join(tmpdir(), uid === undefined ? "gitops-lint-compile-cache" : `gitops-lint-compile-cache-${uid}`);
  try {
    let stat = lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) {
      mkdirSync(dir, { mode: 0o700 });
      stat = lstatSync(dir);
    }
    if (!stat.isDirectory() || (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0))) return undefined;
  } catch {
    return undefined;
  }
  return { dir, prefix: `${process.version}-${process.arch}-${fnv1a(`${process.execArgv.join("\0")}\0${process.env.NODE_OPTIONS ?? ""}`)}-` };
}

/** A short hash of a string (FNV-1a, 32 bits): no crypto module to load for a file name. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}
