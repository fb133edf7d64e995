import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartDirsOf } from "../src/cli/charts-of-changed-files.js";
import { REPO } from "./support/cli.js";

// The real pre-commit (Debian package `pre-commit`; .ci/run installs it) installs this repository as a
// `language: node` hook (npm install, npm pack — which runs the `prepack` build — npm install -g) and runs
// it on a fixture repository. Its environments are cached outside the repository.
const PRE_COMMIT = spawnSync("sh", ["-c", "command -v pre-commit"], { encoding: "utf8" }).stdout.trim();
const PRE_COMMIT_HOME = path.join(REPO, "node_modules", ".cache", "gitops-lint", "pre-commit");
// CI (.ci/run) installs pre-commit, so there a missing one is a failure, not a skip.
if (!PRE_COMMIT && process.env.CI) throw new Error("pre-commit is not installed, and CI is set: .ci/run should have installed it (apt-get install -y pre-commit)");
if (!PRE_COMMIT) console.warn("SKIPPED test/pre-commit.test.ts: pre-commit is not installed (apt-get install -y pre-commit; .ci/run installs it)");

describe.skipIf(!PRE_COMMIT)("pre-commit hook (try-repo)", () => {
  let work: string;
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: work, encoding: "utf8" });
  let hookRepo: string;
  let hookRev: string;
  const tryRepo = (hook: string): { code: number; output: string } => {
    const result = spawnSync(PRE_COMMIT, ["try-repo", hookRepo, hook, "--ref", hookRev, "--verbose"], {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, PRE_COMMIT_HOME, PRE_COMMIT_COLOR: "never", NO_COLOR: "1" },
    });
    return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  };

  beforeAll(() => {
    // The hook repository: this checkout's files (committed or not, ignored ones left out) as one commit
    // with fixed dates, so the same content has the same revision and pre-commit reuses its environment.
    hookRepo = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-hook-repo-"));
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of files) if (existsSync(path.join(REPO, file))) cpSync(path.join(REPO, file), path.join(hookRepo, file), { recursive: true });
    const fixed = { GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z" };
    const inHookRepo = (...args: string[]): string =>
      execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], { cwd: hookRepo, encoding: "utf8", env: { ...process.env, ...fixed } });
    inHookRepo("init", "-q");
    inHookRepo("add", "-A");
    inHookRepo("commit", "-q", "-m", "snapshot");
    hookRev = inHookRepo("rev-parse", "HEAD").trim();

    work = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-pre-commit-"));
    cpSync(path.join(REPO, "test", "pre-commit-repo"), work, { recursive: true });
    git("init", "-q");
    git("add", "-A");
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(hookRepo, { recursive: true, force: true });
  });

  it("fails the commit on a bad manifest, and skips chart templates", () => {
    const { code, output } = tryRepo("gitops-lint");
    expect(output).toMatch(/gitops-lint \(manifests\)\.+Failed/);
    expect(code).toBe(1);
    expect(output).toContain("clusters/app/configmap.yaml:7:3");
    expect(output).toContain("invalid-input");
    expect(output).not.toContain("unrendered-template"); // charts/demo/templates is not linted raw
    expect(output).not.toContain(work);
  }, 600_000);

  it("as an installed git hook, blocks the commit until the manifest is fixed", () => {
    // `pre-commit run`/the git hook keep environments in PRE_COMMIT_HOME (try-repo uses a throwaway store).
    writeFileSync(
      path.join(work, ".pre-commit-config.yaml"),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${hookRev}\n    hooks:\n      - id: gitops-lint\n`,
    );
    const env = { ...process.env, PRE_COMMIT_HOME, PRE_COMMIT_COLOR: "never", NO_COLOR: "1" };
    execFileSync(PRE_COMMIT, ["install"], { cwd: work, env, encoding: "utf8" });
    git("add", "-A");
    const commit = (): { code: number; output: string } => {
      const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "change"], { cwd: work, env, encoding: "utf8" });
      return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
    };
    const blocked = commit();
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain("clusters/app/configmap.yaml:7:3");
    expect(spawnSync("git", ["rev-parse", "--verify", "HEAD"], { cwd: work }).status).not.toBe(0); // nothing committed

    const file = path.join(work, "clusters", "app", "configmap.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("  mode: fast\n", ""));
    git("add", "-A");
    const accepted = commit();
    expect(accepted.output).toMatch(/gitops-lint \(manifests\)\.+Passed/);
    expect(accepted.code).toBe(0);
  }, 600_000);
});

describe("--charts-from-files (the gitops-lint-chart hook)", () => {
  it("turns changed files into the outermost chart directories that hold them", () => {
    const files = [
      "test/charts/webapp/templates/deployment.yaml",
      "test/charts/webapp/charts/cache-chart/templates/statefulset.yaml",
      "test/charts/webapp/values.yaml",
      "test/pre-commit-repo/charts/demo/Chart.yaml",
      "test/pre-commit-repo/clusters/app/configmap.yaml",
      "README.md",
    ];
    expect(chartDirsOf(files, REPO)).toEqual(["test/charts/webapp", "test/pre-commit-repo/charts/demo"]);
    expect(chartDirsOf(["templates/deployment.yaml"], path.join(REPO, "test", "charts", "webapp"))).toEqual(["."]);
  });
});
