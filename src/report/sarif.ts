import { DOCS_URL, exampleMarkdown, exampleText, ruleAnchor } from "../docs/rule-docs.js";
import type { Finding, LintResult } from "../engine/finding.js";
import type { Described } from "../engine/rule.js";
import type { Severity } from "../engine/severity.js";
import { fingerprints } from "./fingerprint.js";
import type { RepoPaths } from "./repo-relative.js";
import { artifactLocation, SRCROOT, type SarifArtifactLocation } from "./sarif-location.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
  rules: Described[];
  version: string;
  /** `--sarif-category`: GitHub code scanning keeps one set of alerts per category. */
  category?: string;
  /** The working directory and repository root; without them file names are taken as repository-relative. */
  paths?: RepoPaths;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/**
 * SARIF 2.1.0 as GitHub code scanning ingests it (DESIGN §5): one run; every rule with descriptions,
 * help and helpUri; each result with exactly one location, a repo-relative URI under %SRCROOT% (findings in
 * files outside the repository are left out: see sarif-location.ts) and a full region; suppressed findings carry
 * `suppressions`; `results` is present (empty) when clean.
 */
export function formatSarif(result: LintResult, options: SarifOptions): string {
  const ruleIndex = new Map(options.rules.map((rule, i) => [rule.meta.id, i]));
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: "gitops-lint",
        semanticVersion: options.version,
        version: options.version,
        informationUri: DOCS_URL.replace(/\/blob\/.*$/, ""),
        rules: options.rules.map(ruleDescriptor),
      },
    },
    ...(options.category !== undefined ? { automationDetails: { id: automationId(options.category) } } : {}),
    columnKind: "utf16CodeUnits",
    originalUriBaseIds: { [SRCROOT]: { description: { text: "The root of the Git repository (or --repo-root) that result URIs are relative to." } } },
    results: ((ids) =>
      result.findings.flatMap((finding, i) => {
        const location = artifactLocation(finding.file, options.paths);
        return location ? [sarifResult(finding, location, ruleIndex.get(finding.ruleId), ids[i]!)] : [];
      }))(fingerprints(result.findings)),
  };
  return JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs: [run] }, null, 2) + "\n";
}

/** GitHub reads the category as everything up to the last `/` of `automationDetails.id` (codeql-action does the same). */
function automationId(category: string): string {
  return category.endsWith("/") ? category : `${category}/`;
}

function ruleDescriptor(rule: Described): Record<string, unknown> {
  const { meta } = rule;
  const markdown = [
    meta.rationale,
    "",
    `**How to fix.** ${meta.remediation}`,
    "",
    ...exampleMarkdown(meta.example),
    `[Rule documentation](${ruleAnchor(meta.id)})`,
  ].join("\n");
  const text = `${plain(meta.rationale)}\n\nHow to fix: ${plain(meta.remediation)}\n\n${exampleText(meta.example)}`;
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: plain(meta.description) },
    fullDescription: { text: plain(meta.rationale) },
    help: { text, markdown },
    helpUri: ruleAnchor(meta.id),
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties: { tags: meta.tags, precision: meta.precision, "problem.severity": meta.defaultSeverity === "info" ? "recommendation" : meta.defaultSeverity },
  };
}

function sarifResult(finding: Finding, location: SarifArtifactLocation, ruleIndex: number | undefined, fingerprint: string): Record<string, unknown> {
  const region = {
    startLine: finding.line,
    startColumn: finding.column,
    endLine: Math.max(finding.endLine, finding.line),
    endColumn: finding.endLine > finding.line ? finding.endColumn : Math.max(finding.endColumn, finding.column + 1),
  };
  const properties: Record<string, unknown> = {};
  if (finding.object) properties.object = finding.object;
  if (finding.target) properties.target = finding.target;
  if (finding.rendered) properties.rendered = finding.rendered;
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVEL[finding.severity],
    message: { text: finding.remediation ? `${finding.message}\n\nHow to fix: ${finding.remediation}` : finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: location,
          region,
        },
      },
    ],
    partialFingerprints: { "gitopsLintFinding/v1": fingerprint },
    ...(finding.suppressed ? { suppressions: [{ kind: "inSource", justification: finding.suppressionReason ?? "suppressed in source" }] } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, "$1").replace(/\*\*([^*]*)\*\*/g, "$1");
}
