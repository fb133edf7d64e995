import { promises as fs } from "node:fs";
import path from "node:path";
import { globby, isDynamicPattern } from "globby";
import { expandDirectory, type RenderUnit } from "../render/discover.js";
import type { LoadProblem } from "./types.js";

export interface InputFile {
  /** How findings name the file: relative to the working directory, forward slashes, or the stdin name. */
  name: string;
  /** Absolute path; absent for stdin. */
  absolutePath?: string;
}

export interface CollectedInputs {
  files: InputFile[];
  problems: LoadProblem[];
  /** Chart and kustomization directories, rendered instead of read file by file (src/render/). */
  units: RenderUnit[];
}

/** Expands the command line's files, directories, globs and `-` into a de-duplicated list of inputs. */
export async function collectInputs(args: string[], options: { cwd: string; stdinName: string }): Promise<CollectedInputs> {
  const files: InputFile[] = [];
  const problems: LoadProblem[] = [];
  const units: RenderUnit[] = [];
  const seen = new Set<string>();
  const add = (absolutePath: string): void => {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    files.push({ name: displayName(options.cwd, absolutePath), absolutePath });
  };
  const missing = (arg: string, message: string): void => {
    problems.push({ kind: "invalid-input", file: toPosix(arg), line: 1, column: 1, message });
  };

  for (const arg of args) {
    if (arg === "-") {
      if (!seen.has("-")) files.push({ name: options.stdinName });
      seen.add("-");
      continue;
    }
    const absolute = path.resolve(options.cwd, arg);
    const stat = await fs.stat(absolute).catch((error: NodeJS.ErrnoException) => error);
    if (!(stat instanceof Error)) {
      if (stat.isDirectory()) {
        // Symlinked directories are not followed: a link loop must not hang the walk. Chart and
        // kustomization directories become render units; their files are not read raw.
        const expanded = await expandDirectory(absolute, true);
        expanded.files.forEach(add);
        for (const unit of expanded.units) {
          if (seen.has(`unit:${unit.dir}`)) continue;
          seen.add(`unit:${unit.dir}`);
          units.push(unit);
        }
      } else {
        add(absolute);
      }
    } else if (isDynamicPattern(arg)) {
      const found = await globby(arg, { cwd: options.cwd, gitignore: true, absolute: true, followSymbolicLinks: false, suppressErrors: true });
      if (found.length === 0) missing(arg, `no files match the pattern "${arg}"`);
      found.sort().forEach(add);
    } else {
      missing(arg, stat.code === "ENOENT" ? `no such file or directory: ${arg}` : `cannot read ${arg}: ${stat.code ?? stat.message}`);
    }
  }
  return { files, problems, units };
}

export function displayName(cwd: string, absolutePath: string): string {
  return toPosix(path.relative(cwd, absolutePath) || path.basename(absolutePath));
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
