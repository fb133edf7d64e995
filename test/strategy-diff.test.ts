import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintJson, runCli, spawnCli, type JsonFinding } from "./support/cli.js";

// Diff-aware linting (`--base REV`, `--base-file FILE`) against a real throwaway git repository.

function deployment(name: string, options: { strategy?: string; force?: boolean; image?: string } = {}): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "  namespace: apps",
    ...(options.force ? ["  annotations:", "    kustomize.toolkit.fluxcd.io/force: enabled"] : []),
    "spec:",
    ...(options.strategy ? ["  strategy:", `    type: ${options.strategy}`] : []),
    "  selector:",
    `    matchLabels: {app: ${name}}`,
    "  template:",
    "    metadata:",
    `      labels: {app: ${name}}`,
    "    spec:",
    `      containers: [{name: app, image: ${options.image ?? "app:1"}}]`,
    "",
  ].join("\n");
}

const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });

const of = (findings: JsonFinding[], ruleId: string): JsonFinding[] => findings.filter((f) => f.ruleId === ruleId);

// Plain manifests default to client-side `kubectl apply`, which clears the rollingUpdate block itself: these
// runs name the server-side applier the flip breaks under.
const FLUX = ["--applier", "flux-kustomize"];

describe("--base REV", () => {
  let repo: string;

  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), "gitops-lint-base-"));
    git(repo, "init", "-q", "-b", "main");
    mkdirSync(path.join(repo, "apps"));
    writeFileSync(path.join(repo, "apps", "api.yaml"), deployment("api", { strategy: "RollingUpdate" }));
    writeFileSync(path.join(repo, "apps", "worker.yaml"), deployment("worker", { strategy: "Recreate" }));
    writeFileSync(path.join(repo, "apps", "cache.yaml"), deployment("cache"));
    writeFileSync(path.join(repo, "apps", "db.yaml"), deployment("db", { strategy: "Recreate", force: true }));
    writeFileSync(path.join(repo, "apps", "queue.yaml"), deployment("queue", { strategy: "Recreate", force: true }));
    mkdirSync(path.join(repo, "odd dir"));
    writeFileSync(path.join(repo, "odd dir", "web ui.yaml"), deployment("web"));
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    // The change under review.
    writeFileSync(path.join(repo, "apps", "api.yaml"), deployment("api", { strategy: "Recreate" }));
    writeFileSync(path.join(repo, "apps", "worker.yaml"), deployment("worker", { strategy: "Recreate", image: "app:2" }));
    writeFileSync(path.join(repo, "apps", "cache.yaml"), deployment("cache", { strategy: "Recreate", force: true }));
    writeFileSync(path.join(repo, "apps", "db.yaml"), deployment("db", { strategy: "Recreate", force: true, image: "app:2" }));
    writeFileSync(path.join(repo, "apps", "queue.yaml"), deployment("queue", { strategy: "Recreate" }));
    writeFileSync(path.join(repo, "apps", "new.yaml"), deployment("fresh", { strategy: "Recreate" }));
    writeFileSync(path.join(repo, "odd dir", "web ui.yaml"), deployment("web", { strategy: "Recreate" }));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("reports a RollingUpdate → Recreate flip in this change as an error, naming the base and the applier", async () => {
    const report = await lintJson(["apps/api.yaml", "--base", "HEAD", ...FLUX], { cwd: repo });
    const [flip, ...rest] = of(report.findings, "strategy-flip-without-force");
    expect(rest).toEqual([]);
    expect(flip).toMatchObject({ severity: "error", file: "apps/api.yaml", object: { kind: "Deployment", name: "api" } });
    expect(flip!.message).toMatch(/^Deployment "[^"]*api": RollingUpdate → Recreate without kustomize\.toolkit\.fluxcd\.io\/force: enabled/);
    expect(flip!.message).toContain("under Flux kustomize-controller, so every apply fails");
    expect(flip!.message).toContain("spec.strategy.rollingUpdate: Forbidden");
    expect(flip!.message).toContain("keep RollingUpdate with maxSurge: 0, maxUnavailable: 1");
    // Proven by the base: no hint to run with --base.
    expect(flip!.message).not.toContain("--base");
    expect(flip!.remediation).toContain("maxSurge: 0, maxUnavailable: 1");
    expect(flip!.remediation).toContain("should be removed after the change is applied");
    expect(report.code).toBe(1);
  });

  it("keeps a Recreate this change did not touch at info, saying it is unchanged since the base; one revision alone is an info too", async () => {
    const report = await lintJson(["apps/worker.yaml", "--base", "HEAD", ...FLUX], { cwd: repo });
    const findings = of(report.findings, "strategy-flip-without-force");
    expect(findings.map((f) => [f.severity, f.object?.name])).toEqual([["info", "worker"]]);
    expect(report.code).toBe(0);
    expect(findings[0]!.message).toContain("unchanged since HEAD");
    const single = await lintJson(["apps/worker.yaml", ...FLUX], { cwd: repo });
    const unproven = of(single.findings, "strategy-flip-without-force");
    expect(unproven.map((f) => f.severity)).toEqual(["info"]);
    // Without a base the flip is only possible: the message says so and how to prove it.
    expect(unproven[0]!.message).toContain("if the live Deployment was created as RollingUpdate without declaring maxSurge and maxUnavailable");
    expect(unproven[0]!.message).toContain("One revision cannot show that: --base auto (or --base REV) compares with the previous one");
  });

  it("does not report an object that is new in this change (file absent at the base)", async () => {
    const report = await lintJson(["apps/new.yaml", "--base", "HEAD", ...FLUX], { cwd: repo });
    expect(of(report.findings, "strategy-flip-without-force")).toEqual([]);
    // Without the base, the same file gets the single-revision warning: the base is what proves it new.
    const single = await lintJson(["apps/new.yaml", ...FLUX], { cwd: repo });
    expect(of(single.findings, "strategy-flip-without-force")).toHaveLength(1);
  });

  it("accepts a flip that carries the force switch and the later removal of the switch, and suggests removing a switch left on", async () => {
    const report = await lintJson(["apps", "--base", "HEAD", ...FLUX], { cwd: repo });
    expect(of(report.findings, "strategy-flip-without-force").map((f) => [f.object?.name, f.severity])).toEqual([
      ["api", "error"],
      ["worker", "info"],
    ]);
    const leftOn = of(report.findings, "force-annotation-left-on");
    expect(leftOn.map((f) => [f.object?.name, f.severity, f.file])).toEqual([["db", "info", "apps/db.yaml"]]);
    expect(leftOn[0]!.message).toContain("remove it");
  });

  it("reads paths with spaces from the revision", async () => {
    const report = await lintJson(["odd dir/web ui.yaml", "--base", "HEAD", ...FLUX], { cwd: repo });
    expect(of(report.findings, "strategy-flip-without-force").map((f) => [f.object?.name, f.severity])).toEqual([["web", "error"]]);
  });

  it("reads files relative to the repository root when run from a subdirectory", async () => {
    const report = await lintJson(["api.yaml", "--base", "HEAD", ...FLUX], { cwd: path.join(repo, "apps") });
    expect(of(report.findings, "strategy-flip-without-force").map((f) => f.severity)).toEqual(["error"]);
  });

  it("works with an older revision too (HEAD after a commit of the change)", async () => {
    const clone = mkdtempSync(path.join(tmpdir(), "gitops-lint-base-clone-"));
    try {
      git(clone, "clone", "-q", repo, ".");
      writeFileSync(path.join(clone, "apps", "api.yaml"), deployment("api", { strategy: "Recreate" }));
      git(clone, "commit", "-q", "-am", "flip");
      const report = await lintJson(["apps/api.yaml", "--base", "HEAD~1", ...FLUX], { cwd: clone });
      expect(of(report.findings, "strategy-flip-without-force").map((f) => f.severity)).toEqual(["error"]);
      const none = await lintJson(["apps/api.yaml", "--base", "HEAD", ...FLUX], { cwd: clone });
      expect(of(none.findings, "strategy-flip-without-force").map((f) => f.severity)).toEqual(["info"]);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it("exits 2 with a clear message for an unknown revision", () => {
    const result = spawnCli(["apps/api.yaml", "--base", "no-such-branch"], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown revision "no-such-branch"');
    expect(result.stdout).toBe("");
  });

  it("exits 2 outside a git repository", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-nogit-"));
    try {
      writeFileSync(path.join(dir, "api.yaml"), deployment("api", { strategy: "Recreate" }));
      const result = await runCli(["api.yaml", "--base", "HEAD", ...FLUX], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("not inside a git repository");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lints stdin with --base alone as without a base, and says that stdin has no history", async () => {
    const stdin = deployment("api", { strategy: "Recreate" });
    const withBase = await lintJson(["-", "--base", "HEAD", ...FLUX], { cwd: repo, stdin });
    const without = await lintJson(["-", ...FLUX], { cwd: repo, stdin });
    const at = (f: JsonFinding): unknown[] => [f.ruleId, f.severity, f.file, f.line, f.column];
    expect(withBase.findings.filter((f) => f.ruleId !== "base-unavailable").map(at)).toEqual(without.findings.map(at));
    const notice = withBase.findings.filter((f) => f.ruleId === "base-unavailable");
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ severity: "warning", file: "<stdin>", line: 1, column: 1 });
    expect(notice[0]!.message).toContain("<stdin> has no git history: give its previous render with --base-file FILE");
  });
});

describe("--base-file for a render on stdin", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-base-file-"));
    writeFileSync(path.join(dir, "old.yaml"), `---\n# Source: app/templates/deployment.yaml\n${deployment("api")}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("compares stdin with the previous render: a flip is an error under Helm 4's server-side apply", async () => {
    const stdin = `---\n# Source: app/templates/deployment.yaml\n${deployment("api", { strategy: "Recreate" })}`;
    const report = await lintJson(["-", "--base-file", "old.yaml"], { cwd: dir, stdin });
    const findings = of(report.findings, "strategy-flip-without-force");
    expect(findings.map((f) => f.severity)).toEqual(["error"]);
    expect(findings[0]!.message).toContain("RollingUpdate (default) → Recreate under Helm 4 (server-side apply)");
    // Rendered by Helm: the Flux switch would be inert, so it is neither blamed nor offered as a fix.
    expect(findings[0]!.message).not.toContain("kustomize.toolkit.fluxcd.io/force");
    expect(findings[0]!.remediation).toContain("helm-controller ignores it");
    expect(findings[0]!.remediation).toContain("upgrades keep the apply method of the release's first install");
    expect(findings[0]!.remediation).not.toContain("for the commit that changes the strategy");
    // The same flip applied with Helm 3's client-side three-way merge is harmless: retainKeys clears the block.
    const helm3 = await lintJson(["-", "--base-file", "old.yaml", "--applier", "helm3"], { cwd: dir, stdin });
    expect(of(helm3.findings, "strategy-flip-without-force")).toEqual([]);
  });

  it("exits 2 when the base file cannot be read", async () => {
    const result = await runCli(["-", "--base-file", "missing.yaml"], { cwd: dir, stdin: deployment("api") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--base-file: cannot read missing.yaml");
  });
});

describe("--base-file with StatefulSets", () => {
  const sts = (name: string, updateStrategy: string): string =>
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\nspec:\n  serviceName: ${name}\n${updateStrategy}` +
    `  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: c}]}\n`;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-sts-"));
    writeFileSync(
      path.join(dir, "old.yaml"),
      [sts("defaulted", ""), sts("explicit", "  updateStrategy:\n    type: RollingUpdate\n"), sts("partitioned", "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {partition: 0}\n")].join("---\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is an error only when the live StatefulSet stores a rollingUpdate block (type left out, or a declared block)", async () => {
    const onDelete = "  updateStrategy:\n    type: OnDelete\n";
    const stdin = [sts("defaulted", onDelete), sts("explicit", onDelete), sts("partitioned", onDelete)].join("---\n");
    const report = await lintJson(["-", "--base-file", "old.yaml", ...FLUX], { cwd: dir, stdin });
    const found = of(report.findings, "strategy-flip-without-force");
    expect(found.map((f) => [f.object?.name, f.severity])).toEqual([
      ["defaulted", "error"],
      ["explicit", "warning"],
      ["partitioned", "error"],
    ]);
    expect(found[1]!.message).toContain("stored no rollingUpdate block");
  });
});
