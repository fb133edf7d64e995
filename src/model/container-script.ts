import type { NodePath } from "../load/types.js";
import { shellScriptAt, unwrapCommand } from "../shell/command-line.js";
import { asArray, isObject } from "../util/json.js";
import { expandKubernetesVars } from "./kubernetes-var-expansion.js";
import type { ContainerView } from "./pod-spec.js";

export interface ContainerScript {
  /** The shell script the container runs, after the kubelet's `$(VAR)` expansion. */
  script: string;
  /** False when that expansion changed the text: positions in `script` then do not match the manifest. */
  verbatim: boolean;
  /** Path of the `command`/`args` element holding the script (basePath included). */
  path: NodePath;
}

/** What a container runs: its `command` + `args`, the command behind wrappers, and the shell script if it runs one. */
export interface ContainerCommand {
  /** `command` + `args` after the kubelet's `$(VAR)` expansion. */
  words: string[];
  /** Where each word is (basePath included). */
  paths: NodePath[];
  /** Index of the word naming the command that really runs, behind `exec`, `dumb-init --`, `timeout 900` …. */
  index: number;
  /** The tightest `timeout N` wrapper: seconds, and the index of its duration word. */
  timeout?: { seconds: number; index: number };
  /** When that command is a shell given a script (`sh -c '…'`, `/bin/bash -ec`, `busybox sh -c`). */
  script?: ContainerScript;
  /** Literal `env[].value`s of the container, and what an `env NAME=VALUE` wrapper sets: a script sees them as variables. */
  env: Map<string, string>;
}

/**
 * The command line of a container that sets `command` (the image's entrypoint is unknown, so `args` alone
 * is not read): exec form (`["kubectl", "wait", "--timeout=20m"]`), a shell script
 * (`command: ["sh", "-c", script]`, `command: ["/bin/bash", "-ec"]` + `args: [script]`, `command: ["sh"]` +
 * `args: ["-c", script]`), either behind wrappers (`["dumb-init", "--", "/bin/sh", "-c", …]`,
 * `["timeout", "900", "sh", "-c", …]`). Words are expanded as the kubelet does (`$(VAR)` from the
 * container's literal env). Undefined when a word is not a string or number, or a wrapper's word is unknown.
 */
export function containerCommand(view: ContainerView): ContainerCommand | undefined {
  const command = asArray(view.container.command);
  if (command.length === 0) return undefined;
  const args = asArray(view.container.args);
  const raw = [...command, ...args];
  if (!raw.every((a) => typeof a === "string" || typeof a === "number")) return undefined;
  const env = literalEnv(view.container.env);
  // Only literal values are known: a reference to a `valueFrom` variable stays as written (a shell then
  // reads it as a command substitution, whose value is unknown anyway). Nothing is runtime-only, so there is a result.
  const lookup = (name: string): { known: true; value: string } | undefined => {
    const value = env.get(name);
    return value === undefined ? undefined : { known: true, value };
  };
  const written = raw.map(String);
  const words = written.map((word) => expandKubernetesVars(word, lookup)!);
  const paths: NodePath[] = raw.map((_, i) => (i < command.length ? [...view.path, "command", i] : [...view.path, "args", i - command.length]));
  const unwrapped = unwrapCommand(words);
  if (!unwrapped) return undefined;
  const shell = shellScriptAt(words, unwrapped.index);
  const script = shell ? { script: shell.script, verbatim: shell.script === written[shell.index], path: paths[shell.index]! } : undefined;
  for (const [name, value] of unwrapped.env) env.set(name, value);
  return { words, paths, index: unwrapped.index, ...(unwrapped.timeout !== undefined ? { timeout: { seconds: unwrapped.timeout, index: unwrapped.timeoutIndex! } } : {}), ...(script ? { script } : {}), env };
}

function literalEnv(env: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of asArray(env)) {
    if (!isObject(entry) || typeof entry.name !== "string") continue;
    if (typeof entry.value === "string" || typeof entry.value === "number") out.set(entry.name, String(entry.value));
  }
  return out;
}
