import { parseDuration } from "../util/duration.js";
import { basename, durationSeconds, nonNegativeNumber, shellScriptAt, unwrapCommand, type Words } from "./command-line.js";

/** One contribution to a script's wait: seconds (Infinity = no bound), how it was computed, where. */
export interface Wait {
  seconds: number;
  /** The arithmetic, for messages: `sleep 5 s`, `168 × (sleep 5 s + curl --max-time 3 s)`. */
  text: string;
  /** 1-based line and column (UTF-8 bytes) in the script. */
  line: number;
  col: number;
  /** A `$SECONDS` deadline loop: it ends this many seconds after the shell started, whatever ran before it. */
  deadline?: number;
}

export interface At {
  line: number;
  col: number;
}

/** kubectl `wait.go`: `--timeout` defaults to 30s; "negative means wait for a week". */
const KUBECTL_WAIT_DEFAULT = 30;
const WEEK = 7 * 24 * 3600;
/** curl `--retry` without `--retry-delay`: 1 s before the first retry, doubling up to 10 minutes (curl docs, `retry.d`). */
const CURL_FIRST_BACKOFF = 1;
const CURL_MAX_BACKOFF = 600;
/** wget `--waitretry`: 1 s after the first failure, 2 s after the second … up to this many seconds by default (wget manual). */
const WGET_WAITRETRY_DEFAULT = 10;
/** Defaults of the wait tools: dockerize `-timeout` 10s, wait-for-it.sh and eficode wait-for `-t` 15, wait4x `--timeout` 10s. */
const DOCKERIZE_DEFAULT = 10;
const WAIT_FOR_IT_DEFAULT = 15;
const WAIT4X_DEFAULT = 10;

/** The commands `commandWait` reads a wait from, and the wrappers that can run them (see may-wait.ts, which must know them all). */
export const WAITING_COMMANDS = [
  "sleep", "timeout", "curl", "wget", "nc", "ncat", "netcat", "kubectl", "oc", "dockerize", "wait-for-it", "wait-for", "wait4x",
  "sh", "bash", "ash", "dash", "ksh", "mksh", "zsh",
] as const;

/**
 * The wait of a command line: the command behind wrappers (`exec`, `env X=1`, `nice`, `dumb-init --`,
 * …), bounded by any `timeout N` among them (which is then also the wait when the command's own is
 * shorter or unknown). A shell given a script (`sh -c '…'`) waits what `script` says its script waits,
 * with the variables an `env NAME=VALUE` wrapper sets.
 */
export function invocationWait(words: Words, at: At, script: (text: string, env: Map<string, string>) => Wait | undefined): Wait | undefined {
  const unwrapped = unwrapCommand(words);
  if (!unwrapped) return undefined;
  const shell = shellScriptAt(words, unwrapped.index);
  const inner = shell ? script(shell.script, unwrapped.env) : commandWait(words.slice(unwrapped.index), at);
  return boundedBy(inner, unwrapped.timeout, at);
}

/** `timeout N cmd` waits for the command, at most N seconds, and N when the command's own wait is not known. */
export function boundedBy(inner: Wait | undefined, timeout: number | undefined, at: At): Wait | undefined {
  if (timeout === undefined) return inner;
  if (inner && inner.seconds < timeout) return inner;
  return { seconds: timeout, text: inner ? `timeout ${fmt(timeout)} s (cutting ${inner.text})` : `timeout ${fmt(timeout)} s`, ...at };
}

/**
 * The longest a command can take when it says so itself: `sleep N`, `curl --max-time N` with its
 * `--retry` attempts and delays (without `--max-time`, `--connect-timeout N` bounds each attempt's
 * connection phase, which is what a probe of a service that is not up yet waits for), `wget -T N` with
 * `--tries`/`--waitretry`, `nc -w N`, `kubectl wait --timeout` (30 s by default, a week when negative),
 * `kubectl rollout status --timeout` (0 means no timeout), `oc` alike, and the wait tools `dockerize
 * -timeout`, `wait-for-it -t`, `wait-for -t`, `wait4x --timeout`. `args` are the words' values,
 * undefined where a word is not known statically.
 */
