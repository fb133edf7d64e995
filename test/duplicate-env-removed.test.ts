import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";

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

// The same, against a previous render given with --base-file: one temporary directory per test.
describe("duplicate-env-removed against --base-file", () => {
  const container = (name: string, env: string[]): string =>
    `        - name: ${name}\n          image: api:1\n          env:\n${env.map((e) => `            - ${e.startsWith("{") ? e : `{name: ${e}, value: "1"}`}\n`).join("")}`;
  const pods = (containers: string[], annotations = ""): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: apps\n${annotations}spec:\n  selector:\n    matchLabels: {app: api}\n  template:\n` +
    `    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n${containers.join("")}`;
  const lintAgainst = async (base: string, head: string, args: string[] = []): Promise<{ findings: JsonFinding[]; code: number; stderr: string }> => {
    const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-dup-env-base-"));
    try {
      writeFileSync(path.join(dir, "base.yaml"), base);
      const report = await lintJson(["-", "--base-file", path.join(dir, "base.yaml"), ...args], { stdin: head });
      return { findings: report.findings.filter((f) => f.ruleId === RULE), code: report.code, stderr: report.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("counts more than two entries in the base", async () => {
    const head = pods([container("api", ["DEBUG"])]);
    const { findings } = await lintAgainst(pods([container("api", ["DEBUG", "DEBUG", "DEBUG"])]), head);
    expect(findings.map((f) => [f.severity, f.line, f.column, f.object?.name])).toEqual([["warning", head.split("\n").indexOf('            - {name: DEBUG, value: "1"}') + 1, 16, "api"]]);
    expect(findings[0]!.message).toContain('Deployment "apps/api" container "api": env DEBUG was listed 3 times at ');
  });

  it("compares each container with the base's container of the same name, and skips a container the base lacks", async () => {
    // The base's duplicates are in "api" only; "worker" had DEBUG once, and the new "sidecar" had nothing.
    const base = pods([container("api", ["DEBUG", "DEBUG"]), container("worker", ["DEBUG"])]);
    const head = pods([container("api", ["DEBUG", "DEBUG"]), container("worker", ["DEBUG"]), container("sidecar", ["DEBUG"])]);
    expect(await lintAgainst(base, head)).toEqual({ findings: [], code: 0, stderr: "" });
  });

  it("is silent when Argo CD replaces the object (Replace=true), which drops the duplicates and keeps the entry", async () => {
    const replace = "  annotations:\n    argocd.argoproj.io/sync-options: Replace=true\n";
    const base = pods([container("api", ["DEBUG", "DEBUG"])], replace);
    const head = pods([container("api", ["DEBUG"])], replace);
    expect((await lintAgainst(base, head, ["--applier", "argocd"])).findings).toEqual([]);
    // The same change under Argo CD's default client-side apply loses the entry.
    expect((await lintAgainst(pods([container("api", ["DEBUG", "DEBUG"])]), pods([container("api", ["DEBUG"])]), ["--applier", "argocd"])).findings).toHaveLength(1);
  });

  it("does not count entries without a name as a duplicated name", async () => {
    const base = pods([container("api", ["DEBUG", '{value: "a"}', '{value: "b"}'])]);
    const head = pods([container("api", ["DEBUG", '{value: "a"}'])]);
    expect((await lintAgainst(base, head)).findings).toEqual([]);
  });

  it("skips an object whose pod template is gone on one side", async () => {
    const templateless = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  replicas: 1\n";
    const duplicated = pods([container("api", ["DEBUG", "DEBUG"])]);
    for (const [base, head] of [[duplicated, templateless], [templateless, duplicated]] as const) {
      const result = await lintAgainst(base, head);
      expect(result.findings).toEqual([]);
      expect(result.stderr).toBe("");
    }
  });
});
