import { childProcess } from "../util/lazy-builtins.js";
import { mkdirSync, mkdtempSync, promises as fs, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../engine/config.js";
import { loadFile } from "../load/load-file.js";
import { ManifestSet } from "../model/manifest-set.js";
import type { RenderOptions } from "../render/context.js";
import { readInputs, type ReadOptions } from "./read-inputs.js";

export interface BaseOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `--base REV` (or `auto`): the inputs are read, rendered and built again as they were at that revision. */
  revision?: string;
  /** `--base-file FILE`: the previous render (what stdin held at the base), or any manifests standing in for the base. */
  baseFile?: string;
  /** The command line's paths, as given. */
  paths: string[];
  /** The name stdin got, when stdin is among the inputs. */
  stdinName?: string;
  /** How the head was read: the base is read the same way. */
  read: Omit<ReadOptions, "cwd" | "readStdin">;
}

/** The base of a diff-aware run: its sets by key (SourceDocument.cluster), or why there is none. */
export interface Base {
  /** The revision's sets, by key (ManifestSet.key); undefined when there is no revision to compare with. */
  sets?: Map<string, ManifestSet>;
  /** `--base-file`: the previous render of stdin, or of all the inputs: the base of every set. */
  everywhere?: ManifestSet;
  /** How messages name the base: the revision (and the commit it resolved to), or the base file. */
  name: string;
  /** Why (part of) the base could not be read: the head is still linted, and a finding says so. */
  unavailable: BaseUnavailable[];
}

/** Why (part of) the base is missing, and the input it is about when it is one (stdin). */
export interface BaseUnavailable {
  message: string;
  file?: string;
}

/**
 * The base of a diff-aware run, read exactly as the head is: `--base REV` extracts the repository at REV
 * (`git archive`, read-only: the user's checkout and .git are never changed) into a temporary directory and
 * reads the same paths there, rendering charts and building kustomizations and Flux units the same way, so
 * objects are compared by identity whatever file they came from. `--base auto` picks the pull request's base
 * (see autoBase). A base that cannot be built is not an error: the head keeps every finding it has without a
 * base, and `unavailable` says why the comparison is missing.
 */
export async function readBase(options: BaseOptions): Promise<Base> {
  const base: Base = { name: "", unavailable: [] };
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
    const set = new ManifestSet();
    set.add(loadFile(options.baseFile, bytes));
    base.everywhere = set;
    names.push(options.baseFile);
  }
  if (options.revision !== undefined) {
    const inRepository = await git(["rev-parse", "--show-toplevel"], options.cwd).then(() => true, () => false);
    const revision =
      options.revision !== "auto" ? { revision: options.revision, how: "" }
      : inRepository ? await autoBase(options.cwd, options.env)
      : { unavailable: `${options.cwd === process.cwd() ? "the working directory" : options.cwd} is not inside a git repository` };
    if ("unavailable" in revision) {
      base.unavailable.push({ message: `--base auto: ${revision.unavailable}` });
    } else {
      // An explicit revision that cannot be read is a usage error; one `auto` picked is a missing comparison.
      const read = await readAtRevision(revision.revision, options).catch((error: unknown) => {
        if (options.revision === "auto" && error instanceof UsageError) return { unavailable: `--base auto: ${error.message}` };
        throw error;
      });
      names.push(`${revision.revision}${revision.how}`);
      if ("unavailable" in read) base.unavailable.push({ message: read.unavailable });
      else base.sets = new Map(read.sets.map((set) => [set.key, set]));
      if (options.stdinName !== undefined && options.baseFile === undefined) {
        base.unavailable.push({ message: `${options.stdinName} has no git history: give its previous render with --base-file FILE to compare it too`, file: options.stdinName });
      }
    }
  }
  base.name = names.join(" + ");
  return base;
}

