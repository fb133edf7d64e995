import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";
import { unpackReleaseTree } from "./release-tree.js";

// `npm run release` (after the build): the release commit and tarball of this checkout's version. The
// commit's tree is the npm package (./release-tree.ts), its parent the source commit it was built from;
// nothing is pushed: the output says how to publish.
const version = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
const git = (args: string[], env: NodeJS.ProcessEnv = process.env, cwd = PACKAGE_ROOT): string => execFileSync("git", args, { cwd, encoding: "utf8", env }).trim();
const npm = (args: string[], cwd: string): string => execFileSync("npm", args, { cwd, encoding: "utf8" }).trim();

if (git(["status", "--porcelain"]) !== "") throw new Error("the work tree has uncommitted changes: a release is built from a commit");
const source = git(["rev-parse", "HEAD"]);
const work = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-release-"));
try {
  const tree = path.join(work, "package");
  mkdirSync(tree);
  // The build ran just before (`npm run release`), so packing needs no lifecycle scripts.
  const packed = npm(["pack", "--ignore-scripts", "--pack-destination", work], PACKAGE_ROOT).split("\n").at(-1)!;
  unpackReleaseTree(path.join(work, packed), tree);
  // A private index whose work tree is the release tree; --force: ignore rules (dist/) do not apply to it.
  const index = { ...process.env, GIT_DIR: git(["rev-parse", "--absolute-git-dir"]), GIT_WORK_TREE: tree, GIT_INDEX_FILE: path.join(work, "index") };
  git(["add", "--all", "--force", "."], index, tree);
  const treeId = git(["write-tree"], index, tree);
  const commit = git(["commit-tree", treeId, "-p", source, "-m", `gitops-lint v${version}: the built package of ${source}`]);
  // The release tarball is packed from the release tree, so it equals what the tag holds.
  const tarball = npm(["pack", "--pack-destination", work], tree).split("\n").at(-1)!;
  renameSync(path.join(work, tarball), path.join(PACKAGE_ROOT, tarball));
  process.stdout.write(
    `release commit ${commit} (tree of the npm package built from ${source})\n` +
      `release tarball ${tarball}\n\n` +
      `publish:\n  git tag v${version} ${commit} && git push origin v${version}\n` +
      `  git tag -f v${version.split(".")[0]} ${commit} && git push -f origin v${version.split(".")[0]}   # the Action's moving major tag\n` +
      `  then attach ${tarball} to the GitHub release v${version}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
