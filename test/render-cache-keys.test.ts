import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Fingerprints } from "../src/render/fingerprint.js";
import { kustomizeInputs } from "../src/render/kustomize-inputs.js";

// What a render cache key covers (src/render/fingerprint.ts, kustomize-inputs.ts): a change to anything the tool
// reads changes the key material; what it does not read does not; what cannot be fingerprinted is never cached.

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-keys-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A fresh run's view: every test step is a new run, as the next lint is. */
const inputs = (root: string): string[] | undefined => kustomizeInputs(root, new Fingerprints((p) => p), (p) => p);
const treeHash = (dir: string): string | undefined => new Fingerprints((p) => p).tree(dir);

describe("a kustomize build's inputs", () => {
  it("cover the files of bases, patches and generators it names, wherever they are", () => {
    const dir = tree({
      "common/cm.yaml": "kind: ConfigMap\n",
      "app/base/kustomization.yaml": "resources: [deploy.yaml, ../../common/cm.yaml]\n",
      "app/base/deploy.yaml": "kind: Deployment\n",
      "app/prod/kustomization.yaml": "resources: [../base]\npatches:\n  - path: patch.yaml\nconfigMapGenerator:\n  - name: c\n    files: [app.conf=conf/app.conf]\n    envs: [.env]\n",
      "app/prod/patch.yaml": "kind: Deployment\n",
      "app/prod/conf/app.conf": "a=1\n",
      "app/prod/.env": "B=2\n",
      "app/prod/unused.yaml": "kind: Secret\n",
    });
    const root = path.join(dir, "app/prod");
    const before = inputs(root);
    expect(before).toBeDefined();
    for (const [file, text] of [["common/cm.yaml", "kind: Secret\n"], ["app/base/deploy.yaml", "kind: StatefulSet\n"], ["app/prod/patch.yaml", "x: 1\n"], ["app/prod/conf/app.conf", "a=2\n"], ["app/prod/.env", "B=3\n"], ["app/base/kustomization.yaml", "resources: [deploy.yaml]\n"]] as const) {
      const current = inputs(root);
      writeFileSync(path.join(dir, file), text);
      expect(inputs(root), file).not.toEqual(current);
    }
    // Not named by any kustomization: kustomize never reads it.
    const current = inputs(root);
    writeFileSync(path.join(dir, "app/prod/unused.yaml"), "kind: ConfigMap\n");
    expect(inputs(root)).toEqual(current);
  });

  it("change when a file a kustomization names appears, or a second kustomization file does", () => {
    const dir = tree({ "kustomization.yaml": "resources: [cm.yaml]\npatches:\n  - path: later.yaml\n", "cm.yaml": "kind: ConfigMap\n" });
    const before = inputs(dir);
    writeFileSync(path.join(dir, "later.yaml"), "kind: ConfigMap\n");
    const after = inputs(dir);
    expect(after).not.toEqual(before);
    writeFileSync(path.join(dir, "kustomization.yml"), "resources: []\n");
    expect(inputs(dir)).not.toEqual(after); // kustomize refuses a directory with two
  });

  it("follow a base reached through a link to where it really is", () => {
    const dir = tree({ "real/base/kustomization.yaml": "resources: [../common/cm.yaml]\n", "real/common/cm.yaml": "kind: ConfigMap\n", "mirror/app/kustomization.yaml": "resources: [../base]\n" });
    symlinkSync(path.join(dir, "real/base"), path.join(dir, "mirror/base"));
    const before = inputs(path.join(dir, "mirror/app"));
    writeFileSync(path.join(dir, "real/common/cm.yaml"), "kind: Secret\n");
    expect(inputs(path.join(dir, "mirror/app"))).not.toEqual(before);
  });

  it("are none (never cached) for a remote base, a missing resource or Helm charts", () => {
    expect(inputs(tree({ "kustomization.yaml": "resources:\n  - https://github.com/example/repo//deploy?ref=v1.0.0\n" }))).toBeUndefined();
    expect(inputs(tree({ "kustomization.yaml": "resources:\n  - github.com/example/repo/deploy?ref=main\n" }))).toBeUndefined();
    expect(inputs(tree({ "kustomization.yaml": "components: [missing]\n" }))).toBeUndefined();
    expect(inputs(tree({ "kustomization.yaml": "helmCharts:\n  - name: podinfo\n    repo: https://stefanprodan.github.io/podinfo\n" }))).toBeUndefined();
    expect(inputs(tree({ "base/kustomization.yaml": "resources: [https://example.com/x.yaml]\n", "kustomization.yaml": "resources: [base]\n" }))).toBeUndefined();
  });

  it("read the files a generator's configuration names", () => {
    const dir = tree({ "kustomization.yaml": "generators: [gen.yaml]\n", "gen.yaml": "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: x\nfiles: [data.txt]\n", "data.txt": "1\n" });
    const before = inputs(dir);
    writeFileSync(path.join(dir, "data.txt"), "2\n");
    expect(inputs(dir)).not.toEqual(before);
  });
});

describe("a chart's fingerprint", () => {
  it("covers every file below it, dependencies in charts/ and files reached through links, but not .git", () => {
    const dir = tree({ "chart/Chart.yaml": "name: c\n", "chart/templates/cm.yaml": "kind: ConfigMap\n", "chart/charts/dep/values.yaml": "a: 1\n", "chart/.helmignore": "*.tmp\n", "chart/.git/HEAD": "ref\n", "elsewhere/_helpers.tpl": "{{ define \"x\" }}{{ end }}\n" });
    const chart = path.join(dir, "chart");
    symlinkSync(path.join(dir, "elsewhere/_helpers.tpl"), path.join(chart, "templates/_helpers.tpl"));
    const changes: Array<[string, string]> = [["chart/templates/cm.yaml", "kind: Secret\n"], ["chart/charts/dep/values.yaml", "a: 2\n"], ["chart/.helmignore", "\n"], ["elsewhere/_helpers.tpl", "{{ define \"y\" }}{{ end }}\n"], ["chart/templates/new.yaml", "kind: Pod\n"]];
    for (const [file, text] of changes) {
      const current = treeHash(chart);
      writeFileSync(path.join(dir, file), text);
      expect(treeHash(chart), file).not.toEqual(current);
    }
    const current = treeHash(chart);
    writeFileSync(path.join(dir, "chart/.git/HEAD"), "other\n");
    expect(treeHash(chart)).toEqual(current);
  });

  it("does not depend on where the chart is", () => {
    const files = { "Chart.yaml": "name: c\n", "templates/cm.yaml": "kind: ConfigMap\n" };
    expect(treeHash(tree(files))).toEqual(treeHash(tree(files)));
  });
});
