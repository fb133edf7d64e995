import path from "node:path";

/** Findings name files relative to `cwd`; code-scanning formats need them relative to the repository `root`. */
export interface RepoPaths {
  cwd: string;
  /** The Git top level, or `--repo-root`, or the working directory outside a repository. */
  root: string;
}

/** A finding's file relative to the repository root, forward slashes; undefined for a file outside the root. */
export function repoRelativePath(file: string, paths: RepoPaths): string | undefined {
  if (file.startsWith("<")) return file; // `<stdin>` without --stdin-filename names no file
  const relative = path.relative(paths.root, path.resolve(paths.cwd, file));
  if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join("/");
}

/** The repository-relative name when the file is inside the repository; as the user named it otherwise. */
export function repoFile(file: string, paths: RepoPaths | undefined): string {
  return (paths && repoRelativePath(file, paths)) ?? file;
}
