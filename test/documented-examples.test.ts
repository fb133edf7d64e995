import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { catalogue } from "../rules/index.js";
import { lintJson } from "./support/cli.js";

// The documented examples are what users copy (docs/rules.md, `gitops-lint explain`, SARIF help), as ESLint's
// and actionlint's are tested: every rule's and notice's "Fires on" fires exactly its own id, and "Fixed" is
// clean for every rule, unused suppressions included. Each is linted as the docs show it: from stdin, with the
// options and in a repository holding the files its metadata names.

/** Other ids an example shows on purpose, and why. */
const ALSO_FIRES: Record<string, { bad: string[]; good: string[]; why: string }> = {
  "invalid-suppression": {
    bad: ["strategy-flip-without-force"],
    good: [],
    why: "the malformed directive suppresses nothing, so the finding it was written for is reported too: what the notice warns about",
  },
  "reloader-ignores-creation": {
    bad: ["not-rendered"],
    good: ["not-rendered"],
    why: "the HelmRelease installs Reloader's chart from a Helm repository, which no example holds: the info says its objects were not linted",
  },
};

/** Examples that are not manifests, and why. */
const NOT_LINTABLE: Record<string, string> = {
  "render-incomplete": "its examples describe a chart before and after `helm dependency build`, which vendors a chart archive, not text",
};

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" };
const root = mkdtempSync(path.join(tmpdir(), "gitops-lint-examples-"));
// dozens of small Git repositories: removing them can outlast the default 10 s hook timeout on a busy machine
afterAll(() => rmSync(root, { recursive: true, force: true }), 60_000);

/** A repository holding an example's files, committed (`--base HEAD` reads them from there). */
function repository(name: string, files: Record<string, string> = {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const git = (...args: string[]): void => void execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd: dir, env: GIT_ENV, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", "example");
  return dir;
}

/** The ids of the findings that count (not suppressed). */
async function firing(dir: string, yaml: string, args: string[]): Promise<string[]> {
  const report = await lintJson([...args, "-"], { cwd: dir, stdin: yaml });
  return [...new Set(report.findings.filter((f) => !f.suppressed).map((f) => f.ruleId))].sort();
}

const checked = catalogue.filter((entry) => !(entry.meta.id in NOT_LINTABLE));

it("checks every rule's and notice's examples but the ones that are not manifests", () => {
  expect(checked.length + Object.keys(NOT_LINTABLE).length).toBe(catalogue.length);
  expect(checked.length).toBeGreaterThanOrEqual(31);
});

describe.each(checked.map((entry) => [entry.meta.id, entry.meta.example] as const))("%s documented example", (id, example) => {
  const also = ALSO_FIRES[id];

  it("Fires on: fires exactly this rule", async () => {
    const dir = repository(`${id}-bad`, example.files?.bad);
    expect(await firing(dir, example.bad, example.args?.bad ?? [])).toEqual([id, ...(also?.bad ?? [])].sort());
  });

  it("Fixed: is clean for every rule, and every suppression in it is used", async () => {
    const dir = repository(`${id}-good`, example.files?.good);
    const args = example.args?.good ?? [];
    expect(await firing(dir, example.good, [...args, ...(args.includes("--report-unused-suppressions") ? [] : ["--report-unused-suppressions"])])).toEqual(also?.good ?? []);
  });
});