export function commandWait(args: Words, at: At): Wait | undefined {
  const name = args[0] === undefined ? undefined : basename(args[0]).replace(/\.sh$/, "");
  const rest = args.slice(1);
  const make = (seconds: number | undefined, text: string): Wait | undefined => (seconds !== undefined && seconds > 0 ? { seconds, text, ...at } : undefined);
  switch (name) {
    case "sleep": {
      let seconds = 0;
      for (const arg of rest) {
        const s = arg === undefined ? undefined : durationSeconds(arg);
        if (s === undefined) return undefined;
        seconds += s;
      }
      return make(seconds, seconds === Infinity ? "sleep infinity" : `sleep ${fmt(seconds)} s`);
    }
    case "curl":
      return curlWait(rest, at);
    case "wget":
      return wgetWait(rest, at);
    case "nc":
    case "ncat":
    case "netcat": {
      const w = nonNegativeNumber(optionValue(rest, ["-w"]));
      return make(w, `nc -w ${fmt(w ?? 0)} s`);
    }
    case "kubectl":
    case "oc":
      return kubectlWait(name, rest, at);
    case "dockerize": {
      const own = untilDoubleDash(rest);
      if (optionValue(own, ["-wait", "--wait"]) === undefined) return undefined;
      return toolWait(name, "-timeout", optionValue(own, ["-timeout", "--timeout"]), DOCKERIZE_DEFAULT, goDuration, at);
    }
    case "wait-for-it":
    case "wait-for":
      return toolWait(name, "-t", optionValue(untilDoubleDash(rest), ["-t", "--timeout"]), WAIT_FOR_IT_DEFAULT, nonNegativeNumber, at);
    case "wait4x":
      return toolWait(name, "--timeout", optionValue(untilDoubleDash(rest), ["-t", "--timeout"]), WAIT4X_DEFAULT, goDuration, at);
    default:
      return undefined;
  }
}

/** A wait tool's timeout: its default when absent, no bound when 0 (each of them reads 0 as "no timeout"). */
function toolWait(tool: string, flag: string, value: string | undefined, fallback: number, parse: (text: string) => number | undefined, at: At): Wait | undefined {
  const seconds = value === undefined ? fallback : parse(value);
  if (seconds === undefined || seconds < 0) return undefined;
  if (seconds === 0) return { seconds: Infinity, text: `${tool} ${flag} 0 (no timeout)`, ...at };
  return { seconds, text: value === undefined ? `${tool} (default ${flag} ${fmt(seconds)} s)` : `${tool} ${flag} ${fmt(seconds)} s`, ...at };
}

/** A wait tool's own options: what follows `--` is the command it starts once the wait is over. */
function untilDoubleDash(args: Words): Words {
  const end = args.indexOf("--");
  return end < 0 ? args : args.slice(0, end);
}

function kubectlWait(name: string, rest: Words, at: At): Wait | undefined {
  const positional = positionals(rest);
  const explicit = optionValue(rest, ["--timeout"]);
  const seconds = explicit === undefined ? undefined : goDuration(explicit);
  if (positional[0] === "wait") {
    if (explicit === undefined) return { seconds: KUBECTL_WAIT_DEFAULT, text: `${name} wait (default --timeout ${KUBECTL_WAIT_DEFAULT} s)`, ...at };
    if (seconds === undefined) return undefined;
    // kubectl wait.go: "Zero means check once and don't wait, negative means wait for a week."
    if (seconds < 0) return { seconds: WEEK, text: `${name} wait --timeout ${explicit} (negative: a week, ${WEEK} s)`, ...at };
    return seconds > 0 ? { seconds, text: `${name} wait --timeout ${fmt(seconds)} s`, ...at } : undefined;
  }
  if (positional[0] === "rollout" && positional[1] === "status" && seconds !== undefined) {
    // kubectl rollout status: "The length of time to wait before ending watch, zero means never."
    if (seconds === 0) return { seconds: Infinity, text: `${name} rollout status --timeout 0 (never ends the watch)`, ...at };
    return seconds > 0 ? { seconds, text: `${name} rollout status --timeout ${fmt(seconds)} s`, ...at } : undefined;
  }
  return undefined;
}

/**
 * curl: `--retry N` makes up to N+1 attempts, each bounded by `--max-time` (or `--connect-timeout`); between
 * them `--retry-delay S` seconds, or without it (or with 0) 1 s doubling up to 10 minutes. `--retry-max-time T`
 * starts no retry after T seconds, so the whole is at most T plus one attempt.
 */
