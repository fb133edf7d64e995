/** A command's words after quote removal; `undefined` where a word is not known statically. */
export type Words = ReadonlyArray<string | undefined>;

/**
 * Commands that run the rest of their arguments as another command, with the options that take a value
 * (the next word), and how many operands come before the command (`gosu USER cmd`). `timeout` is not
 * here: it bounds the command it runs, see `unwrapCommand`.
 */
const WRAPPERS: Record<string, { valueOptions: string[]; operands?: number; assignments?: boolean }> = {
  exec: { valueOptions: ["-a"] },
  env: { valueOptions: ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"], assignments: true },
  nice: { valueOptions: ["-n", "--adjustment"] },
  nohup: { valueOptions: [] },
  stdbuf: { valueOptions: ["-i", "-o", "-e", "--input", "--output", "--error"] },
  ionice: { valueOptions: ["-c", "--class", "-n", "--classdata"] },
  setsid: { valueOptions: [] },
  chrt: { valueOptions: [], operands: 1 },
  taskset: { valueOptions: [], operands: 1 },
  time: { valueOptions: ["-f", "--format", "-o", "--output"] },
  "dumb-init": { valueOptions: ["-r", "--rewrite"] },
  tini: { valueOptions: ["-p", "-e"] },
  "tini-static": { valueOptions: ["-p", "-e"] },
  gosu: { valueOptions: [], operands: 1 },
  "su-exec": { valueOptions: [], operands: 1 },
  busybox: { valueOptions: [] },
};

const TIMEOUT_VALUE_OPTIONS = ["-s", "--signal", "-k", "--kill-after"];

export interface Unwrapped {
  /** Index of the word that names the command that really runs. */
  index: number;
  /** The tightest `timeout DURATION` among the wrappers, in seconds: it bounds the command and is its wait. */
  timeout?: number;
  /** Index of that duration's word. */
  timeoutIndex?: number;
  /** Variables `env NAME=VALUE` sets for the command. */
  env: Map<string, string>;
}

/**
 * The command behind wrappers such as `exec`, `env X=1`, `nice -n 5`, `stdbuf -oL`, `dumb-init --`,
 * `tini --`, `gosu user`, `busybox` and `timeout 900` (coreutils and busybox spell the duration the
 * same way: a number with an optional s/m/h/d suffix). Undefined when a word it needs is not static.
 */
export function unwrapCommand(words: Words, from = 0): Unwrapped | undefined {
  let i = from;
  let timeout: { seconds: number; index: number } | undefined;
  const env = new Map<string, string>();
  for (;;) {
    const name = words[i];
    if (name === undefined) return undefined;
    const base = basename(name);
    if (base === "timeout") {
      i = skipOptions(words, i + 1, TIMEOUT_VALUE_OPTIONS, false);
      const duration = words[i] === undefined ? undefined : durationSeconds(words[i]!);
      if (duration === undefined) return undefined;
      // `timeout 0 cmd` disables the timeout (coreutils timeout.c: a zero duration means none).
      if (duration > 0 && duration < (timeout?.seconds ?? Infinity)) timeout = { seconds: duration, index: i };
      i++;
      continue;
    }
    const wrapper = WRAPPERS[base];
    if (!wrapper) return { index: i, env, ...(timeout ? { timeout: timeout.seconds, timeoutIndex: timeout.index } : {}) };
    const start = i + 1;
    i = skipOptions(words, start, wrapper.valueOptions, wrapper.assignments ?? false) + (wrapper.operands ?? 0);
    if (wrapper.assignments) {
      for (const word of words.slice(start, i)) {
        const assignment = word === undefined ? undefined : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
        if (assignment) env.set(assignment[1]!, assignment[2]!);
      }
    }
    if (i >= words.length) return undefined; // `exec` alone, `env` printing the environment: nothing runs
  }
}

/** Past the options (and `NAME=VALUE` words for `env`), and past a `--` that ends them. */
function skipOptions(words: Words, start: number, valueOptions: string[], assignments: boolean): number {
  let i = start;
  while (i < words.length) {
    const word = words[i];
    if (word === undefined) return i;
    if (word === "--") return i + 1;
    if (assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i++;
    else if (word.startsWith("-") && word !== "-") i += valueOptions.includes(word) ? 2 : 1;
    else return i;
  }
  return i;
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "ksh", "mksh", "zsh"]);

/**
 * The script of `<shell> [options] -c <script>` starting at `index`: `sh -c`, `/bin/bash -ec`, `ash -e -c`,
 * `bash -o pipefail -c`. Undefined when the command is not a shell given a script.
 */
export function shellScriptAt(words: Words, index: number): { script: string; index: number } | undefined {
  const shell = words[index];
  if (shell === undefined || !SHELLS.has(basename(shell))) return undefined;
  let sawC = false;
  let i = index + 1;
  for (; i < words.length; i++) {
    const word = words[i];
    if (word === undefined) return undefined;
    if (word === "--") continue;
    if (!/^[-+][a-zA-Z]+$/.test(word)) break;
    if (word.startsWith("-") && word.includes("c")) sawC = true;
    if (/^[-+]o$/.test(word)) i++; // `-o pipefail`
  }
  const script = words[i];
  return sawC && script !== undefined ? { script, index: i } : undefined;
}

/** `sleep`/`timeout` durations: a number with an optional s/m/h/d suffix, or `infinity`. */
export function durationSeconds(text: string): number | undefined {
  if (text === "infinity" || text === "inf") return Infinity;
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[text.slice(-1)];
  const number = nonNegativeNumber(factor ? text.slice(0, -1) : text);
  return number === undefined ? undefined : number * (factor ?? 1);
}

export function nonNegativeNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}
