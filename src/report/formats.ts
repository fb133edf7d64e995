import type { ChalkInstance } from "chalk";
import type { LintResult } from "../engine/finding.js";
import { formatJson } from "./json.js";
import { formatStylish } from "./stylish.js";

export interface FormatContext {
  chalk: ChalkInstance;
}

export type Formatter = (result: LintResult, context: FormatContext) => string;

export const FORMATTERS: Record<string, Formatter> = {
  stylish: (result, { chalk }) => formatStylish(result, chalk),
  json: (result) => formatJson(result),
};
