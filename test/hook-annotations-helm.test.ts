import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintJson } from "./support/cli.js";
import { ensureHelm } from "./support/helm.js";

// The hook rules against what a real Helm v4 renders: a typo in helm.sh/hook makes Helm drop the object
// from the output (so only the chart's own files can show it), while a bad weight or delete policy is
// rendered as written and is caught in `helm template` output.
describe("hook annotations through a real helm template", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-hooks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const chart = path.join(dir, "app");
  mkdirSync(path.join(chart, "templates"), { recursive: true });
  writeFileSync(path.join(chart, "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 0.1.0\n");
  const typo = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  annotations:\n    helm.sh/hook: pre-instal\n";
  writeFileSync(path.join(chart, "templates", "typo.yaml"), typo);
  writeFileSync(
    path.join(chart, "templates", "seed.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\n  annotations:\n    helm.sh/hook: Post-Install\n    helm.sh/hook-weight: \"1.5\"\n    helm.sh/hook-delete-policy: hook-succeed\n",
  );

  it("finds the weight and delete policy in rendered output, and the dropped object only in the chart's file", async () => {
    const rendered = execFileSync(ensureHelm(), ["template", "r", chart], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(rendered).not.toContain("name: typo"); // Helm skipped it: "skipping unknown hooks"
    const report = await lintJson(["-"], { stdin: rendered });
    const findings = report.findings.filter((f) => f.ruleId === "hook-annotation-invalid");
    expect(findings.map((f) => [f.object?.name, f.severity, /^\w+ "[^"]+": [\w./-]+ "[^"]*"/.exec(f.message)?.[0]])).toEqual([
      ["seed", "warning", 'ConfigMap "seed": helm.sh/hook-weight "1.5"'],
      ["seed", "error", 'ConfigMap "seed": helm.sh/hook-delete-policy "hook-succeed"'],
    ]);

    const source = await lintJson([path.join(chart, "templates", "typo.yaml")]);
    expect(source.findings.filter((f) => f.ruleId === "hook-annotation-invalid").map((f) => f.line)).toEqual([6]);
  }, 180_000);
});
