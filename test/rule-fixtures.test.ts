import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalogue } from "../rules/index.js";
import { lintJson, REPO } from "./support/cli.js";
import { fixtureCases } from "./support/fixture-expectations.js";

// Every rule, every fixture, end to end through the CLI: the findings of the rule must be exactly the
// ones the fixture's `# expect:` markers declare (rule id, object, file, line, column), no more, no fewer.
describe.each(catalogue.map((r) => r.meta.id))("%s fixtures", (ruleId) => {
  const cases = existsSync(path.join(REPO, "fixtures", ruleId)) ? fixtureCases(REPO, ruleId) : [];

  it("has a case that must fire and a near-miss that must stay silent", () => {
    expect(cases.some((c) => c.expectations.some((e) => e.ruleId === ruleId))).toBe(true);
    expect(cases.some((c) => !c.expectations.some((e) => e.ruleId === ruleId))).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, fixture) => {
    const report = await lintJson([...fixture.files, ...fixture.args]);
    const actual = report.findings
      .filter((f) => f.ruleId === ruleId)
      .map((f) => ({ ruleId: f.ruleId, kind: f.object?.kind ?? "", name: f.object?.name ?? "", file: f.file, line: f.line, column: f.column }));
    const expected = fixture.expectations.filter((e) => e.ruleId === ruleId);
    expect(actual).toEqual(expected);
    for (const finding of report.findings.filter((f) => f.ruleId === ruleId)) {
      expect(finding.message.length).toBeGreaterThan(20);
      expect(finding.remediation.length).toBeGreaterThan(0);
    }
  });
});
