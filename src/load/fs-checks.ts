import { realpathSync, statSync } from "node:fs";

// What a path is, following links; a path that cannot be read (absent, broken link, no access) is neither.

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The path with every link resolved, or the path itself when it cannot be (broken link, no access). */
export function realPathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
