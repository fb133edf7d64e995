import type { NodePath } from "../../load/types.js";
import { asArray, isObject } from "../json.js";
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
  const script = expandKubernetesReferences(words[i]!, env);
  return { script, verbatim: script === words[i], path, env };
}

/**
 * What the kubelet does to `command`/`args` before the shell sees them: `$(NAME)` becomes the value of
 * the container's env var NAME when it is defined (left as is otherwise, so `$(date +%s)` survives),
 * and `$$` becomes `$`. Only literal env values are known; a reference to a `valueFrom` variable stays
 * as written (the shell then reads it as a command substitution, whose value is unknown anyway).
 */
export function expandKubernetesReferences(text: string, env: Map<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "$" || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = text.indexOf(")", i + 2);
      const name = close < 0 ? undefined : text.slice(i + 2, close);
      const value = name !== undefined ? env.get(name) : undefined;
      if (value !== undefined) {
        out += value;
        i = close;
      } else {
        out += "$(";
        i++;
      }
    } else {
      out += "$";
    }
  }
  return out;
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
