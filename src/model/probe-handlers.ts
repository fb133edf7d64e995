import path from "node:path";
import { asArray, isObject, type JsonObject } from "../util/json.js";
import type { ScriptRead } from "../shell/shell-scripts.js";
import { shellScriptOf, simpleCommandsOf } from "../shell/simple-commands.js";

/** A probe's handler reduced to what the kubelet actually checks, with API defaults applied; timing fields excluded. */
export interface ProbeHandler {
  type: "httpGet" | "exec" | "tcpSocket" | "grpc";
  /** Canonical form: two handlers are the same check exactly when their keys are equal. */
  key: string;
  /** Short human form for messages: `httpGet :http/healthz`, `exec pg_isready -h db`; ports as written. */
  shown: string;
  /** The exec command, for exec handlers. */
  command?: string[];
  /** httpGet: the normalised path; httpGet and tcpSocket: the host the kubelet connects to ("" is the Pod's IP); grpc: the service. */
  path?: string;
  host?: string;
  service?: string;
}

const PROCESS_PRESENCE_COMMANDS = new Set(["pgrep", "pidof"]);

/**
 * True for checks that can only fail when the process is gone or the port is closed, never because a
 * dependency is down: `tcpSocket`, and exec probes that only run `pgrep`/`pidof` (directly or as the only
 * commands of a `sh -c` script, read with `read`, the run's shell pass). A script that is not parsed,
 * because it does not parse or because of a limit, is not recognised as a presence check.
 */
export function isProcessLevelCheck(handler: ProbeHandler, read: (script: string) => ScriptRead): boolean {
  if (handler.type === "tcpSocket") return true;
  if (handler.type !== "exec" || !handler.command) return false;
  const isPresence = (word: string | undefined): boolean => word !== undefined && PROCESS_PRESENCE_COMMANDS.has(path.posix.basename(word));
  if (isPresence(handler.command[0])) return true;
  const shell = shellScriptOf(handler.command);
  // Only pay for loading the shell parser when the script can be a presence check at all.
  if (!shell || ![...PROCESS_PRESENCE_COMMANDS].some((c) => shell.script.includes(c))) return false;
  const parsed = read(shell.script);
  if (!parsed.ok) return false;
  const commands = simpleCommandsOf(parsed.file, () => undefined);
  return commands.length > 0 && commands.every((c) => isPresence(c.words[0]));
}

/**
 * The handler of a probe. Named ports are resolved through the container's `ports` so `port: http` and
 * `port: 8080` compare equal when `http` is 8080; `httpGet.path` defaults to `/`, `scheme` to HTTP,
 * grpc `service` to "", header order is irrelevant. `undefined` when the probe has no readable handler.
 */
export function probeHandlerOf(probe: unknown, container: JsonObject): ProbeHandler | undefined {
  if (!isObject(probe)) return undefined;
  const port = (value: unknown): string | undefined => resolvePort(value, container);
  if (isObject(probe.httpGet)) {
    const h = probe.httpGet;
    const p = port(h.port);
    if (p === undefined) return undefined;
    const scheme = typeof h.scheme === "string" && h.scheme !== "" ? h.scheme.toUpperCase() : "HTTP";
    const host = typeof h.host === "string" ? h.host : "";
    const rawPath = typeof h.path === "string" ? h.path : "";
    const path = rawPath === "" ? "/" : rawPath.startsWith("/") ? rawPath : `/${rawPath}`;
    const headers = asArray(h.httpHeaders)
      .filter(isObject)
      .map((header) => `${String(header.name ?? "").toLowerCase()}: ${String(header.value ?? "")}`)
      .sort();
    return {
      type: "httpGet",
      key: JSON.stringify(["httpGet", scheme, host, p, path, headers]),
      shown: `httpGet ${scheme === "HTTP" ? "" : `${scheme} `}${host}:${String(h.port)}${path}`,
      path,
      host,
    };
  }
  if (isObject(probe.exec)) {
    const command = asArray(probe.exec.command).map(String);
    if (command.length === 0) return undefined;
    return { type: "exec", key: JSON.stringify(["exec", command]), shown: `exec ${shownCommand(command)}`, command };
  }
  if (isObject(probe.tcpSocket)) {
    const p = port(probe.tcpSocket.port);
    if (p === undefined) return undefined;
    const host = typeof probe.tcpSocket.host === "string" ? probe.tcpSocket.host : "";
    return { type: "tcpSocket", key: JSON.stringify(["tcpSocket", host, p]), shown: `tcpSocket ${host}:${p}`, host };
  }
  if (isObject(probe.grpc)) {
    const p = typeof probe.grpc.port === "number" ? String(probe.grpc.port) : undefined;
    if (p === undefined) return undefined;
    const service = typeof probe.grpc.service === "string" ? probe.grpc.service : "";
    return { type: "grpc", key: JSON.stringify(["grpc", p, service]), shown: `grpc :${p}${service ? ` service ${service}` : ""}`, service };
  }
  return undefined;
}

const SHOWN_COMMAND_LENGTH = 60;

/** A command as one readable line: words with spaces quoted, line breaks folded, cut at ~60 characters. */
function shownCommand(command: string[]): string {
  const quote = (word: string): string => (word.includes("'") ? JSON.stringify(word) : `'${word}'`);
  const line = command.map((word) => (word === "" || /\s/.test(word) ? quote(word) : word)).join(" ").replace(/\s+/g, " ");
  return line.length <= SHOWN_COMMAND_LENGTH ? line : `${line.slice(0, SHOWN_COMMAND_LENGTH - 1)}…`;
}

/** A probe port as a number string; a named port is looked up in the container's `ports` (kept by name if absent). */
function resolvePort(value: unknown, container: JsonObject): string | undefined {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string" || value === "") return undefined;
  if (/^\d+$/.test(value)) return value;
  const named = asArray(container.ports).find((p) => isObject(p) && p.name === value);
  return isObject(named) && typeof named.containerPort === "number" ? String(named.containerPort) : value;
}
