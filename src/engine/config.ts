import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_LIMITS, parseByteSize, type LoadLimits } from "../load/limits.js";
import { yamlLib } from "../load/lazy-yaml.js";
import { PositionResolver } from "../load/positions.js";
import type { NodePath, SourceDocument } from "../load/types.js";
import { lineColumnAt } from "../load/text-position.js";
import { closestName } from "../util/closest-name.js";
import { parseDuration } from "../util/duration.js";
import { DEFAULT_SHELL_LIMITS, type ShellLimits } from "../shell/shell-scripts.js";
import { APPLIER_IDS, type ApplierId } from "../model/applier.js";
import { isObject } from "../util/json.js";
import { NOTICES, noticeConfigError } from "./notices.js";
import type { Described, RunSettings } from "./rule.js";
import { SEVERITIES, isSeverityLevel, type SeverityLevel } from "./severity.js";
import { configProblem } from "./config-errors.js";
import { didYouMean } from "./unknown-rule.js";

export const CONFIG_FILE_NAMES = [".gitops-lint.yaml", ".gitops-lint.yml"];

export interface ResolvedConfig {
  /** The config file used, relative to the working directory; absent when none was found. */
  file?: string;
  /** Severity the user chose per rule (config, then --rule); rules not listed keep their default. */
  severities: Map<string, SeverityLevel>;
  options: Map<string, Record<string, unknown>>;
  settings: RunSettings;
  /** Input limits (config `limits`, then --max-file-size / --max-documents); defaults when absent. */
  limits?: LoadLimits;
  /** Config `charts`: chart references (URL or name) → directories of the repository, for HelmReleases whose chart a name cannot decide. */
  charts?: Record<string, string>;
  /** Config `pullCharts`: like `--pull-charts`. */
  pullCharts?: boolean;
}

/** A config or command-line mistake: exit code 2, with the position when there is one. */
export class UsageError extends Error {
  constructor(message: string, readonly where?: { file: string; line: number; column: number }) {
    super(message);
  }
}

