import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { writeFluxMonorepo } from "../src/bench/flux-monorepo.js";
import { renderCacheDir } from "../src/cli/cache-dir.js";
import { lintJson, REPO } from "./support/cli.js";
import { ensureHelm, ensureKubectl } from "./support/helm.js";

// The render cache (src/render/render-cache.ts, render-call.ts): a run on the cache reports exactly what a run
// without it reports, runs no tool when nothing changed, and renders again what a change touches. Each test has
// a cache directory of its own, removed at the end.

vi.setConfig({ testTimeout: 120_000 });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `gitops-lint-${prefix}-`));
  dirs.push(dir);
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/**
 * helm and kubectl behind scripts that log each render (not the `version` a script is asked, see tool-identity.ts),
 * so a test sees which renders ran and which came from the cache. `version`, when given, is what they report.
 */
function countingTools(version?: string): { flags: string[]; calls: () => { helm: number; kustomize: number } } {
  const dir = tempDir("tools");
  const log = path.join(dir, "log");
  writeFileSync(log, "");
  for (const [name, real] of [["helm", ensureHelm()], ["kubectl", ensureKubectl()]] as const) {
    const reported = version === undefined ? `exec '${real}' "$@"` : `cat '${version}'; exit 0`;
    writeFileSync(path.join(dir, name), `#!/bin/sh\ncase "$1" in version) ${reported};; *) echo ${name} >> '${log}';; esac\nexec '${real}' "$@"\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  return {
    flags: ["--helm", path.join(dir, "helm"), "--kustomize", path.join(dir, "kubectl")],
    calls: () => {
      const lines = readFileSync(log, "utf8").split("\n");
      writeFileSync(log, "");
      return { helm: lines.filter((l) => l === "helm").length, kustomize: lines.filter((l) => l === "kubectl").length };
    },
  };
}

const GIT = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" };
const git = (dir: string, ...args: string[]): string => execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd: dir, encoding: "utf8", env: GIT }).trim();

describe("the render cache never changes a report", () => {
  // Charts (one failing, one with a dependency left out, one with a hook Helm skips), kustomize overlays, Flux
  // fleets with HelmReleases, post-build substitution and sources gitops-lint cannot follow.
  const inputs = [
    "test/fixtures/render",
    "fixtures/demo",
    "fixtures/render-failed",
    "fixtures/render-incomplete",
    "fixtures/not-rendered",
    "fixtures/postbuild-variable-unset",
    "fixtures/hook-annotation-invalid",
  ];

  it("reports the same with no cache, an empty one and a full one", async () => {
    const cache = tempDir("cache");
    const tools = countingTools();
    const without = await lintJson([...inputs, ...tools.flags, "--no-cache"], { cwd: REPO });
    const uncached = tools.calls();
    const cold = await lintJson([...inputs, ...tools.flags, "--cache-dir", cache], { cwd: REPO });
    expect(tools.calls()).toEqual(uncached);
    const warm = await lintJson([...inputs, ...tools.flags, "--cache-dir", cache], { cwd: REPO });
    expect(tools.calls()).toEqual({ helm: 0, kustomize: 0 });

    expect(uncached.helm).toBeGreaterThan(3);
    expect(uncached.kustomize).toBeGreaterThan(3);
    expect(without.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["render-failed", "render-incomplete", "not-rendered", "hook-annotation-invalid", "postbuild-variable-unset"]));
    expect(cold).toEqual(without);
    expect(warm).toEqual(without);
    // Written whole or not at all: no temporary file stays behind.
    expect(readdirSync(path.join(cache, "renders-v1")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("reports the same for a diff-aware run, whose base renders share the cache and the running renders", async () => {
    const repo = tempDir("repo");
    writeFluxMonorepo(repo, 3, 2);
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    const release = path.join(repo, "apps/releases/svc-01.yaml");
    writeFileSync(release, readFileSync(release, "utf8").replace("replicaCount: 3", "replicaCount: 5"));
    git(repo, "commit", "-q", "-am", "scale");
    const cache = tempDir("cache");
    const tools = countingTools();
    const args = [".", "--base", "HEAD~1", ...tools.flags];
    const without = await lintJson([...args, "--no-cache"], { cwd: repo });
    const uncached = tools.calls();
    const cold = await lintJson([...args, "--cache-dir", cache], { cwd: repo });
    // Two of the three charts render the same in the head and the base: each is rendered once.
    expect(tools.calls().helm).toBe(uncached.helm - 2);
    const warm = await lintJson([...args, "--cache-dir", cache], { cwd: repo });
    // The base's tree is extracted somewhere new each run: its builds are found all the same.
    expect(tools.calls()).toEqual({ helm: 0, kustomize: 0 });
    expect(cold).toEqual(without);
    expect(warm).toEqual(without);
  });
});

describe("what invalidates a cached render", () => {
  it("renders again exactly what a change touches: values, a template, a kustomize base, a HelmRelease", async () => {
    const dir = tempDir("invalidate");
    write(dir, {
      "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "chart/values.yaml": "extra: false\n",
      "chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: b\n",
      "chart/templates/extra.yaml": "{{- if .Values.extra }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n{{- end }}\n",
      "values.yaml": "extra: false\n",
      "overlay/base/kustomization.yaml": "resources: [cm.yaml]\n",
      "overlay/base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n",
      "overlay/prod/kustomization.yaml": "resources: [../base]\nnamePrefix: prod-\n",
    });
    const cache = tempDir("cache");
    const tools = countingTools();
    const lint = async (): Promise<{ objects: number; calls: { helm: number; kustomize: number } }> => {
      const report = await lintJson(["chart", "overlay/prod", "--values", "values.yaml", ...tools.flags, "--cache-dir", cache], { cwd: dir });
      return { objects: report.summary.objects, calls: tools.calls() };
    };

    expect(await lint()).toEqual({ objects: 2, calls: { helm: 1, kustomize: 1 } });
    expect(await lint()).toEqual({ objects: 2, calls: { helm: 0, kustomize: 0 } });
    writeFileSync(path.join(dir, "values.yaml"), "extra: true\n");
    expect(await lint()).toEqual({ objects: 3, calls: { helm: 1, kustomize: 0 } });
    writeFileSync(path.join(dir, "chart/templates/extra.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: extra\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: extra-2\n");
    expect(await lint()).toEqual({ objects: 4, calls: { helm: 1, kustomize: 0 } });
    // A file outside the overlay's directory, reached through ../base.
    writeFileSync(path.join(dir, "overlay/base/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base-2\n");
    expect(await lint()).toEqual({ objects: 5, calls: { helm: 0, kustomize: 1 } });
    // A file the base names that did not exist: the failed build is not served from the cache once it does.
    writeFileSync(path.join(dir, "overlay/base/kustomization.yaml"), "resources: [cm.yaml, later.yaml]\n");
    const failed = await lintJson(["overlay/prod", ...tools.flags, "--cache-dir", cache], { cwd: dir });
    expect(failed.findings.map((f) => f.ruleId)).toEqual(["render-failed"]);
    writeFileSync(path.join(dir, "overlay/base/later.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n");
    tools.calls();
    expect(await lint()).toEqual({ objects: 6, calls: { helm: 0, kustomize: 1 } });
  });

  it("renders a HelmRelease again when its values change, and nothing else of the Flux repository", async () => {
    const repo = tempDir("flux");
    writeFluxMonorepo(repo, 3, 2);
    git(repo, "init", "-q");
    const cache = tempDir("cache");
    const tools = countingTools();
    const lint = async (): Promise<{ objects: number; calls: { helm: number; kustomize: number } }> => {
      const report = await lintJson([".", ...tools.flags, "--cache-dir", cache], { cwd: repo });
      return { objects: report.summary.objects, calls: tools.calls() };
    };
    const first = await lint();
    expect(first.calls).toEqual({ helm: 3, kustomize: 8 }); // 4 kustomization directories built plainly, and 4 Flux Kustomizations
    expect(await lint()).toEqual({ ...first, calls: { helm: 0, kustomize: 0 } });
    const release = path.join(repo, "apps/releases/svc-01.yaml");
    writeFileSync(release, readFileSync(release, "utf8").replace("  values:\n", "  values:\n    serviceAccount:\n      create: false\n"));
    // The chart again, and the two builds that hold the HelmRelease (apps/releases plainly, and its Flux Kustomization).
    expect(await lint()).toEqual({ objects: first.objects - 1, calls: { helm: 1, kustomize: 2 } });
  });
});

describe("the tool a render runs", () => {
  it("counts by the version it reports when it is a script (a version manager's shim): another version renders again", async () => {
    const version = path.join(tempDir("version"), "VERSION");
    writeFileSync(version, "v4.1.4\n");
    const cache = tempDir("cache");
    const tools = countingTools(version);
    const args = ["test/fixtures/render/fleet/charts/platform", ...tools.flags, "--cache-dir", cache];
    const first = await lintJson(args, { cwd: REPO });
    expect(tools.calls().helm).toBe(1);
    await lintJson(args, { cwd: REPO });
    expect(tools.calls().helm).toBe(0);
    writeFileSync(version, "v3.19.0\n"); // the shim now runs another Helm; the script itself did not change
    expect(await lintJson(args, { cwd: REPO })).toEqual(first);
    expect(tools.calls().helm).toBe(1);
  });
});

describe("a cache entry that is not whole", () => {
  it("is a miss: the render runs again and the report is the same", async () => {
    const cache = tempDir("cache");
    const tools = countingTools();
    const args = ["test/fixtures/render/fleet", ...tools.flags, "--cache-dir", cache];
    const first = await lintJson(args, { cwd: REPO });
    const calls = tools.calls();
    const entries = path.join(cache, "renders-v1");
    const names = readdirSync(entries).filter((n) => !n.startsWith("."));
    expect(names.length).toBe(calls.helm + calls.kustomize);
    names.forEach((name, i) => {
      // Cut short, not JSON at all, or another key's entry moved here.
      const text = readFileSync(path.join(entries, name), "utf8");
      writeFileSync(path.join(entries, name), i % 3 === 0 ? text.slice(0, text.length / 2) : i % 3 === 1 ? "\u0000garbage" : text.replace(`"key":"${name}"`, `"key":"${"0".repeat(64)}"`));
    });
    expect(await lintJson(args, { cwd: REPO })).toEqual(first);
    expect(tools.calls()).toEqual(calls);
    expect(await lintJson(args, { cwd: REPO })).toEqual(first);
    expect(tools.calls()).toEqual({ helm: 0, kustomize: 0 });
  });
});

describe("where the cache is", () => {
  it("is --cache-dir, else $XDG_CACHE_HOME/gitops-lint, else the platform's user cache directory; --no-cache: none", () => {
    const env = { HOME: "/users/u" };
    expect(renderCacheDir({}, "/checkout", env, "linux")).toBe("/users/u/.cache/gitops-lint");
    expect(renderCacheDir({}, "/checkout", env, "darwin")).toBe("/users/u/Library/Caches/gitops-lint");
    expect(renderCacheDir({}, "/checkout", { LOCALAPPDATA: "/appdata" }, "win32")).toBe(path.join("/appdata", "gitops-lint"));
    expect(renderCacheDir({}, "/checkout", { ...env, XDG_CACHE_HOME: "/xdg" }, "darwin")).toBe("/xdg/gitops-lint");
    expect(renderCacheDir({ cacheDir: "ci-cache" }, "/checkout", env, "linux")).toBe("/checkout/ci-cache");
    expect(renderCacheDir({ cache: false, cacheDir: "ci-cache" }, "/checkout", env, "linux")).toBeUndefined();
    // No home directory in the environment: nothing is cached rather than written somewhere unexpected.
    expect(renderCacheDir({}, "/checkout", {}, "linux")).toBeUndefined();
  });

  it("writes nothing with --no-cache", async () => {
    const cache = path.join(tempDir("cache"), "never");
    await lintJson(["test/fixtures/render/fleet/charts/platform", "--no-cache", "--cache-dir", cache], { cwd: REPO });
    expect(existsSync(cache)).toBe(false);
  });
});
