import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { TOOL_ENV } from "./helm.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/gitops-lint.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process (same code as the binary, minus the shim): fast enough to run per fixture. */
export async function runCli(args: string[], options: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd: options.cwd ?? REPO,
    env: { ...TOOL_ENV, ...options.env },
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([Buffer.from(options.stdin ?? "")]),
  });
  return { code, stdout, stderr };
}

/** The real binary in a child process, for what only a process shows (exit codes, stdin, no stack traces). */
export function spawnCli(args: string[], options: { cwd?: string; stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    input: options.stdin ?? "",
    env: { ...TOOL_ENV, ...options.env },
    encoding: "utf8",
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  object?: { kind: string; name: string; namespace?: string };
  target?: { kind: string; name: string };
  remediation: string;
  suppressed: boolean;
  suppressionReason?: string;
  /** Input that was not read (invalid-input). */
  fatal?: boolean;
  rendered?: { file: string; line: number; column: number };
}

export interface JsonReport {
  version: number;
  findings: JsonFinding[];
  summary: { errors: number; warnings: number; infos: number; suppressed: number; files: number; objects: number; kustomizePatches: number; notRendered: number; hidden?: { warnings: number; infos: number } };
  /** How rendering found what it rendered. */
  notes?: string[];
}

export async function lintJson(args: string[], options: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<JsonReport & { code: number; stderr: string }> {
  const result = await runCli([...args, "-f", "json"], options);
  if (result.stdout.trim() === "") throw new Error(`no JSON output (exit ${result.code}): ${result.stderr}`);
  return { ...(JSON.parse(result.stdout) as JsonReport), code: result.code, stderr: result.stderr };
}
