import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findRule } from "../rules/index.js";
import { lintJson } from "./support/cli.js";

// The documented examples are what users copy: "Fires on" must fire exactly its own rule, and "Fixed" must be
// clean for every rule. Diff-aware rules are shown against the base their example describes.
const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The base a diff-aware example describes in its first comment line, for the "Fires on" and the "Fixed" example. */
const BASES: Record<string, (example: { bad: string; good: string }) => { bad: string; good: string }> = {
  "force-annotation-left-on": (e) => ({ bad: e.bad, good: e.bad }),
  "immutable-field-changed": (e) => ({ bad: e.good, good: e.good }),
  // The fix is to the live object: after it, the base is what the manifest says.
  "duplicate-env-removed": (e) => ({ bad: e.bad.replace(/( {12}- name: LOG_LEVEL\n {14}value: debug\n)/, "$1$1"), good: e.good }),
};

const lint = async (yaml: string, base: string | undefined): Promise<string[]> => {
  const args = ["-"];
  if (base !== undefined) {
    writeFileSync(path.join(dir, "base.yaml"), base);
    args.push("--base-file", "base.yaml");
  }
  return (await lintJson(args, { cwd: dir, stdin: yaml })).findings.map((f) => f.ruleId);
};

describe.each([
  "strategy-flip-without-force",
  "recreate-with-rolling-update",
  "inline-patch-directive",
  "force-annotation-ineffective",
  "force-annotation-left-on",
  "immutable-field-changed",
  "release-label-in-immutable-field",
  "duplicate-env-removed",
])("%s documented example", (id) => {
  const { example } = findRule(id)!.meta;
  const bases = BASES[id]?.(example);

  it("Fires on: fires exactly this rule", async () => {
    expect(new Set(await lint(example.bad, bases?.bad))).toEqual(new Set([id]));
  });

  it("Fixed: is clean for every rule", async () => {
    expect(await lint(example.good, bases?.good)).toEqual([]);
  });
});
