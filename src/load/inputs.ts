import { lstatSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { expandDirectory, type RenderUnit } from "./discover.js";
import { expandGlob, isGlob } from "./expand-glob.js";
import { realPathOrSelf } from "./fs-checks.js";
import { kustomizePatchesAmong } from "./kustomize-patches.js";
import type { LoadProblem } from "./types.js";

export interface InputFile {
  /** How findings name the file: relative to the working directory, forward slashes, or the stdin name. */
  name: string;
  /** Absolute path; absent for stdin. */
  absolutePath?: string;
  /** Listed as a patch by a kustomization (see kustomize-patches.ts): read for its syntax, not linted as manifests. */
  kustomizePatch?: boolean;
  /** The set it is linted in (SourceDocument.cluster): the directory argument it was found in; absent for files and stdin named one by one. */
  cluster?: string;
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
  const add = (absolutePath: string, cluster?: string): void => {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    files.push({ name: displayName(options.cwd, absolutePath), absolutePath, ...(cluster !== undefined ? { cluster } : {}) });
  };
  const missing = (arg: string, message: string): void => {
    problems.push({ kind: "invalid-input", file: toPosix(arg), line: 1, column: 1, message });
  };

  const unreadableDirectory = (dir: string, error: NodeJS.ErrnoException): void =>
    missing(displayName(options.cwd, dir), `cannot read the directory ${displayName(options.cwd, dir)}: ${reasonOf(error)}; nothing in it was linted`);

  for (const arg of args) {
    if (arg === "-") {
      if (!seen.has("-")) files.push({ name: options.stdinName });
      seen.add("-");
      continue;
    }
    const absolute = path.resolve(options.cwd, arg);
    const stat = statOrError(() => statSync(absolute));
    if (!(stat instanceof Error)) {
      if (stat.isDirectory()) {
        // Chart and kustomization directories become render units; their files are not read raw.
        // Symlinked directories are not followed: a link loop must not hang the walk.
        const expanded = expandDirectory(absolute, true);
        for (const { dir, error } of expanded.unreadable) unreadableDirectory(dir, error);
        if (expanded.files.length === 0 && expanded.units.length === 0 && expanded.unreadable.length === 0) {
          const only = expanded.skipped.length > 0 ? `: ${describeSkipped(expanded.skipped, options.cwd)}, which gitops-lint renders only through the charts or kustomizations that use them` : "";
          missing(arg, `nothing to lint in ${toPosix(arg)}: no manifests (*.yaml, *.yml, *.json), charts or kustomizations were found${only}`);
        }
        const walked = new Set(expanded.files);
        // What one directory argument holds is linted as one set, apart from other directories' (other clusters').
        const cluster = `dir:${toPosix(arg)}`;
        for (const entry of expanded.files) {
          const kind = entryKind(entry, walked);
          if (kind === "file") add(entry, cluster);
          else if (kind !== "directory" && kind !== "duplicate") missing(displayName(options.cwd, entry), kind.problem);
        }
        for (const unit of expanded.units) {
          if (seen.has(`unit:${unit.dir}`)) continue;
          seen.add(`unit:${unit.dir}`);
          units.push(unit.explicit ? unit : { ...unit, cluster });
        }
      } else {
        add(absolute);
      }
    } else if (isGlob(arg)) {
      const found = expandGlob(arg, options.cwd, unreadableDirectory);
      let matched = 0;
      const walked = new Set(found);
      for (const entry of found) {
        const kind = entryKind(entry, walked);
        if (kind === "directory") continue;
        if (kind === "duplicate") {
          matched++;
          continue;
        }
        matched++;
        if (kind === "file") add(entry);
        else missing(displayName(options.cwd, entry), kind.problem);
      }
      if (matched === 0) missing(arg, `no files match the pattern "${arg}"`);
    } else {
      missing(arg, stat.code === "ENOENT" ? `no such file or directory: ${arg}` : `cannot read ${arg}: ${reasonOf(stat)}`);
    }
  }
  const patches = kustomizePatchesAmong(files.flatMap((f) => f.absolutePath ?? []), units);
  for (const file of files) if (file.absolutePath !== undefined && patches.has(file.absolutePath)) file.kustomizePatch = true;
  return { files, problems, units };
}

/**
 * What a walked entry is. Symbolic links to files are read (charts and overlays link shared files)
 * unless the walk reaches their target anyway;
 * links to directories are not followed (a link loop must not hang the walk); a broken link, a link
 * loop, a pipe or a device is reported rather than skipped, so nothing is silently left unlinted.
 */
function entryKind(absolutePath: string, walked: Set<string>): "file" | "directory" | "duplicate" | { problem: string } {
  // Synchronous: one stat per entry is microseconds, while awaiting each from the thread pool cost ~0.1 ms.
  const name = path.basename(absolutePath);
  const link = statOrError(() => lstatSync(absolutePath));
  if (link instanceof Error) return { problem: `cannot read ${name}: ${reasonOf(link)}` };
  if (link.isDirectory()) return "directory";
  const target = link.isSymbolicLink() ? statOrError(() => statSync(absolutePath)) : link;
  if (target instanceof Error) {
    return { problem: `cannot read ${name}: ${target.code === "ENOENT" ? "a broken symbolic link (its target does not exist)" : reasonOf(target)}` };
  }
  if (target.isDirectory()) return "directory";
  if (target.isFile()) {
    // A link to a file the same walk reads anyway would lint its objects twice.
    if (link.isSymbolicLink() && walked.has(realPathOrSelf(absolutePath))) return "duplicate";
    return "file";
  }
  return { problem: `${name} is not a regular file (a pipe, socket or device); it was not read` };
}

function describeSkipped(units: RenderUnit[], cwd: string): string {
  return units.map((u) => `${u.kind === "skip" && path.basename(u.marker) === "Chart.yaml" ? "the library chart" : "the kustomize Component"} ${displayName(cwd, u.dir)}`).join(", ");
}

function statOrError(stat: () => Stats): Stats | NodeJS.ErrnoException {
  try {
    return stat();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}


export function reasonOf(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many levels of symbolic links (a link loop)";
    case "ENOENT":
      return "no such file or directory";
    case "EISDIR":
      return "it is a directory";
    default:
      return error.code ?? error.message;
  }
}

export function displayName(cwd: string, absolutePath: string): string {
  return toPosix(path.relative(cwd, absolutePath) || path.basename(absolutePath));
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
