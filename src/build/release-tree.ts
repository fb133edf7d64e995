import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Unpacks an `npm pack` tarball into `dir` as a release tree: what a release tag holds and what the release
 * tarball is packed from, so the GitHub Action, the Helm plugin, pre-commit and `npm install --global
 * github:…#vX.Y.Z` all run the same built, dependency-free CLI. Its package.json keeps no scripts and no
 * devDependencies: npm prepares a git dependency that has build scripts (pacote's git fetcher runs `npm
 * install` with devDependencies for prepare, prepack, build and install scripts), which a built release
 * does not need, and which fails for global installs (npm/cli#8440).
 */
export function unpackReleaseTree(tarball: string, dir: string): void {
  execFileSync("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1"]);
  const file = path.join(dir, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  delete pkg.scripts;
  delete pkg.devDependencies;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
