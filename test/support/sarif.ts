import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { REPO, runCli, type CliResult } from "./cli.js";
import { MULTITOOL_PLATFORM_PACKAGE } from "./sarif-multitool.js";

/**
 * The SARIF 2.1.0 schema as Microsoft's SARIF multitool ships it (`sarif-2.1.0.json`, JSON Schema draft
 * 2020-12), from the multitool's platform package that `npm ci` installed for this machine (every platform
 * package carries the same schema). The SARIF multitool is a devDependency, so the schema comes with the clone.
 */
export const SARIF_SCHEMA_PATH: string = createRequire(path.join(REPO, "package.json")).resolve(`${MULTITOOL_PLATFORM_PACKAGE}/sarif-2.1.0.json`);

let validator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

function schemaValidator(): ((data: unknown) => boolean) & { errors?: unknown } {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, "utf8")) as object);
  }
  return validator;
}

export interface SarifLog {
  $schema: string;
  version: string;
  runs: SarifRun[];
}
export interface SarifRun {
  tool: { driver: { name: string; version?: string; rules: SarifRule[] } };
  automationDetails?: { id: string };
  columnKind?: string;
  originalUriBaseIds?: Record<string, { uri?: string; description?: { text: string } }>;
  results: SarifResult[];
}
export interface SarifRule {
  id: string;
  shortDescription?: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown?: string };
  helpUri?: string;
  defaultConfiguration?: { level: string };
  properties?: { tags?: string[]; precision?: string };
}
export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[];
  suppressions?: { kind: string; justification?: string }[];
  partialFingerprints?: Record<string, string>;
  properties?: { rendered?: { file: string; line: number; column: number } };
}

/**
 * Every SARIF log the suite produces goes through here: the OASIS schema, then what GitHub code scanning
 * needs beyond it (schema README): `$schema`, a `results` array, one location per result with a
 * relative URI and a full region, and rule descriptors with descriptions and help.
 */
export function assertValidSarif(text: string): SarifLog {
  const log = JSON.parse(text) as SarifLog;
  const validate = schemaValidator();
  if (!validate(log)) throw new Error(`SARIF does not match the 2.1.0 schema: ${JSON.stringify(validate.errors, null, 2)}`);
  expect(log.$schema).toMatch(/sarif-2\.1\.0/);
  expect(log.version).toBe("2.1.0");
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0]!;
  expect(Array.isArray(run.results)).toBe(true);
  expect(run.columnKind).toBe("utf16CodeUnits");
  expect(Object.keys(run.originalUriBaseIds ?? {})).toEqual(["%SRCROOT%"]);
  const ids = run.tool.driver.rules.map((r) => r.id);
  for (const rule of run.tool.driver.rules) {
    expect(rule.shortDescription?.text.length).toBeGreaterThan(10);
    expect(rule.fullDescription?.text.length).toBeGreaterThan(10);
    expect(rule.help?.text.length).toBeGreaterThan(10);
    expect(rule.help?.markdown).toMatch(/```yaml/);
    expect(rule.helpUri).toMatch(/^https:\/\/.+#/);
    expect(["error", "warning", "note"]).toContain(rule.defaultConfiguration?.level);
    expect(rule.properties?.tags?.length).toBeGreaterThan(0);
    expect(["very-high", "high", "medium", "low"]).toContain(rule.properties?.precision);
  }
  for (const result of run.results) {
    expect(ids).toContain(result.ruleId);
    expect(run.tool.driver.rules[result.ruleIndex!]?.id).toBe(result.ruleId);
    expect(result.message.text.length).toBeGreaterThan(0);
    expect(result.locations).toHaveLength(1);
    const { artifactLocation, region } = result.locations[0]!.physicalLocation;
    expect(artifactLocation.uriBaseId).toBe("%SRCROOT%");
    expect(artifactLocation.uri).not.toMatch(/^[a-z][a-z0-9+.-]*:|^\/|\\/i); // relative, forward slashes
    expect(artifactLocation.uri).not.toMatch(/^\.\.?\//); // inside the repository
    expect(new URL(artifactLocation.uri, "https://example.invalid/repo/").href).toContain("example.invalid");
    for (const key of ["startLine", "startColumn", "endLine", "endColumn"] as const) {
      expect(Number.isInteger(region[key]) && region[key] >= 1, `${key} of ${JSON.stringify(region)}`).toBe(true);
    }
    expect(region.endLine > region.startLine || region.endColumn > region.startColumn).toBe(true);
  }
  assertNoMachinePaths(text);
  return log;
}

/**
 * No output may name a temporary directory or an absolute path of this machine. Temporary directories
 * are the ones tests and renders create (`<tmpdir>/gitops-lint…`); a bare "/tmp" is legitimate content
 * (rule examples show the incident's /tmp/catalyst/tofu).
 */
export function assertNoMachinePaths(text: string, extra: string[] = []): void {
  for (const forbidden of [REPO.replace(/\/$/, ""), path.join(os.tmpdir(), "gitops-lint"), os.homedir(), ...extra]) {
    expect(text.includes(forbidden), `output contains ${forbidden}`).toBe(false);
  }
}

export async function lintSarif(args: string[], options: { cwd?: string; stdin?: string } = {}): Promise<SarifLog & { cli: CliResult }> {
  const cli = await runCli([...args, "-f", "sarif"], options);
  return { ...assertValidSarif(cli.stdout), cli };
}
