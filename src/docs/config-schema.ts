import { configSchema } from "../engine/config.js";
import type { Described } from "../engine/rule.js";

/**
 * docs/gitops-lint.schema.json: the JSON schema .gitops-lint.yaml is validated with, published so that editors
 * (`# yaml-language-server: $schema=…`) complete and check the same keys, rule ids and values as the CLI.
 */
export function configSchemaJson(rules: Described[]): string {
  return `${JSON.stringify(configSchema(rules), null, 2)}\n`;
}
