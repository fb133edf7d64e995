import { repoRelativePath, type RepoPaths } from "./repo-relative.js";

export const SRCROOT = "%SRCROOT%";

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId: string;
}

/**
 * A finding's file as a SARIF artifact location: relative to the repository root under `%SRCROOT%`
 * (what GitHub code scanning resolves against its checkout), or undefined for a file outside the root:
 * no relative URI means anything there, and an absolute `file:` URI would put a machine path in the log
 * and make GitHub reject the whole upload (GH1006). Without paths, file names are taken as repository-relative.
 */
export function artifactLocation(file: string, paths: RepoPaths | undefined): SarifArtifactLocation | undefined {
  const relative = paths ? repoRelativePath(file, paths) : file;
  return relative === undefined ? undefined : { uri: relativeUri(relative), uriBaseId: SRCROOT };
}

/** Files of findings that SARIF leaves out because they lie outside the repository root. */
export function filesOutsideRoot(files: readonly string[], paths: RepoPaths | undefined): string[] {
  return [...new Set(files)].filter((file) => artifactLocation(file, paths) === undefined);
}

/** A relative URI reference: forward slashes, every segment percent-encoded (`<stdin>`, spaces). */
function relativeUri(file: string): string {
  return file.split(/[\\/]/).map((segment) => (segment === ".." || segment === "." ? segment : encodeURIComponent(segment))).join("/");
}
