import { readdirSync, type Dirent } from "node:fs";
import path from "node:path";

/**
 * Absolute paths of the entries under `dir` whose names pass `wanted`: what globby returns for
 * `**\/<wanted>` with `dot: false`, `followSymbolicLinks: false`, `onlyFiles: false` and
 * `suppressErrors`, without loading globby and fast-glob (~35 ms, more than the walk) when there
 * are no .gitignore files to honour. Names starting with a dot are skipped; links, pipes and other
 * non-directories are returned for the caller to judge; links to directories are not entered, so a
 * link loop cannot hang the walk.
 */
export function walkDirectory(dir: string, wanted: (name: string) => boolean): string[] {
  const found: string[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue; // vanished or unreadable: skipped, as the globby walk does
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (wanted(entry.name)) found.push(full);
    }
  }
  return found;
}
