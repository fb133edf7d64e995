import { childProcess } from "../util/lazy-builtins.js";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import type { Tool } from "./tools.js";

/**
 * What identifies the program a render runs, for the render cache's key: the binary by where it really is (links
 * followed: a package manager's upgrade moves the link), its size and its modification time, as ccache checks
 * compilers. A script instead of a binary (a version manager's shim, as asdf and mise install, or a wrapper) runs
 * whatever it chooses, so the version the tool reports through it counts too. Undefined when the tool cannot be
 * identified: its renders are not cached.
 */
export async function toolIdentity(tool: Tool, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string | undefined> {
  let file: string;
  let size: number;
  let mtime: number;
  try {
    file = realpathSync(tool.command);
    ({ size, mtimeMs: mtime } = statSync(file));
  } catch {
    return undefined;
  }
  const identity = `${file} ${size} ${mtime} ${tool.prefix.join(" ")}`;
  if (!isScript(file)) return identity;
  const version = await new Promise<string | undefined>((resolve) => {
    childProcess().execFile(tool.command, versionArgs(tool), { ...options, encoding: "utf8", timeout: 60_000, windowsHide: true }, (error, stdout) => resolve(error ? undefined : stdout));
  });
  return version === undefined ? undefined : `${identity} ${version.trim()}`;
}

/** `helm version`, `kubectl version --client` (its kustomize's version included), `kustomize version`. */
function versionArgs(tool: Tool): string[] {
  if (tool.prefix[0] === "kustomize") return ["version", "--client"];
  return ["version"];
}

function isScript(file: string): boolean {
  const head = Buffer.alloc(2);
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    return readSync(fd, head, 0, 2, 0) === 2 && head.toString("latin1") === "#!";
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
