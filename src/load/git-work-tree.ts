import { existsSync } from "node:fs";
import path from "node:path";
import { isDirectory } from "./fs-checks.js";

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
