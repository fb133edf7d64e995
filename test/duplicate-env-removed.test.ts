import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintJson } from "./support/cli.js";

// duplicate-env-removed end to end: a duplicate env name removed between two commits, read with --base REV.
const RULE = "duplicate-env-removed";
const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
const deployment = (env: string[]): string =>
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n" +
  `    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n${env.map((e) => `            - {name: ${e}, value: "1"}\n`).join("")}`;

describe("a duplicate env name removed between two commits", () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), "gitops-lint-dup-env-"));
    git(repo, "init", "-q", "-b", "main");
    writeFileSync(path.join(repo, "api.yaml"), deployment(["DEBUG", "REGION", "DEBUG"]));
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    writeFileSync(path.join(repo, "api.yaml"), deployment(["DEBUG", "REGION"]));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("warns at the entry that stays, naming the applier and what the merge patch does", async () => {
    const report = await lintJson(["api.yaml", "--base", "HEAD"], { cwd: repo });
    const findings = report.findings.filter((f) => f.ruleId === RULE);
    expect(findings.map((f) => [f.severity, f.file, f.line, f.column, f.object?.name])).toEqual([["warning", "api.yaml", 17, 16, "api"]]);
    expect(findings[0]!.message).toBe(
      'Deployment "apps/api" container "api": env DEBUG was listed twice at HEAD and once now; under kubectl apply (client-side) the merge patch deletes every DEBUG entry: ' +
        "the next rollout runs without DEBUG until another apply adds it back (kubernetes#58477); apply this change once with --server-side, or remove the extra entry from the live object first",
    );
  });

  it("is silent under server-side apply, which keeps the applied entry", async () => {
    const report = await lintJson(["api.yaml", "--base", "HEAD", "--applier", "kubectl-server-side"], { cwd: repo });
    expect(report.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it("is silent without a base", async () => {
    const report = await lintJson(["api.yaml"], { cwd: repo });
    expect(report.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
