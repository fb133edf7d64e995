import { expect, it } from "vitest";
import { ShellParseBudget } from "../src/model/shell-parser.js";

it("parses scripts and reports syntax errors with their position", () => {
  const shell = new ShellParseBudget();
  expect(shell.parse("a.yaml", "set -e\nif [ -f x ]; then echo ok; fi\n").ok).toBe(true);
  expect(shell.parse("a.yaml", "echo hi\nif then\n")).toEqual({ ok: false, error: expect.stringContaining("must be followed by"), line: 2, column: 1 });
});

it("does not parse a script over the size limit", () => {
  const shell = new ShellParseBudget({ maxScriptLength: 10, fileBudgetMs: 1000 });
  expect(shell.parse("a.yaml", "echo 0123456789")).toEqual({ ok: false, skipped: expect.stringContaining("more than the 10") });
});

it("stops parsing a file's scripts once its time budget is spent, other files keep theirs", () => {
  let clock = 0;
  const shell = new ShellParseBudget({ maxScriptLength: 1000, fileBudgetMs: 50 }, () => (clock += 30));
  expect(shell.parse("slow.yaml", "echo 1").ok).toBe(true); // 30 ms
  expect(shell.parse("slow.yaml", "echo 2").ok).toBe(true); // 60 ms: over, but measured after the fact
  expect(shell.parse("slow.yaml", "echo 3")).toEqual({ ok: false, skipped: expect.stringContaining("50 ms budget on slow.yaml") });
  expect(shell.parse("other.yaml", "echo 4").ok).toBe(true);
});

it("the shell limits are configurable in .gitops-lint.yaml and reach the rules' settings", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  const { loadConfig } = await import("../src/engine/config.js");
  const { rules } = await import("../rules/index.js");
  const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-shell-"));
  writeFileSync(path.join(dir, "c.yaml"), "limits:\n  shellFileBudgetMs: 500\n");
  const config = await loadConfig(path.join(dir, "c.yaml"), "c.yaml", rules);
  expect(config.settings.shellLimits).toEqual({ maxScriptLength: 64 * 1024, fileBudgetMs: 500 });
});
