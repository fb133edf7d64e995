import { describe, expect, it } from "vitest";
import { findRule } from "../rules/index.js";
import { runCli } from "./support/cli.js";

// The documented examples are what users copy: the bad one must fire its rule, the good one must be
// clean for every rule (a fix that trips another rule is not a fix).
describe.each(["ephemeral-state-dir", "rwo-volume-rolling-update", "liveness-equals-readiness"])("%s documented example", (id) => {
  const rule = findRule(id)!;
  const lint = async (yaml: string): Promise<Array<{ ruleId: string }>> =>
    (JSON.parse((await runCli(["-", "-f", "json"], { stdin: yaml })).stdout) as { findings: Array<{ ruleId: string }> }).findings;

  it("bad fires the rule", async () => {
    expect((await lint(rule.meta.example.bad)).map((f) => f.ruleId)).toContain(id);
  });

  it("good is clean", async () => {
    expect(await lint(rule.meta.example.good)).toEqual([]);
  });
});
