import type { LintResult } from "../engine/finding.js";
import type { Described } from "../engine/rule.js";
import { formatGithub } from "./github.js";
import { formatGitlab } from "./gitlab.js";
import { formatJson } from "./json-format.js";
import { formatJunit } from "./junit.js";
import { formatSarif } from "./sarif.js";
import type { Paint } from "./paint.js";
import type { RepoPaths } from "./repo-relative.js";
import { formatStylish } from "./stylish.js";

export interface FormatContext {
  paint: Paint;
  /** Every rule (SARIF lists them all as descriptors). */
  rules?: Described[];
  version?: string;
  /** `--sarif-category` → SARIF `automationDetails.id`. */
  sarifCategory?: string;
  /** What SARIF, GitHub and GitLab paths are relative to (the repository root). */
  repoPaths?: RepoPaths;
}

export type Formatter = (result: LintResult, context: FormatContext) => string;

export const FORMATTERS: Record<string, Formatter> = {
  stylish: (result, { paint }) => formatStylish(result, paint),
  json: (result) => formatJson(result),
  sarif: (result, context) =>
    formatSarif(result, {
      rules: context.rules ?? [],
      version: context.version ?? "0.0.0",
      ...(context.sarifCategory !== undefined ? { category: context.sarifCategory } : {}),
      ...(context.repoPaths !== undefined ? { paths: context.repoPaths } : {}),
    }),
  github: (result, { repoPaths }) => formatGithub(result, repoPaths),
  junit: (result) => formatJunit(result),
  gitlab: (result, { repoPaths }) => formatGitlab(result, repoPaths),
};
