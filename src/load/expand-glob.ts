import { createRequire } from "node:module";
import path from "node:path";
import { isDirectory } from "./fs-checks.js";
import { walkDirectory } from "./walk-directory.js";

type Picomatch = typeof import("picomatch");
// Loaded for the first glob argument only: a run on files and directories never needs it.
let picomatchLib: Picomatch | undefined;
const picomatch = (): Picomatch => (picomatchLib ??= createRequire(import.meta.url)("picomatch") as Picomatch);

/** Whether an argument is a glob pattern rather than a path. */
export function isGlob(arg: string): boolean {
  return picomatch().scan(arg).isGlob;
}

/**
 * The files a glob pattern matches, absolute and sorted: the pattern's fixed base directory walked as a
 * directory argument is (walk-directory.ts: the same .gitignore rules, dot names skipped, links to
 * directories not entered), each path relative to `cwd` matched against the pattern. Unreadable
 * directories go to `onUnreadable`, as for a walk.
 */
export function expandGlob(pattern: string, cwd: string, onUnreadable: (dir: string, error: NodeJS.ErrnoException) => void): string[] {
  const posix = pattern.split(path.sep).join("/");
  const { base } = picomatch().scan(posix);
  const matches = picomatch()(path.posix.normalize(posix), { dot: false });
  const root = path.resolve(cwd, base === "" ? "." : base);
  if (!isDirectory(root)) return [];
  return walkDirectory(root, () => true, onUnreadable)
    .filter((file) => matches(path.relative(cwd, file).split(path.sep).join("/")))
    .sort();
}
