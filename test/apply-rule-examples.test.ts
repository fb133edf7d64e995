import { describe, expect, it } from "vitest";
import { findRule } from "../rules/index.js";
import { lintJson } from "./support/cli.js";

// The documented examples of the apply-time rules: the bad one fires exactly its rule, the good one is
// clean for every rule (a fix that trips another rule is not a fix).
describe.each(["ssa-duplicate-list-key", "duplicate-resource", "api-server-rejects", "replicas-owned-by-autoscaler", "apply-order"])("%s documented example", (id) => {
  const rule = findRule(id)!;

  it("bad fires exactly this rule", async () => {
    expect([...new Set((await lintJson(["-"], { stdin: rule.meta.example.bad })).findings.map((f) => f.ruleId))]).toEqual([id]);
  });

  it("good is clean", async () => {
    expect((await lintJson(["-"], { stdin: rule.meta.example.good })).findings).toEqual([]);
  });
});
