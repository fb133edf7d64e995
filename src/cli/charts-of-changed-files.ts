import { existsSync } from "node:fs";
import path from "node:path";

/**
 * `--charts-from-files`: pre-commit passes the changed files; a chart must be linted whole (rendered),
 * so each file becomes the outermost chart directory holding it (a subchart's file lints its parent,
 * which renders it with the parent's values). Files in no chart are dropped. Directories are relative to
 * `cwd`, sorted, each once; nothing above `cwd` is searched.
 */
export function chartDirsOf(files: string[], cwd: string): string[] {
  const root = path.resolve(cwd);
  const charts = new Set<string>();
  for (const file of files) {
    let chart: string | undefined;
    for (let dir = path.dirname(path.resolve(root, file)); isInside(dir, root); dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, "Chart.yaml"))) chart = dir;
      if (dir === root) break;
    }
    if (chart) charts.add(path.relative(root, chart).split(path.sep).join("/") || ".");
  }
  return [...charts].sort();
}

function isInside(dir: string, root: string): boolean {
  const relative = path.relative(root, dir);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}
