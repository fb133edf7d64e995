import path from "node:path";
import { pathToFileURL } from "node:url";

/** Where SARIF locations are resolved from: findings name files relative to `cwd`; URIs are relative to `root`. */
export interface SarifPaths {
  cwd: string;
  /** The repository root that `%SRCROOT%` stands for. */
  root: string;
}

export const SRCROOT = "%SRCROOT%";

/**
 * A finding's file as a SARIF artifact location: relative to the repository root under `%SRCROOT%`
 * (what GitHub code scanning resolves against its checkout). A file outside the root has no relative
 * URI that means anything there, so it gets an absolute `file:` URI and no base (valid SARIF; GitHub
 * does not show such results). Without paths, file names are taken as repository-relative.
 */
export function artifactLocation(file: string, paths: SarifPaths | undefined): { uri: string; uriBaseId?: string } {
  if (!paths) return { uri: relativeUri(file), uriBaseId: SRCROOT };
  const absolute = path.resolve(paths.cwd, file);
  const relative = path.relative(paths.root, absolute);
  if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return { uri: pathToFileURL(absolute).href };
  return { uri: relativeUri(relative), uriBaseId: SRCROOT };
}

/** A relative URI reference: forward slashes, every segment percent-encoded (`<stdin>`, spaces). */
function relativeUri(file: string): string {
  return file.split(/[\\/]/).map((segment) => (segment === ".." || segment === "." ? segment : encodeURIComponent(segment))).join("/");
}
