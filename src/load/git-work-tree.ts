import { existsSync, statSync } from "node:fs";
import path from "node:path";

/** The top of the Git work tree `start` (a file or directory) is in, found by its `.git` (a directory, or a file in a worktree). */
export function gitWorkTreeOf(start: string): string | undefined {
  let dir = isDirectory(start) ? start : path.dirname(start);
  for (;;) {
    if (existsSync(path.join(dir, ".git"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
