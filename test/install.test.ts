import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unpackReleaseTree } from "../src/build/release-tree.js";
import { REPO, spawnCli } from "./support/cli.js";
import { ensureHelm } from "./support/helm.js";
import { helmPluginEnv, writeStrategyChart } from "./support/helm-plugin.js";

// What the README's Install section promises, from what a release is made of: `npm pack` of this checkout
// (--ignore-scripts: the build `npm test` just made; a rebuild would pull dist/ from under the other tests),
// installed into empty prefixes. npm's cache and user config live in the temporary directory, not the home
// directory; the package has no dependencies, so nothing is fetched.
const VERSION = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
const DEMO = ["fixtures/demo", "--base-file", "fixtures/demo-base/previous-release.yaml", "-f", "json"];

it("builds nothing on npm ci, so npm start after npm ci builds once (npm pack still builds: prepack)", () => {
  const scripts = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  // The lifecycle scripts npm ci and npm install run in the project (docs.npmjs.com, "npm ci"/"Life Cycle Operation Order").
  for (const hook of ["preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"]) expect(scripts[hook]).toBeUndefined();
  expect(scripts.start!.match(/npm run build/g)).toHaveLength(1);
  expect(scripts.prepack).toBe("npm run build");
});

describe("installing the package", () => {
  let tmp: string;
  let tarball: string;
  let npmEnv: NodeJS.ProcessEnv;
  const npm = (args: string[], cwd: string): string => execFileSync("npm", args, { cwd, env: npmEnv, encoding: "utf8" });
  const run = (bin: string, args: string[]): { code: number; stdout: string; stderr: string } => {
    const result = spawnSync(bin, args, { cwd: REPO, encoding: "utf8", env: { PATH: process.env.PATH } });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  /** `npm install --global` of `spec` into a new, empty prefix; then the installed gitops-lint must run the demo as the checkout does. */
  const installAndLint = (spec: string, prefixName: string): void => {
    const prefix = path.join(tmp, prefixName);
    npm(["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", spec], tmp);
    expect(existsSync(path.join(prefix, "lib", "node_modules", "gitops-lint", "node_modules"))).toBe(false);
    const bin = path.join(prefix, "bin", "gitops-lint");
    expect(run(bin, ["--version"]).stdout.trim()).toBe(VERSION);
    const installed = run(bin, DEMO);
    expect(installed.code).toBe(1);
    expect(installed.stdout).toBe(spawnCli(DEMO).stdout);
  };

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-install-"));
    writeFileSync(path.join(tmp, "npmrc"), "");
    npmEnv = { ...process.env, npm_config_cache: path.join(tmp, "npm-cache"), npm_config_userconfig: path.join(tmp, "npmrc"), npm_config_update_notifier: "false", npm_config_loglevel: "warn" };
    const packed = npm(["pack", "--ignore-scripts", "--pack-destination", tmp], REPO).trim().split("\n").at(-1)!;
    tarball = path.join(tmp, packed);
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("packs the bundle, the executable, the docs and the Action, Helm and pre-commit manifests: nothing to build, no dependency", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").sort();
    expect(files).toEqual(
      [".pre-commit-hooks.yaml", "README.md", "action.yml", "bin/gitops-lint.js", "bin/package.json", "dist/gitops-lint.cjs", "docs/architecture.md", "docs/gitops-lint.schema.json", "docs/mutation-testing.md", "docs/rules.md", "package.json", "plugin.yaml"].map((f) => `package/${f}`).sort(),
    );
    const pkg = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })) as Record<string, unknown>;
    expect(pkg.dependencies).toBeUndefined();
  });

  it("installs the tarball into an empty prefix, where gitops-lint runs and lints the demo as the checkout does", () => {
    installAndLint(tarball, "from-tarball");
  }, 120_000);

  it("installs a release tag from its git URL (npm install --global git+…#vX.Y.Z) without building", () => {
    const repo = path.join(tmp, "release-repo");
    mkdirSync(repo);
    unpackReleaseTree(tarball, repo);
    const git = (...args: string[]): string => execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], { cwd: repo, encoding: "utf8" });
    git("init", "-q");
    git("add", "--all", "--force", ".");
    git("commit", "-q", "-m", "release");
    git("tag", `v${VERSION}`);
    installAndLint(`git+file://${repo}#v${VERSION}`, "from-git");
  }, 180_000);

  it("installs the release tree as a Helm plugin (bundle only, no node_modules) that lints through real Helm v4", () => {
    const tree = path.join(tmp, "helm-plugin-source", "gitops-lint");
    mkdirSync(tree, { recursive: true });
    unpackReleaseTree(tarball, tree);
    expect(readdirSync(tree)).not.toContain("node_modules");
    const home = path.join(tmp, "helm-home");
    writeStrategyChart(path.join(home, "chart"));
    const env = helmPluginEnv(home);
    expect(execFileSync(ensureHelm(), ["plugin", "install", tree], { env, encoding: "utf8" })).toContain("Installed plugin: gitops-lint");
    const linted = spawnSync(ensureHelm(), ["gitops-lint", "chart", "--set", "recreate=true"], { cwd: home, env, encoding: "utf8" });
    expect(linted.status).toBe(0);
    expect(linted.stdout).toMatch(/^chart\/templates\/deployment\.yaml:10:5 {2}info {2}.*strategy-flip-without-force$/m);
  }, 180_000);
});
