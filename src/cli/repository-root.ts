import { childProcess } from "../util/lazy-builtins.js";
import { realpathSync } from "node:fs";
import path from "node:path";
import type { RepoPaths } from "../report/repo-relative.js";

/**
 * The root SARIF, GitHub and GitLab paths are relative to: `--repo-root`, else the Git work tree of the working directory
 * (`git rev-parse --show-toplevel`, without a shell), else the working directory. Real paths, so that
 * a working directory reached through a symbolic link still lies inside the root git reports.
 */
export function repositoryRoot(cwd: string, repoRootFlag: string | undefined): RepoPaths {
  const realCwd = realpathSync(cwd);
  if (repoRootFlag !== undefined) return { cwd: realCwd, root: realpathSync(path.resolve(cwd, repoRootFlag)) };
  return { cwd: realCwd, root: gitTopLevel(realCwd) ?? realCwd };
}

function gitTopLevel(cwd: string): string | undefined {
  try {
    const out = childProcess().execFileSync("git", ["rev-parse", "--show-toplevel"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    });
    return realpathSync(out.trim());
  } catch {
    return undefined; // not a repository, or no git: the working directory stands in
  }
}
