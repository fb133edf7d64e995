import { describe, expect, it } from "vitest";
import type { ResolvedConfig } from "../src/engine/config.js";
import { compareFindings, type Finding } from "../src/engine/finding.js";
import { defineRule } from "../src/engine/rule.js";
import { runRules } from "../src/engine/run-rules.js";
import { ManifestSet } from "../src/model/manifest-set.js";

// What the engine does around the rules, where no fixture can reach: a rule that throws, the options a rule
// is given, the ids it is told about, and the order findings are listed in.
const config = (options: Array<[string, Record<string, unknown>]> = []): ResolvedConfig => ({ severities: new Map(), options: new Map(options), settings: {} });
const meta = (id: string) => ({ id, description: "d", rationale: "r", remediation: "fix it", defaultSeverity: "warning" as const, example: { bad: "", good: "" }, tags: ["t"], precision: "high" as const });

describe("runRules", () => {
  it("reports a rule that throws as an internal failure, and still runs the others", () => {
    const broken = defineRule({ meta: meta("broken"), check: () => { throw new Error("boom"); } });
    const seen: string[] = [];
    const fine = defineRule({ meta: meta("fine"), check: ({ ruleIds }) => void seen.push(...ruleIds) });
    const run = runRules(new ManifestSet(), [broken, fine], config());
    expect(run.failures).toEqual(["rule broken failed: boom (a bug in gitops-lint; please report it with the input)"]);
    expect(seen).toEqual(["broken", "fine"]);
  });

  it("gives a rule its default options under the configured ones", () => {
    let given: unknown;
    const rule = defineRule<{ a: number; b: number }>({ meta: meta("opts"), defaultOptions: { a: 1, b: 2 }, check: ({ options }) => void (given = options) });
    runRules(new ManifestSet(), [rule], config([["opts", { b: 3 }]]));
    expect(given).toEqual({ a: 1, b: 3 });
    runRules(new ManifestSet(), [rule], config());
    expect(given).toEqual({ a: 1, b: 2 });
  });
});

describe("compareFindings", () => {
  const at = (file: string, line: number, column: number, ruleId: string): Finding =>
    ({ file, line, column, ruleId, severity: "error", message: "", endLine: line, endColumn: column + 1, remediation: "", suppressed: false }) as Finding;

  it("lists findings by file, line, column, then rule id", () => {
    const findings = [at("b.yaml", 1, 1, "x"), at("a.yaml", 2, 1, "x"), at("a.yaml", 1, 5, "x"), at("a.yaml", 1, 2, "z"), at("a.yaml", 1, 2, "y"), at("a.yaml", 1, 2, "y")];
    expect([...findings].sort(compareFindings).map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      "a.yaml:1:2 y",
      "a.yaml:1:2 y",
      "a.yaml:1:2 z",
      "a.yaml:1:5 x",
      "a.yaml:2:1 x",
      "b.yaml:1:1 x",
    ]);
    expect(compareFindings(at("a.yaml", 1, 2, "y"), at("a.yaml", 1, 2, "y"))).toBe(0);
    expect(compareFindings(at("a.yaml", 1, 2, "z"), at("a.yaml", 1, 2, "y"))).toBe(1);
    expect(compareFindings(at("a.yaml", 1, 2, "y"), at("a.yaml", 1, 2, "z"))).toBe(-1);
  });
});
