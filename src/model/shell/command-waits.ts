import { parseDuration } from "../../util/duration.js";

/** One contribution to a script's wait: seconds (Infinity = no bound), how it was computed, where. */
export interface Wait {
  seconds: number;
  /** The arithmetic, for messages: `sleep 5 s`, `168 × (sleep 5 s + curl --max-time 3 s)`. */
  text: string;
  /** 1-based line and column (UTF-8 bytes) in the script. */
  line: number;
  col: number;
}

/** The kubectl default of `kubectl wait --timeout` (kubectl `wait.go`: 30s). */
const KUBECTL_WAIT_DEFAULT = 30;

/** The commands `commandWait` reads a wait from (see may-wait.ts, which must know them all). */
export const WAITING_COMMANDS = ["sleep", "timeout", "curl", "wget", "nc", "ncat", "netcat", "kubectl", "oc"] as const;

/**
 * The longest a command can take when it says so itself: `sleep N`, `timeout N cmd`, `curl
 * --max-time N` (bounds the whole transfer; without it `--connect-timeout N` bounds the connection
 * phase, which is what a probe of a service that is not up yet waits for), `wget -T N`, `nc -w N`,
 * `kubectl wait --timeout=N` (30 s by default), `kubectl rollout status --timeout=N`. `args` are the
 * words' values, undefined where a word is not known statically.
 */
export function commandWait(args: Array<string | undefined>, at: { line: number; col: number }): Wait | undefined {
  const name = args[0]?.slice(args[0].lastIndexOf("/") + 1);
  const rest = args.slice(1);
  const make = (seconds: number | undefined, text: (s: number) => string): Wait | undefined =>
    seconds !== undefined && seconds > 0 ? { seconds, text: seconds === Infinity ? text(seconds) : text(seconds), ...at } : undefined;
  switch (name) {
    case "sleep": {
      let seconds = 0;
      for (const arg of rest) {
        if (arg === undefined) return undefined;
        const s = sleepSeconds(arg);
        if (s === undefined) return undefined;
        seconds += s;
      }
      return make(seconds, (s) => (s === Infinity ? "sleep infinity" : `sleep ${fmt(s)} s`));
    }
    case "timeout":
      return timeoutWait(rest, at);
    case "curl": {
      const maxTime = optionValue(rest, ["-m", "--max-time"]);
      const connect = optionValue(rest, ["--connect-timeout"]);
      const retries = optionValue(rest, ["--retry"]);
      const attempts = retries !== undefined && /^\d+$/.test(retries) ? Number(retries) + 1 : 1;
      const perTry = numberOf(maxTime) ?? numberOf(connect);
      if (perTry === undefined) return undefined;
      const flag = maxTime !== undefined ? "--max-time" : "--connect-timeout";
      return make(perTry * attempts, () => `curl ${attempts > 1 ? `(--retry ${attempts - 1}) ${attempts} × ` : ""}${flag} ${fmt(perTry)} s`);
    }
    case "wget": {
      const t = numberOf(optionValue(rest, ["-T", "--timeout"]));
      return make(t, (s) => `wget -T ${fmt(s)} s`);
    }
    case "nc":
    case "ncat":
    case "netcat": {
      const w = numberOf(optionValue(rest, ["-w"]));
      return make(w, (s) => `nc -w ${fmt(s)} s`);
    }
    case "kubectl":
    case "oc": {
      const positional = positionals(rest);
      const explicit = optionValue(rest, ["--timeout"]);
      const seconds = explicit !== undefined ? kubectlDuration(explicit) : undefined;
      if (positional[0] === "wait") {
        if (explicit === undefined) return make(KUBECTL_WAIT_DEFAULT, (s) => `kubectl wait (default --timeout ${fmt(s)} s)`);
        return make(seconds, (s) => `kubectl wait --timeout ${fmt(s)} s`);
      }
      if (positional[0] === "rollout" && positional[1] === "status") return make(seconds, (s) => `kubectl rollout status --timeout ${fmt(s)} s`);
      return undefined;
    }
    default:
      return undefined;
  }
}

function timeoutWait(rest: Array<string | undefined>, at: { line: number; col: number }): Wait | undefined {
  let i = 0;
  while (i < rest.length) {
    const arg = rest[i];
    if (arg === undefined) return undefined;
    if (arg === "-s" || arg === "-k" || arg === "--signal" || arg === "--kill-after") i += 2;
    else if (arg.startsWith("-") && arg !== "-") i++;
    else break;
  }
  const limit = rest[i] === undefined ? undefined : sleepSeconds(rest[i]!);
  if (limit === undefined || limit <= 0) return undefined;
  const inner = commandWait(rest.slice(i + 1), at);
  const seconds = inner && inner.seconds < limit ? inner.seconds : limit;
  return { seconds, text: seconds < limit ? inner!.text : `timeout ${fmt(limit)} s`, ...at };
}

/** `sleep`/`timeout` durations: a number with an optional s/m/h/d suffix, or `infinity`. */
function sleepSeconds(text: string): number | undefined {
  if (text === "infinity" || text === "inf") return Infinity;
  const unit = text.slice(-1);
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[unit];
  const number = numberOf(factor ? text.slice(0, -1) : text);
  return number === undefined ? undefined : number * (factor ?? 1);
}

function kubectlDuration(text: string): number | undefined {
  return parseDuration(text);
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** `--opt N`, `--opt=N`, `-oN` (short options only). Undefined when absent or not static. */
function optionValue(args: Array<string | undefined>, names: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    for (const name of names) {
      if (arg === name) found = args[i + 1];
      else if (name.startsWith("--") && arg.startsWith(`${name}=`)) found = arg.slice(name.length + 1);
      else if (!name.startsWith("--") && arg.startsWith(name) && arg.length > name.length && !arg.startsWith("--")) found = arg.slice(name.length);
    }
  }
  return found;
}

const KUBECTL_VALUE_FLAGS = new Set(["-n", "--namespace", "--context", "--kubeconfig", "-l", "--selector", "--for", "--timeout", "-o", "--output", "-f", "--filename", "--server", "-s", "--token", "--cluster", "--user"]);

function positionals(args: Array<string | undefined>): Array<string | undefined> {
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
