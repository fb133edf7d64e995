import type { NodePath } from "../../load/types.js";
import { asArray, isObject } from "../../util/json.js";
import { expandKubernetesVars } from "../kubernetes-var-expansion.js";
import type { ContainerView } from "../pod-spec.js";

const SHELLS = new Set(["sh", "bash", "ash", "dash", "ksh", "mksh", "zsh", "busybox"]);

export interface ContainerScript {
  /** The shell script the container runs, after the kubelet's `$(VAR)` expansion. */
  script: string;
  /** False when that expansion changed the text: positions in `script` then do not match the manifest. */
  verbatim: boolean;
  /** Path of the `command`/`args` element holding the script (basePath included). */
  path: NodePath;
  /** Literal `env[].value`s of the container: the script sees them as variables. */
  env: Map<string, string>;
}

/**
 * The script of a container that runs `<shell> -c <script>`: `command: ["sh", "-c", script]`,
 * `command: ["/bin/bash", "-ec"]` + `args: [script]`, `command: ["sh"]` + `args: ["-c", script]`.
 * The image's entrypoint is unknown, so `args` alone (no `command`) is not read as a shell call.
 */
export function containerScript(view: ContainerView): ContainerScript | undefined {
  const command = asArray(view.container.command);
  if (command.length === 0) return undefined;
  const args = asArray(view.container.args);
  const argv = [...command, ...args];
  if (!argv.every((a) => typeof a === "string" || typeof a === "number")) return undefined;
  const words = argv.map(String);
  let i = 0;
  const shell = basename(words[0]!);
  if (shell === "busybox") i++;
  if (!SHELLS.has(basename(words[i] ?? ""))) return undefined;
  i++;
  let sawC = false;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--") continue;
    if (/^[-+][a-zA-Z]+$/.test(word)) {
      if (word.startsWith("-") && word.includes("c")) sawC = true;
      if (/^[-+]o$/.test(word)) i++; // `-o pipefail`
      continue;
    }
    break;
  }
  if (!sawC || i >= words.length) return undefined;
  const path: NodePath = i < command.length ? [...view.path, "command", i] : [...view.path, "args", i - command.length];
  const env = literalEnv(view.container.env);
  // Only literal values are known: a reference to a `valueFrom` variable stays as written (the shell then
  // reads it as a command substitution, whose value is unknown anyway). Nothing is runtime-only, so there is a result.
  const script = expandKubernetesVars(words[i]!, (name) => {
    const value = env.get(name);
    return value === undefined ? undefined : { known: true, value };
  })!;
  return { script, verbatim: script === words[i], path, env };
}

function literalEnv(env: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of asArray(env)) {
    if (!isObject(entry) || typeof entry.name !== "string") continue;
    if (typeof entry.value === "string" || typeof entry.value === "number") out.set(entry.name, String(entry.value));
  }
  return out;
}

function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}
