import type { ChalkInstance } from "chalk";
import type { LintResult } from "../engine/finding.js";
import type { AnyRule } from "../engine/rule.js";
import { formatGithub } from "./github.js";
import { formatGitlab } from "./gitlab.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatSarif } from "./sarif.js";
import type { SarifPaths } from "./sarif-location.js";
import { formatStylish } from "./stylish.js";

export interface FormatContext {
  chalk: ChalkInstance;
  /** Every rule (SARIF lists them all as descriptors). */
  rules?: AnyRule[];
  version?: string;
  /** `--sarif-category` → SARIF `automationDetails.id`. */
  sarifCategory?: string;
  /** What SARIF URIs are relative to (the repository root). */
  sarifPaths?: SarifPaths;
}

export type Formatter = (result: LintResult, context: FormatContext) => string;

export const FORMATTERS: Record<string, Formatter> = {
  stylish: (result, { chalk }) => formatStylish(result, chalk),
  json: (result) => formatJson(result),
  sarif: (result, context) =>
    formatSarif(result, {
      rules: context.rules ?? [],
      version: context.version ?? "0.0.0",
      ...(context.sarifCategory !== undefined ? { category: context.sarifCategory } : {}),
      ...(context.sarifPaths !== undefined ? { paths: context.sarifPaths } : {}),
    }),
  github: (result) => formatGithub(result),
  junit: (result) => formatJunit(result),
  gitlab: (result) => formatGitlab(result),
};