async function readAtRevision(revision: string, options: BaseOptions): Promise<{ sets: ManifestSet[] } | { unavailable: string }> {
  const root = await git(["rev-parse", "--show-toplevel"], options.cwd).catch(() => {
    throw new UsageError(`--base ${revision}: ${options.cwd} is not inside a git repository (use --base-file to give the previous manifests instead)`);
  });
  const realRoot = await fs.realpath(root.trim());
  const commit = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${revision}^{commit}`], options.cwd).catch(() => undefined);
  if (commit === undefined) {
    throw new UsageError(`--base: unknown revision "${revision}" in ${realRoot} (a branch, tag or commit such as origin/main or HEAD~1; in a shallow clone, fetch it first)`);
  }
  const temp = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-base-"));
  try {
    const tree = path.join(temp, "tree");
    mkdirSync(tree);
    const extracted = await extract(commit.trim(), realRoot, tree);
    if (extracted) return { unavailable: `--base ${revision}: ${extracted}` };
    const realCwd = await fs.realpath(options.cwd);
    const mapped = (p: string): string => {
      const absolute = path.resolve(realCwd, p);
      const relative = path.relative(realRoot, absolute);
      return relative.startsWith("..") || path.isAbsolute(relative) ? absolute : path.join(tree, relative);
    };
    const cwd = mapped(".");
    mkdirSync(cwd, { recursive: true });
    const paths = options.paths.filter((p) => p !== "-").map((p) => path.relative(cwd, mapped(p)) || ".");
    if (paths.length === 0) return { sets: [] };
    const render: RenderOptions | undefined = options.read.render && {
      ...options.read.render,
      values: options.read.render.values.map(mapped),
      repoRoot: options.read.render.repoRoot !== undefined ? mapped(options.read.render.repoRoot) : tree,
    };
    const read = await readInputs(paths, { ...options.read, ...(render ? { render } : {}), cwd, readStdin: async () => Buffer.alloc(0), scratch: [temp] });
    return { sets: read.sets };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** `git archive <commit> | tar -x`: the committed tree at the revision, without touching the checkout. */
function extract(commit: string, root: string, into: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const archive = childProcess().spawn("git", ["archive", "--format=tar", commit], { cwd: root, env: GIT_ENV, stdio: ["ignore", "pipe", "pipe"] });
    const tar = childProcess().spawn("tar", ["-x", "-C", into], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    archive.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    tar.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    archive.stdout.pipe(tar.stdin);
    archive.on("error", (error) => resolve(`cannot run git: ${error.message}`));
    tar.on("error", (error) => resolve(`cannot run tar: ${error.message}`));
    // Both must have finished, in whichever order they close.
    const codes: Array<number | null> = [];
    const closed = (code: number | null): void => {
      codes.push(code);
      if (codes.length === 2) resolve(codes.every((c) => c === 0) ? undefined : `extracting the revision failed: ${stderr.trim() || `exit ${codes.find((c) => c !== 0)}`}`);
    };
    archive.on("close", closed);
    tar.on("close", closed);
  });
}

/**
 * What `--base auto` compares with:
 *  - GitHub Actions pull request: the merge base with `origin/$GITHUB_BASE_REF` (actions/checkout needs
 *    `fetch-depth: 0`, or a fetch of the base branch, for it to exist); a push: the event's `before` commit;
 *  - GitLab merge request pipelines: `CI_MERGE_REQUEST_DIFF_BASE_SHA`;
 *  - pre-commit (`PRE_COMMIT=1`): `HEAD`, so the staged change is what is compared;
 *  - otherwise the merge base with the default branch (`origin/HEAD`, else origin/main or origin/master, else
 *    main or master); on the default branch itself, with a clean checkout, the last commit's parent.
 */
export async function autoBase(cwd: string, env: NodeJS.ProcessEnv): Promise<{ revision: string; how: string } | { unavailable: string }> {
  const exists = async (rev: string): Promise<string | undefined> => (await git(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], cwd).catch(() => undefined))?.trim();
  const mergeBase = async (rev: string): Promise<string | undefined> => (await git(["merge-base", "HEAD", rev], cwd).catch(() => undefined))?.trim();
  if (env.GITHUB_ACTIONS === "true" && env.GITHUB_BASE_REF) {
    const ref = `origin/${env.GITHUB_BASE_REF}`;
    if (!(await exists(ref))) return { unavailable: `the pull request's base ${ref} is not in this clone; check out with fetch-depth: 0 (actions/checkout) or fetch the base branch` };
    const base = await mergeBase(ref);
    return base ? { revision: base, how: ` (merge base with ${ref})` } : { unavailable: `no merge base between HEAD and ${ref}` };
  }
  if (env.GITHUB_ACTIONS === "true" && env.GITHUB_EVENT_NAME === "push" && env.GITHUB_EVENT_PATH) {
    const before = pushBefore(env.GITHUB_EVENT_PATH);
    if (before && (await exists(before))) return { revision: before, how: " (the push's previous commit)" };
  }
  if (env.GITLAB_CI === "true" && env.CI_MERGE_REQUEST_DIFF_BASE_SHA) {
    const sha = env.CI_MERGE_REQUEST_DIFF_BASE_SHA;
    return (await exists(sha)) ? { revision: sha, how: " (the merge request's base)" } : { unavailable: `the merge request's base ${sha} is not in this clone; set GIT_DEPTH: 0` };
  }
  if (env.PRE_COMMIT === "1") return (await exists("HEAD")) ? { revision: "HEAD", how: " (pre-commit: the staged change)" } : { unavailable: "the repository has no commit yet" };
  const defaultBranch = (await git(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd).catch(() => undefined))?.trim();
  for (const candidate of [defaultBranch, "origin/main", "origin/master", "main", "master"]) {
    if (!candidate || !(await exists(candidate))) continue;
    const base = await mergeBase(candidate);
    if (!base) continue;
    const head = await exists("HEAD");
    const clean = (await git(["status", "--porcelain", "--untracked-files=no"], cwd).catch(() => "x")).trim() === "";
    if (base === head && clean) {
      const parent = await exists("HEAD~1");
      return parent ? { revision: parent, how: ` (HEAD is ${candidate}: its last commit's parent)` } : { unavailable: "HEAD has no parent to compare with" };
    }
    return { revision: base, how: ` (merge base with ${candidate})` };
  }
  return { unavailable: "no default branch (origin/HEAD, origin/main, origin/master, main, master) to compare with; give --base REV" };
}

function pushBefore(eventPath: string): string | undefined {
  try {
    const event = JSON.parse(readFileSync(eventPath, "utf8")) as { before?: unknown };
    return typeof event.before === "string" && !/^0+$/.test(event.before) ? event.before : undefined;
  } catch {
    return undefined;
  }
}

/**
 * No network, ever: a partial clone would otherwise fetch a missing blob from its remote (git 2.44+
 * honours GIT_NO_LAZY_FETCH), and nothing may prompt for credentials.
 */
const GIT_ENV = { ...process.env, GIT_NO_LAZY_FETCH: "1", GIT_TERMINAL_PROMPT: "0" };

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    childProcess().execFile("git", args, { cwd, env: GIT_ENV, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}
