import { readdirSync, readFileSync, type Dirent } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Ignore } from "ignore";

// Loaded when a walk first meets a .gitignore: a run on files, or outside a Git work tree, never does.
let ignoreLib: typeof import("ignore") | undefined;

/** The rules of one .gitignore file, which apply to paths below its directory. */
interface IgnoreFile {
  dir: string;
  rules: Ignore;
}

/**
 * Absolute paths of the entries under `dir` whose names pass `wanted`: what globby returns for
 * `**\/<wanted>` with `dot: false`, `followSymbolicLinks: false`, `onlyFiles: false` and
 * `suppressErrors`, without loading globby and fast-glob (~35 ms, and ~35 ms more for their walk with
 * .gitignore files, against ~2 ms for this one). Names starting with a dot are skipped; links, pipes
 * and other non-directories are returned for the caller to judge; links to directories are not
 * entered, so a link loop cannot hang the walk.
 *
 * Inside a Git work tree (`gitRoot`, its top), .gitignore files are honoured as git reads them: those
 * of `dir`'s parents up to `gitRoot` and those found on the way down, the closest deciding, and nothing
 * below an ignored directory. (.git/info/exclude and the user's global excludes file are not read.)
 */
export function walkDirectory(dir: string, wanted: (name: string) => boolean, gitRoot?: string): string[] {
  const found: string[] = [];
  const pending: Array<{ dir: string; ignores: IgnoreFile[] }> = [{ dir, ignores: gitRoot === undefined ? [] : parentIgnoreFiles(gitRoot, dir) }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(next.dir, { withFileTypes: true });
    } catch {
      continue; // vanished or unreadable: skipped, as the globby walk does
    }
    const own = gitRoot !== undefined && entries.some((e) => e.name === ".gitignore" && !e.isDirectory()) ? ignoreFileIn(next.dir) : undefined;
    const ignores = own ? [...next.ignores, own] : next.ignores;
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = path.join(next.dir, entry.name);
      const isDirectory = entry.isDirectory();
      if (ignores.length > 0 && isIgnored(ignores, full, isDirectory)) continue;
      if (isDirectory) pending.push({ dir: full, ignores });
      else if (wanted(entry.name)) found.push(full);
    }
  }
  return found;
}

/** The .gitignore files of the directories from `gitRoot` down to `dir`'s parent, outermost first. */
function parentIgnoreFiles(gitRoot: string, dir: string): IgnoreFile[] {
  const relative = path.relative(gitRoot, dir);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return [];
  const segments = relative.split(path.sep);
  return segments.flatMap((_, i) => ignoreFileIn(path.join(gitRoot, ...segments.slice(0, i))) ?? []);
}

function ignoreFileIn(dir: string): IgnoreFile | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dir, ".gitignore"), "utf8");
  } catch {
    return undefined;
  }
  ignoreLib ??= createRequire(import.meta.url)("ignore") as typeof import("ignore");
  return { dir, rules: ignoreLib().add(text) };
}

/** Git's precedence: the closest .gitignore with a pattern matching the path decides; within one, its last matching pattern. */
function isIgnored(ignores: IgnoreFile[], full: string, isDirectory: boolean): boolean {
  for (let i = ignores.length - 1; i >= 0; i--) {
    const { dir, rules } = ignores[i]!;
    const relative = path.relative(dir, full).split(path.sep).join("/");
    const verdict = rules.test(isDirectory ? `${relative}/` : relative);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}
