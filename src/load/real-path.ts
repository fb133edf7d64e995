import { realpathSync } from "node:fs";

/** The path with every link resolved, or the path itself when it cannot be (broken link, no access). */
export function realPathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
