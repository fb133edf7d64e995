import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { lintJson } from "./support/cli.js";

// A kustomize overlay that switches a base Deployment to Recreate keeps the base's rollingUpdate block in the
// build output (strategic merge, no retainKeys): checked on real `kubectl kustomize` output.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "gitops-lint-kustomize-strategy-"));
  mkdirSync(path.join(dir, "base"));
  mkdirSync(path.join(dir, "overlay"));
  writeFileSync(
    path.join(dir, "base", "deployment.yaml"),
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n" +
      "  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api}]}\n",
  );
  writeFileSync(path.join(dir, "base", "kustomization.yaml"), "resources: [deployment.yaml]\n");
  writeFileSync(path.join(dir, "overlay", "recreate.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  strategy:\n    type: Recreate\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const build = (kustomization: string): string => {
  writeFileSync(path.join(dir, "overlay", "kustomization.yaml"), kustomization);
  return execFileSync("kubectl", ["kustomize", path.join(dir, "overlay")], { encoding: "utf8" });
};

it("reports the rollingUpdate block a strategic-merge overlay leaves next to Recreate", async () => {
  const report = await lintJson(["-"], { stdin: build("resources: [../base]\npatches:\n  - path: recreate.yaml\n") });
  const found = report.findings.filter((f) => f.ruleId === "recreate-with-rolling-update");
  expect(found.map((f) => [f.severity, f.object?.name])).toEqual([["error", "api"]]);
  expect(found[0]!.message).toContain("maxSurge, maxUnavailable");
});

it("is silent once the overlay also removes the block", async () => {
  const removal = "  - target: {kind: Deployment, name: api}\n    patch: |-\n      - op: remove\n        path: /spec/strategy/rollingUpdate\n";
  const report = await lintJson(["-", "--applier", "flux-kustomize"], { stdin: build(`resources: [../base]\npatches:\n  - path: recreate.yaml\n${removal}`) });
  expect(report.findings.filter((f) => f.ruleId === "recreate-with-rolling-update")).toEqual([]);
  // The live object still has the block: under server-side apply the flip itself is the other rule's business.
  expect(report.findings.filter((f) => f.ruleId === "strategy-flip-without-force")).toHaveLength(1);
});