export function findConfigFile(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function configSchema(rules: Described[]): Record<string, unknown> {
  const ruleEntries: Record<string, unknown> = {};
  for (const rule of rules) {
    const options = rule.meta.optionsSchema ?? { type: "object", additionalProperties: false, properties: {} };
    ruleEntries[rule.meta.id] = {
      description: rule.meta.description,
      oneOf: [
        { enum: [...SEVERITIES] },
        { type: "object", additionalProperties: false, properties: { severity: { enum: [...SEVERITIES] }, options } },
      ],
    };
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "gitops-lint configuration (.gitops-lint.yaml)",
    type: "object",
    additionalProperties: false,
    properties: {
      rules: { type: "object", additionalProperties: false, properties: ruleEntries },
      releaseTimeout: { type: "string", description: "Helm release timeout when no HelmRelease in the input sets one (Go duration, e.g. 10m)" },
      charts: {
        type: "object",
        additionalProperties: { type: "string" },
        description:
          "chart reference → directory of the repository (relative to the repository root) that HelmReleases' charts are rendered from: " +
          "an OCI chart URL (oci://ghcr.io/org/chart), a HelmRepository URL with the chart name (https://charts.example.com/podinfo), or a chart name",
      },
      pullCharts: {
        type: "boolean",
        description: "pull HelmReleases' registry charts that the repository does not hold with `helm pull` (needs registry access), like --pull-charts",
      },
      reportUnusedSuppressions: { type: "boolean", description: "report suppression directives that suppressed nothing (like --report-unused-suppressions)" },
      requireSuppressionReason: { type: "boolean", description: "a suppression directive without ` -- reason` suppresses nothing and is reported" },
      applier: {
        enum: [...APPLIER_IDS],
        description: "who applies objects that no Flux Kustomization, HelmRelease or Argo CD Application in the input claims (default: helm4 for rendered Helm output, kubectl otherwise)",
      },
      limits: {
        type: "object",
        additionalProperties: false,
        description: "Input limits; exceeding one is an invalid-input finding",
        properties: {
          maxFileSize: { type: ["integer", "string"], description: "bytes per input file, or a size such as 64MB or 512MiB (default 256MiB)" },
          maxDocuments: { type: "integer", minimum: 1, description: `documents per input file (default ${DEFAULT_LIMITS.maxDocuments})` },
          maxAliasNodes: { type: "integer", minimum: 1, description: `nodes a document may have with its YAML aliases expanded (default ${DEFAULT_LIMITS.maxAliasNodes})` },
          shellMaxScriptLength: { type: "integer", minimum: 1, description: `characters of a container script the shell checks parse (default ${DEFAULT_SHELL_LIMITS.maxScriptLength})` },
          shellMaxNodes: { type: "integer", minimum: 1, description: `syntax tree nodes of a script the shell checks analyse (default ${DEFAULT_SHELL_LIMITS.maxNodes})` },
          shellMaxLoopNesting: { type: "integer", minimum: 1, description: `loops nested in a script the shell checks analyse (default ${DEFAULT_SHELL_LIMITS.maxLoopNesting})` },
        },
      },
    },
  };
}

/** Reads and validates a config file. Errors carry the file, line and column of the offending key. */
export async function loadConfig(absolutePath: string, displayName: string, rules: Described[]): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = readFileSync(absolutePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`config file ${displayName} does not exist`);
    if (code === "EISDIR") throw new UsageError(`config ${displayName} is a directory: give the config file itself (${CONFIG_FILE_NAMES.join(" or ")})`);
    throw new UsageError(`cannot read config ${displayName}: ${code ?? (error as Error).message}`);
  }
  const parsed = yamlLib().parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    const error = parsed.errors[0]!;
    const { line, column } = lineColumnAt(text, error.pos[0]);
    throw new UsageError(`invalid YAML in config: ${error.message.split("\n")[0]}`, { file: displayName, line, column });
  }
  const value: unknown = parsed.toJS() ?? {};
  const source: SourceDocument = { file: displayName, index: 0, text, startLine: 1 };
  const at = (p: NodePath): { file: string; line: number; column: number } => {
    const position = new PositionResolver().resolve(source, p);
    return { file: displayName, line: position.line, column: position.column };
  };

  // ajv is only loaded when there is a config to check: it costs start-up time.
  const { Ajv } = await import("ajv");
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  const validate = ajv.compile(configSchema(rules));
  if (!validate(value)) {
    const problem = configProblem(validate.errors ?? [], value, rules);
    throw new UsageError(`invalid config: ${problem.message}`, at(problem.path));
  }

  if (!isObject(value)) throw new UsageError("invalid config: expected a mapping of settings", at([]));
  const severities = new Map<string, SeverityLevel>();
  const options = new Map<string, Record<string, unknown>>();
  for (const [id, entry] of Object.entries(isObject(value.rules) ? value.rules : {})) {
    const severity = isSeverityLevel(entry) ? entry : isObject(entry) && isSeverityLevel(entry.severity) ? entry.severity : undefined;
    const notice = NOTICES.find((n) => n.meta.id === id);
    const refused = notice && severity !== undefined ? noticeConfigError(notice, severity) : undefined;
    if (refused) throw new UsageError(`invalid config: ${refused}`, at(["rules", id]));
    if (severity !== undefined) severities.set(id, severity);
    if (isObject(entry) && isObject(entry.options)) options.set(id, entry.options);
  }
  const settings: RunSettings = {};
  if (typeof value.reportUnusedSuppressions === "boolean") settings.reportUnusedSuppressions = value.reportUnusedSuppressions;
  if (typeof value.requireSuppressionReason === "boolean") settings.requireSuppressionReason = value.requireSuppressionReason;
  if (typeof value.releaseTimeout === "string") {
    const seconds = parseDuration(value.releaseTimeout);
    if (seconds === undefined) throw new UsageError(`invalid config: releaseTimeout "${value.releaseTimeout}" is not a duration such as 10m or 1h30m`, at(["releaseTimeout"]));
    settings.releaseTimeout = { seconds, why: `releaseTimeout: ${value.releaseTimeout} in ${displayName}` };
  }
  if (typeof value.applier === "string") settings.applier = { id: value.applier as ApplierId, why: `applier: ${value.applier} in ${displayName}` };
  const limits = limitsOf(value.limits, at);
  const shellLimits = shellLimitsOf(value.limits);
  if (shellLimits) settings.shellLimits = shellLimits;
  const charts = isObject(value.charts) ? (value.charts as Record<string, string>) : undefined;
  return { file: displayName, severities, options, settings, ...(limits ? { limits } : {}), ...(charts ? { charts } : {}), ...(value.pullCharts === true ? { pullCharts: true } : {}) };
}