function curlWait(rest: Words, at: At): Wait | undefined {
  const maxTime = nonNegativeNumber(optionValue(rest, ["-m", "--max-time"]));
  const connect = nonNegativeNumber(optionValue(rest, ["--connect-timeout"]));
  const perTry = maxTime || connect || 0;
  const flag = maxTime ? "--max-time" : "--connect-timeout";
  const retryText = optionValue(rest, ["--retry"]);
  const retries = retryText !== undefined && /^\d+$/.test(retryText) ? Number(retryText) : 0;
  if (retries === 0) return perTry > 0 ? { seconds: perTry, text: `curl ${flag} ${fmt(perTry)} s`, ...at } : undefined;
  const delay = nonNegativeNumber(optionValue(rest, ["--retry-delay"]));
  const delays = delay ? retries * delay : backoffTotal(retries);
  const delayText = delay ? `${retries} × --retry-delay ${fmt(delay)} s` : `${fmt(delays)} s back-off`;
  const attempts = retries + 1;
  let seconds = delays + attempts * perTry;
  let text = perTry > 0 ? `curl --retry ${retries}: ${attempts} × ${flag} ${fmt(perTry)} s + ${delayText}` : `curl --retry ${retries}: ${delayText}`;
  const cap = nonNegativeNumber(optionValue(rest, ["--retry-max-time"]));
  if (cap && cap + perTry < seconds) {
    seconds = cap + perTry;
    text = `curl --retry-max-time ${fmt(cap)} s${perTry > 0 ? ` + ${flag} ${fmt(perTry)} s` : ""}`;
  }
  return { seconds, text, ...at };
}

function backoffTotal(retries: number): number {
  let total = 0;
  for (let k = 0; k < retries; k++) total += Math.min(CURL_FIRST_BACKOFF * 2 ** k, CURL_MAX_BACKOFF);
  return total;
}

/**
 * wget: `-T N` bounds each attempt; `--tries N` (`-t N`) attempts in all, with `--waitretry S` between them:
 * 1 s after the first failure, 2 s after the second … up to S (10 by default). `--tries 0`/`inf` retries
 * forever. Without `--tries` one attempt is counted: wget's default 20 tries are not retried on a refused
 * connection, the usual failure of a service that is not up yet.
 */
function wgetWait(rest: Words, at: At): Wait | undefined {
  const perTry = nonNegativeNumber(optionValue(rest, ["-T", "--timeout"])) ?? 0;
  const triesText = optionValue(rest, ["-t", "--tries"]);
  if (triesText === "0" || triesText === "inf") return { seconds: Infinity, text: `wget --tries ${triesText} (retries forever)`, ...at };
  const tries = triesText !== undefined && /^\d+$/.test(triesText) ? Number(triesText) : 1;
  const maxWait = nonNegativeNumber(optionValue(rest, ["--waitretry"])) ?? WGET_WAITRETRY_DEFAULT;
  let waits = 0;
  for (let k = 1; k < tries; k++) waits += Math.min(k, maxWait);
  const seconds = tries * perTry + waits;
  if (seconds <= 0) return undefined;
  if (tries === 1) return { seconds, text: `wget -T ${fmt(perTry)} s`, ...at };
  return { seconds, text: `wget --tries ${tries}: ${tries} × -T ${fmt(perTry)} s + ${fmt(waits)} s --waitretry back-off`, ...at };
}

/** A Go duration (`20m`, `1h30m`, `-1s`) as kubectl, dockerize and wait4x read it; negative values keep their sign. */
function goDuration(text: string): number | undefined {
  if (text.startsWith("-")) {
    const seconds = parseDuration(text.slice(1));
    return seconds === undefined ? undefined : -seconds;
  }
  return parseDuration(text);
}

/** `--opt N`, `--opt=N`, `-oN` (short options only), `-opt N` for single-dash long options. The last one wins. */
function optionValue(args: Words, names: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    for (const name of names) {
      const short = /^-[A-Za-z]$/.test(name);
      if (arg === name) found = args[i + 1];
      else if (!short && arg.startsWith(`${name}=`)) found = arg.slice(name.length + 1);
      else if (short && arg.startsWith(name) && arg.length > name.length && !arg.startsWith("--")) found = arg.slice(name.length);
    }
  }
  return found;
}

const KUBECTL_VALUE_FLAGS = new Set(["-n", "--namespace", "--context", "--kubeconfig", "-l", "--selector", "--for", "--timeout", "-o", "--output", "-f", "--filename", "--server", "-s", "--token", "--cluster", "--user"]);

function positionals(args: Words): Words {
  const out: Array<string | undefined> = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg !== undefined && arg.startsWith("-")) {
      if (!arg.includes("=") && KUBECTL_VALUE_FLAGS.has(arg)) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

export function fmt(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : String(Math.round(seconds * 1000) / 1000);
}
