import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { catalogue } from "../rules/index.js";
import { configSchemaJson } from "../src/docs/config-schema.js";
import { rulesMarkdown } from "../src/docs/rule-docs.js";
import { REPO } from "./support/cli.js";

it("docs/rules.md is generated from the current rule metadata (run `npm run docs` when this fails)", () => {
  expect(readFileSync(path.join(REPO, "docs", "rules.md"), "utf8")).toBe(rulesMarkdown(catalogue));
});

// What editors show and check (`# yaml-language-server: $schema=`): the same schema the config is validated with.
it("docs/gitops-lint.schema.json is the schema .gitops-lint.yaml is validated with (run `npm run docs` when this fails)", () => {
  expect(readFileSync(path.join(REPO, "docs", "gitops-lint.schema.json"), "utf8")).toBe(configSchemaJson(catalogue));
});

it.each(catalogue.map((r) => [r.meta.id, r] as const))("%s has complete metadata and a firing example", (id, rule) => {
  expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
  for (const field of [rule.meta.description, rule.meta.rationale, rule.meta.remediation, rule.meta.example.bad, rule.meta.example.good]) {
    expect(field.trim().length).toBeGreaterThan(10);
  }
  expect(rule.meta.tags.length).toBeGreaterThan(0);
});
