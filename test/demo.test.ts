import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { rules } from "../rules/index.js";
import { lintJson, REPO } from "./support/cli.js";

it("the demo `npm start` lints shows every rule firing", async () => {
  const script = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const args = /bin\/gitops-lint\.js ([^;]+);/.exec(script)![1]!.trim().split(/\s+/);
  const report = await lintJson(args);
  const fired = new Set(report.findings.map((f) => f.ruleId));
  expect(rules.map((r) => r.meta.id).filter((id) => !fired.has(id))).toEqual([]);
  expect(report.code).toBe(1);
});