/** `--rule id=severity`, applied over the config. */
export function applyRuleFlags(config: ResolvedConfig, flags: string[], rules: Described[]): void {
  for (const flag of flags) {
    const match = /^([a-z0-9-]+)=(\w+)$/.exec(flag.trim());
    if (!match) throw new UsageError(`--rule expects id=severity, got "${flag}"`);
    const [, id, severity] = match;
    if (!rules.some((r) => r.meta.id === id)) throw new UsageError(`--rule: unknown rule "${id}"; ${didYouMean(id!, rules.map((r) => r.meta.id))}`);
    if (!isSeverityLevel(severity)) {
      const suggestion = closestName(severity!, SEVERITIES);
      throw new UsageError(`--rule ${id}: unknown severity "${severity}"${suggestion !== undefined ? `; did you mean "${suggestion}"?` : ""} (${SEVERITIES.join(", ")})`);
    }
    const notice = NOTICES.find((n) => n.meta.id === id);
    const refused = notice ? noticeConfigError(notice, severity) : undefined;
    if (refused) throw new UsageError(`--rule: ${refused}`);
    config.severities.set(id!, severity);
  }
}

/** `limits.shellMaxScriptLength` / `shellMaxNodes` / `shellMaxLoopNesting` over the defaults; undefined when none is set. */
function shellLimitsOf(value: unknown): ShellLimits | undefined {
  if (!isObject(value)) return undefined;
  const setting = (key: string, fallback: number): number => (typeof value[key] === "number" ? value[key] : fallback);
  if (!["shellMaxScriptLength", "shellMaxNodes", "shellMaxLoopNesting"].some((key) => key in value)) return undefined;
  return {
    maxScriptLength: setting("shellMaxScriptLength", DEFAULT_SHELL_LIMITS.maxScriptLength),
    maxNodes: setting("shellMaxNodes", DEFAULT_SHELL_LIMITS.maxNodes),
    maxLoopNesting: setting("shellMaxLoopNesting", DEFAULT_SHELL_LIMITS.maxLoopNesting),
  };
}

function limitsOf(value: unknown, at: (p: NodePath) => { file: string; line: number; column: number }): LoadLimits | undefined {
  if (!isObject(value)) return undefined;
  const limits: LoadLimits = { ...DEFAULT_LIMITS };
  if (value.maxFileSize !== undefined) {
    const bytes = parseByteSize(value.maxFileSize as string | number);
    if (bytes === undefined) throw new UsageError(`invalid config: limits.maxFileSize "${String(value.maxFileSize)}" is not a size such as 64MB or 536870912`, at(["limits", "maxFileSize"]));
    limits.maxFileSize = bytes;
  }
  if (typeof value.maxDocuments === "number") limits.maxDocuments = value.maxDocuments;
  if (typeof value.maxAliasNodes === "number") limits.maxAliasNodes = value.maxAliasNodes;
  return limits;
}
