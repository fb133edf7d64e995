import path from "node:path";

/** Binaries whose working directory holds local state (`terraform.tfstate`, `.terraform/`). */
const IAC_BINARIES = new Set(["tofu", "terraform"]);
/** Subcommands that only read configuration or print; they never write a state file. */
const READ_ONLY_SUBCOMMANDS = new Set(["version", "fmt", "validate", "providers", "graph", "output", "show", "console", "login", "logout", "metadata", "test", "help"]);
const WRAPPERS = new Set(["exec", "command", "nohup", "time"]);

export interface FlagValue {
  value: string;
  /** The flag as written, for messages: `-state=F` or `-state F`. */
  shown: string;
  /** Index of the word that holds the value. */
  index: number;
}

export interface IacInvocation {
  /** `tofu` or `terraform`. */
  binary: string;
  /** The subcommand (`apply`, `init`, …), absent when none was found. */
  subcommand?: string;
  /** `-chdir=DIR` (global option: only `=` form, only before the subcommand, as the CLI parses it). */
  chdir?: FlagValue;
  /** `-state`/`-state-out` files (Go flag syntax: `-state=F`, `-state F`, with one or two dashes). */
  stateFiles: FlagValue[];
  /** `-backend-config` values (`key=value`, or a file), same syntax. */
  backendConfig: FlagValue[];
}

/**
 * Reads an OpenTofu/Terraform command line. `words[0]` may be a wrapper (`exec tofu …`) or a path
 * (`/usr/local/bin/terraform`). Returns `undefined` for other commands and for subcommands that never write
 * state. Words that are not statically known are `undefined` and are skipped.
 */
export function parseIacInvocation(words: ReadonlyArray<string | undefined>): IacInvocation | undefined {
  let start = 0;
  while (start < words.length && words[start] !== undefined && WRAPPERS.has(words[start] as string)) start++;
  const first = words[start];
  if (first === undefined || !IAC_BINARIES.has(path.posix.basename(first))) return undefined;
  const invocation: IacInvocation = { binary: path.posix.basename(first), stateFiles: [], backendConfig: [] };
  let i = start + 1;
  for (; i < words.length; i++) {
    const word = words[i];
    if (word === undefined) continue;
    if (!word.startsWith("-")) break;
    if (word.startsWith("-chdir=")) invocation.chdir = { value: word.slice("-chdir=".length), shown: word, index: i };
    if (word === "-version" || word === "--version" || word === "-v" || word === "-help" || word === "--help" || word === "-h") return undefined;
  }
  const subcommand = words[i];
  if (subcommand !== undefined) invocation.subcommand = subcommand;
  if (subcommand !== undefined && READ_ONLY_SUBCOMMANDS.has(subcommand)) return undefined;
  for (let j = i + 1; j < words.length; j++) {
    const word = words[j];
    if (word === undefined) continue;
    const match = /^--?(state|state-out|backend-config)(?:=(.*))?$/.exec(word);
    if (!match) continue;
    const into = match[1] === "backend-config" ? invocation.backendConfig : invocation.stateFiles;
    if (match[2] !== undefined) into.push({ value: match[2], shown: word, index: j });
    else {
      const next = words[j + 1];
      if (next !== undefined) into.push({ value: next, shown: `${word} ${next}`, index: j + 1 });
      j++;
    }
  }
  return invocation;
}

/**
 * The CLI an image runs as its entrypoint, from the image name: `hashicorp/terraform:1.9` → `terraform`,
 * `ghcr.io/opentofu/opentofu`, `…/tofu@sha256:…` → `tofu`; `undefined` for other images.
 */
export function iacEntrypointOfImage(image: unknown): "terraform" | "tofu" | undefined {
  if (typeof image !== "string") return undefined;
  const withoutDigest = image.split("@")[0] ?? "";
  const lastSegment = withoutDigest.split("/").pop() ?? "";
  const repository = lastSegment.split(":")[0] ?? "";
  if (repository === "terraform") return "terraform";
  return repository === "opentofu" || repository === "tofu" ? "tofu" : undefined;
}

/** Cheap pre-filter before parsing a script: can it mention the CLI at all? (The parser decides whether it runs it.) */
export function mentionsIacCli(script: string): boolean {
  for (const binary of IAC_BINARIES) if (script.includes(binary)) return true;
  return false;
}
