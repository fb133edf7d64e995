import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lintJson, REPO } from "./support/cli.js";

// A file that a kustomization lists as a patch is merged into its targets at build time and never applied as
// it is: gitops-lint reads it (syntax errors still count) but lints none of its objects, however it is named.
const OVERLAY = "test/fixtures/kustomize-patches/overlays/prod";
const PATCH = `${OVERLAY}/patches/strategy.yaml`;
const PATCH_TEXT = readFileSync(path.join(REPO, PATCH), "utf8");
const PATCH_DIRECTIVE_LINE = PATCH_TEXT.split("\n").findIndex((line) => line.includes("$patch")) + 1;

describe("files a kustomization lists as patches", () => {
  it("are skipped when passed on their own, as a pre-commit hook does, with the kustomization one directory up", async () => {
    const report = await lintJson([PATCH]);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ objects: 0, files: 0, kustomizePatches: 1 });
  });

  it("are skipped when a directory walk below the kustomization reaches them", async () => {
    const report = await lintJson([`${OVERLAY}/patches`, `${OVERLAY}/deployment.yaml`]);
    expect(report.findings.filter((f) => f.file.startsWith(`${OVERLAY}/patches/`))).toEqual([]);
    expect(report.summary).toMatchObject({ objects: 1, files: 1, kustomizePatches: 2 });
  });
});

describe("the same patch content elsewhere", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "gitops-lint-patches-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string): string => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
    return file;
  };
  const directiveFindings = async (...args: string[]) =>
    (await lintJson(args, { cwd: dir })).findings.filter((f) => f.ruleId === "inline-patch-directive").map((f) => `${f.file}:${f.line}`);

  it("is a resource with a directive in it when no kustomization lists it", async () => {
    const file = write("app/strategy.yaml", PATCH_TEXT);
    expect(await directiveFindings(file)).toEqual([`${file}:${PATCH_DIRECTIVE_LINE}`]);
  });

  it("is a resource when the kustomization above lists another path (entries are relative to the kustomization)", async () => {
    write("app/kustomization.yaml", "resources: []\npatches:\n  - path: strategy.yaml\n");
    const file = write("app/nested/strategy.yaml", PATCH_TEXT);
    expect(await directiveFindings(file)).toEqual([`${file}:${PATCH_DIRECTIVE_LINE}`]);
  });

  it("is a patch when a kustomization several directories up lists it, but not across the top of a Git work tree", async () => {
    write("kustomization.yaml", "resources: []\npatches:\n  - path: repo/app/strategy.yaml\n");
    const file = write("repo/app/strategy.yaml", PATCH_TEXT);
    expect(await directiveFindings(file)).toEqual([]);
    mkdirSync(path.join(dir, "repo", ".git"));
    expect(await directiveFindings(file)).toEqual([`${file}:${PATCH_DIRECTIVE_LINE}`]);
  });

  it("is a patch when a kustomization the input names lists it from outside its own directory", async () => {
    write("apps/overlay/kustomization.yaml", "resources: []\npatchesStrategicMerge:\n  - ../patches/strategy.yaml\n");
    const file = write("apps/patches/strategy.yaml", PATCH_TEXT);
    expect(await directiveFindings(file)).toEqual([`${file}:${PATCH_DIRECTIVE_LINE}`]);
    expect(await directiveFindings("apps/overlay/kustomization.yaml", file)).toEqual([]);
    // The walk builds apps/overlay as a unit and reads apps/patches raw: the unit's kustomization counts too.
    expect(await directiveFindings("apps")).toEqual([]);
  });

  it("still has its syntax checked when it is a patch", async () => {
    write("app/kustomization.yaml", "resources: []\npatchesJson6902:\n  - path: replicas.yaml\n    target: {kind: Deployment, name: api}\n");
    const file = write("app/replicas.yaml", "- op: replace\n  path: /spec/replicas\n  value: {{ .Values.replicas }}\n");
    const report = await lintJson([file], { cwd: dir });
    expect(report.findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([["unrendered-template", file, 3]]);
    expect(report.summary.kustomizePatches).toBe(1);
  });
});
