import { execFile, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { UsageError } from "../engine/config.js";
import { loadFile } from "../load/load-file.js";
import { ManifestSet } from "../model/manifest-set.js";

export interface BaseOptions {
  cwd: string;
  /** `--base REV`: a git revision; every linted file is read as it was there. */
  revision?: string;
  /** `--base-file FILE`: the previous render (what stdin held at the base), or any manifests standing in for the base. */
  baseFile?: string;
  /** Names of the linted files as the ManifestSet knows them (relative to cwd, forward slashes). */
  files: string[];
  /** The name stdin got, when stdin is among the inputs. */
  stdinName?: string;
}

/**
 * The base of a diff-aware run as a second ManifestSet, loaded with the same loader as the inputs. A file
 * missing at the revision contributes nothing: its objects are new in this change. Needs no network:
 * only the local git object store is read.
 */
export async function readBase(options: BaseOptions): Promise<{ base: ManifestSet; name: string }> {
  const base = new ManifestSet();
  const names: string[] = [];
  if (options.baseFile !== undefined) {
    const absolute = path.resolve(options.cwd, options.baseFile);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`--base-file: cannot read ${options.baseFile}: ${code === "ENOENT" ? "no such file" : code ?? (error as Error).message}`);
    }
    base.add(loadFile(options.baseFile, bytes));
    names.push(options.baseFile);
  } else if (options.stdinName !== undefined && options.revision !== undefined) {
    throw new UsageError("--base: input read from stdin has no git history; give the previous render with --base-file FILE");
  }
  if (options.revision !== undefined) {
    const files = options.files.filter((f) => f !== options.stdinName);
    for (const loaded of await readAtRevision(options.revision, files, options.cwd)) base.add(loaded);
    names.push(options.revision);
  }
  return { base, name: names.join(" + ") };
}

async function readAtRevision(revision: string, files: string[], cwd: string): Promise<ReturnType<typeof loadFile>[]> {
  const root = await git(["rev-parse", "--show-toplevel"], cwd).catch(() => {
    throw new UsageError(`--base ${revision}: ${cwd} is not inside a git repository (use --base-file to give the previous manifests instead)`);
  });
  const realRoot = await fs.realpath(root.trim());
  const commit = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${revision}^{commit}`], cwd).catch(() => {
    throw new UsageError(`--base: unknown revision "${revision}" in ${realRoot} (a branch, tag or commit such as origin/main or HEAD~1)`);
  });
  const oid = commit.trim();

  const wanted: Array<{ name: string; spec: string }> = [];
  for (const name of files) {
    const absolute = await fs.realpath(path.resolve(cwd, name)).catch(() => path.resolve(cwd, name));
    const relative = path.relative(realRoot, absolute);
    if (relative.startsWith("..") || path.isAbsolute(relative)) {
      throw new UsageError(`--base ${revision}: ${name} is outside the git repository ${realRoot}; lint it without --base, or give its previous version with --base-file`);
    }
    wanted.push({ name, spec: `${oid}:${relative.split(path.sep).join("/")}` });
  }
  const blobs = await catFileBatch(wanted.map((w) => w.spec), realRoot);
  const out: ReturnType<typeof loadFile>[] = [];
  wanted.forEach((w, i) => {
    const bytes = blobs[i];
    if (bytes) out.push(loadFile(w.name, bytes));
  });
  return out;
}

/**
 * No network, ever: a partial clone would otherwise fetch a missing blob from its remote (git 2.44+
 * honours GIT_NO_LAZY_FETCH), and nothing may prompt for credentials.
 */
const GIT_ENV = { ...process.env, GIT_NO_LAZY_FETCH: "1", GIT_TERMINAL_PROMPT: "0" };

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env: GIT_ENV, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

/**
 * Reads many `<commit>:<path>` blobs with one `git cat-file --batch` process (one `git show` per file is
 * far too slow for a directory of thousands). Missing paths, and paths that are not files, yield undefined.
 */
function catFileBatch(specs: string[], cwd: string): Promise<Array<Buffer | undefined>> {
  // A path with a newline cannot be asked for in batch mode; such a file counts as new.
  const asked = specs.map((s) => !s.includes("\n"));
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, env: GIT_ENV, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", (error) => reject(new UsageError(`--base: cannot run git: ${error.message}`)));
    child.on("close", (code) => {
      if (code !== 0) return reject(new UsageError(`--base: git cat-file failed: ${stderr.trim() || `exit ${code}`}`));
      const out = Buffer.concat(chunks);
      const results: Array<Buffer | undefined> = [];
      let offset = 0;
      for (const ok of asked) {
        if (!ok) {
          results.push(undefined);
          continue;
        }
        const newline = out.indexOf(10, offset);
        const header = out.subarray(offset, newline).toString("utf8");
        offset = newline + 1;
        const match = /^\S+ (\S+) (\d+)$/.exec(header);
        if (!match) {
          results.push(undefined); // "<spec> missing", or ambiguous
          continue;
        }
        const size = Number(match[2]);
        results.push(match[1] === "blob" ? out.subarray(offset, offset + size) : undefined);
        offset += size + 1;
      }
      resolve(results);
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(specs.filter((_, i) => asked[i]).map((s) => `${s}\n`).join(""));
  });
}
