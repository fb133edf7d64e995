import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandGlob } from "../src/load/expand-glob.js";
import { walkDirectory } from "../src/load/walk-directory.js";

// Git itself is the reference for what .gitignore files leave out: in a repository where nothing is
// tracked, `git ls-files --others --exclude-standard` lists the files that are not ignored.
const FILES = [
  "a.yaml", "b.yml", "Dir/c.yaml", "dir/c.yaml", "dir/d.json", "dir/sub/e.yaml", "dir/sub/f.yml", "dir/sub/deep/g.yaml",
  "other/h.yaml", "other/dir/i.yaml", "other/sub/j.yaml", "x[1]/k.yaml", "sp ace/l.yaml",
];
const PATTERNS = [
  "*.yml", "*.YAML", "dir", "dir/", "/dir", "Dir/", "sub/", "sub/*.yaml", "**/deep", "deep/**", "**/*.json", "other/*/i.yaml", "c.yaml", "/c.yaml",
  "!c.yaml", "!dir/", "!sub/", "!e.yaml", "!*.yml", "x[1]", "x\\[1\\]/", "sp ace/", "sp\\ ace/", "*", "!*/", "?.yaml", "[a-c].yaml", "# comment", "", "e.yaml   ",
  "\\#x.yaml", "**", "dir/**/g.yaml",
];
const PLACES = ["", "dir/", "dir/sub/", "other/"];
const wanted = (name: string): boolean => /\.(?:yaml|yml|json)$/.test(name);

describe("walking a Git work tree honours .gitignore files as git does", () => {
  it("gives the files git lists as not ignored, for generated .gitignore files at several depths", () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-home-")); // no user or system excludes file
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
    const ignoreFile = fc.array(fc.constantFrom(...PATTERNS), { maxLength: 4 }).map((lines) => lines.join("\n"));
    fc.assert(
      fc.property(fc.tuple(...PLACES.map(() => fc.option(ignoreFile))), (contents) => {
        const root = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-gitignore-"));
        try {
          execFileSync("git", ["init", "-q"], { cwd: root, env });
          for (const f of FILES) {
            mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
            writeFileSync(path.join(root, f), "");
          }
          contents.forEach((text, i) => {
            if (text !== null) writeFileSync(path.join(root, PLACES[i]!, ".gitignore"), text);
          });
          const byGit = execFileSync("git", ["ls-files", "-z", "--others", "--exclude-standard"], { cwd: root, env, encoding: "utf8" })
            .split("\0")
            .filter(wanted)
            .sort();
          const walked = walkDirectory(root, wanted).map((f) => path.relative(root, f)).sort();
          expect(walked).toEqual(byGit);
          // a glob argument leaves out what a directory argument leaves out
          expect(expandGlob("**/*.{yaml,yml,json}", root, () => {}).map((f) => path.relative(root, f)).sort()).toEqual(byGit);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 60, seed: 20261201 },
    );
  }, 60_000);
});
