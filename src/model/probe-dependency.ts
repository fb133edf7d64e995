import path from "node:path";
import type { ProbeFailureBudget } from "./probe-failure-budget.js";
import type { ProbeHandler } from "./probe-handlers.js";
import type { ScriptRead } from "../shell/shell-scripts.js";
import { shellScriptOf, simpleCommandsOf } from "../shell/simple-commands.js";

/**
 * Why a probe check shared by liveness and readiness plausibly fails while another service is down, for
 * messages (`path /ready names a readiness check`); `undefined` when nothing in the manifest says so. Most
 * shared checks in public charts are an exporter's or a server's own `/healthz`, `/` or `/-/healthy`, which
 * answer as long as the process serves HTTP: the signal has to come from the probe itself.
 *
 * - a readiness endpoint: a path segment `ready`, `readyz`, `readiness` (`/-/ready`, `/health/readiness`),
 *   Spring Boot's aggregate `/actuator/health` (it includes the data sources' checks), a gRPC service named so;
 * - a check that contacts another host: httpGet/tcpSocket `host`, or an exec command with a URL, `-h`/`--host`
 *   naming a host that is not the container's own, or `celery … inspect` (it asks the broker);
 * - a readiness that tolerates more than liveness (more seconds or more failures before it acts): its author
 *   expects the check to fail for a while, which a process-level check does not.
 *
 * `read` reads `sh -c` scripts (the run's shell pass); `lookup` resolves the container's variables in them.
 */
export function dependencySignalOf(
  handler: ProbeHandler,
  liveness: ProbeFailureBudget,
  readiness: ProbeFailureBudget,
  read: (script: string) => ScriptRead,
  lookup: (name: string) => string | undefined,
): string | undefined {
  const named = readinessName(handler);
  if (named) return named;
  if ((handler.type === "httpGet" || handler.type === "tcpSocket") && handler.host && !isOwnHost(handler.host)) return `it connects to host ${handler.host}`;
  if (handler.type === "exec" && handler.command) {
    const host = contactedHost(handler.command, read, lookup);
    if (host) return host;
  }
  if (readiness.seconds > liveness.seconds) return `readiness waits longer (${readiness.seconds} s > ${liveness.seconds} s)`;
  if (readiness.failureThreshold > liveness.failureThreshold) return `readiness tolerates more failures (${readiness.failureThreshold} > ${liveness.failureThreshold})`;
  return undefined;
}

const READINESS_SEGMENT = /^(?:ready|readyz|readiness)$/i;

function readinessName(handler: ProbeHandler): string | undefined {
  if (handler.type === "grpc" && handler.service && /read(?:y|iness)/i.test(handler.service)) return `gRPC service ${handler.service} names a readiness check`;
  if (handler.type !== "httpGet" || handler.path === undefined) return undefined;
  const pathOnly = handler.path.split(/[?#]/)[0]!;
  const segments = pathOnly.split("/").filter((s) => s !== "");
  if (segments.some((s) => READINESS_SEGMENT.test(s))) return `path ${pathOnly} names a readiness check`;
  if (/^\/actuator\/health\/?$/i.test(pathOnly)) return `path ${pathOnly} is Spring Boot's aggregate health, which includes its dependencies`;
  return undefined;
}

const OWN_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "::"]);

function isOwnHost(host: string): boolean {
  const lower = host.toLowerCase();
  return OWN_HOSTS.has(lower) || lower.startsWith("127.") || lower.endsWith(".localhost");
}

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;
const HOST_FLAGS = new Set(["-h", "--host", "--hostname"]);

/** "it contacts host db" for the first command of the probe that names another host; a script is parsed only when it can. */
function contactedHost(command: string[], read: (script: string) => ScriptRead, lookup: (name: string) => string | undefined): string | undefined {
  const shell = shellScriptOf(command);
  if (!shell) return hostInWords(command);
  if (!/:\/\/|(?:^|\s)-h|--host|celery/.test(shell.script)) return undefined;
  const parsed = read(shell.script);
  if (!parsed.ok) return undefined;
  for (const simple of simpleCommandsOf(parsed.file, lookup)) {
    const found = hostInWords(simple.words);
    if (found) return found;
  }
  return undefined;
}

function hostInWords(words: ReadonlyArray<string | undefined>): string | undefined {
  const program = words[0] === undefined ? undefined : path.posix.basename(words[0]);
  if (program === "celery" && words.includes("inspect")) return "celery inspect asks the broker";
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word === undefined) continue;
    const [flag, inline] = word.startsWith("--") && word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
    if (HOST_FLAGS.has(flag)) {
      const host = inline ?? words[i + 1];
      if (host !== undefined && HOST_NAME.test(host) && !isOwnHost(host)) return `it contacts host ${host}`;
      continue;
    }
    const host = urlHost(inline ?? word);
    if (host !== undefined && !isOwnHost(host)) return `it contacts host ${host}`;
  }
  return undefined;
}

function urlHost(text: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/./i.test(text)) return undefined;
  try {
    const host = new URL(text).hostname;
    // `$(POD_IP)` and other references left unexpanded are no host name.
    return HOST_NAME.test(host) || host.startsWith("[") ? host : undefined;
  } catch {
    return undefined;
  }
}
