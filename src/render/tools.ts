import { childProcess } from "../util/lazy-builtins.js";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/** An external program gitops-lint renders with, found on PATH or given on the command line. */
export interface Tool {
  /** Absolute path, or the path the user gave. */
  command: string;
  /** Arguments that always come first (`kustomize` for `kubectl kustomize`, `build` for `kustomize build`). */
  prefix: string[];
  /** How messages name it: `helm`, `kubectl kustomize`, `kustomize build`. */
  label: string;
}

export type ToolLookup = { tool: Tool } | { missing: string };

export const HELM_INSTALL =
  "install Helm (https://helm.sh/docs/intro/install/, e.g. `brew install helm` or the release binary from https://github.com/helm/helm/releases) or pass --helm PATH";
export const KUSTOMIZE_INSTALL =
  "install kubectl, which includes kustomize (https://kubernetes.io/docs/tasks/tools/), or kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/), or pass --kustomize PATH";

/** The first executable file called `name` on the PATH, or undefined. Never runs anything. */
export function findOnPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `--helm PATH`, else `helm` on PATH. */
export function lookupHelm(flag: string | undefined, cwd: string, envPath: string | undefined): ToolLookup {
  if (flag !== undefined) {
    const command = path.resolve(cwd, flag);
    return isExecutableFile(command) ? { tool: { command, prefix: [], label: "helm" } } : { missing: `--helm ${flag} is not an executable file` };
  }
  const found = findOnPath("helm", envPath);
  return found ? { tool: { command: found, prefix: [], label: "helm" } } : { missing: `\`helm\` is not on PATH; ${HELM_INSTALL}` };
}

/** `--kustomize PATH` (a kustomize or a kubectl binary), else `kustomize` on PATH, else `kubectl` on PATH. */
export function lookupKustomize(flag: string | undefined, cwd: string, envPath: string | undefined): ToolLookup {
  const asTool = (command: string): Tool =>
    path.basename(command).startsWith("kubectl")
      ? { command, prefix: ["kustomize"], label: "kubectl kustomize" }
      : { command, prefix: ["build"], label: "kustomize build" };
  if (flag !== undefined) {
    const command = path.resolve(cwd, flag);
    return isExecutableFile(command) ? { tool: asTool(command) } : { missing: `--kustomize ${flag} is not an executable file` };
  }
  const found = findOnPath("kustomize", envPath) ?? findOnPath("kubectl", envPath);
  return found ? { tool: asTool(found) } : { missing: `neither \`kustomize\` nor \`kubectl\` is on PATH; ${KUSTOMIZE_INSTALL}` };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The program ran and exited with `code` (not: it could not start, was stopped at the timeout, or printed too much). */
  exited: boolean;
}

/** Runs a tool without a shell (arguments as an array), collecting its output; never throws for a non-zero exit. */
export function runTool(tool: Tool, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    childProcess().execFile(
      tool.command,
      [...tool.prefix, ...args],
      { cwd: options.cwd, env: options.env, encoding: "utf8", maxBuffer: 1 << 30, timeout: options.timeoutMs ?? 300_000, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr, exited: true });
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        const reason = e.killed ? `${tool.label} did not finish in time and was stopped` : typeof e.code === "string" ? `cannot run ${tool.command}: ${e.code}` : "";
        resolve({ code: typeof e.code === "number" ? e.code : 1, stdout, stderr: reason ? `${reason}\n${stderr}` : stderr, exited: typeof e.code === "number" && !e.killed });
      },
    );
  });
}
