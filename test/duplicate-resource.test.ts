import { describe, expect, it } from "vitest";
import { lintJson, type JsonFinding } from "./support/cli.js";

const DIR = "fixtures/duplicate-resource";
const at = (f: JsonFinding): string => `${f.ruleId} ${f.object?.kind}/${f.object?.name} ${f.file}:${f.line}:${f.column} ${f.severity}`;
const of = (findings: JsonFinding[], id = "duplicate-resource"): JsonFinding[] => findings.filter((f) => f.ruleId === id);

describe("duplicate-resource: what each applier does with a second copy", () => {
  it("fails helm-controller's post-renderer, a hook and a template too under postRenderStrategy: combined", async () => {
    const findings = of((await lintJson([`${DIR}/flux-helmrelease/helmrelease.yaml`, `${DIR}/flux-helmrelease/rendered.yaml`])).findings);
    expect(findings.map(at)).toEqual([
      `duplicate-resource ConfigMap/shop-settings ${DIR}/flux-helmrelease/rendered.yaml:15:3 error`,
      `duplicate-resource ServiceAccount/shop ${DIR}/flux-helmrelease/rendered.yaml:30:3 error`,
    ]);
    expect(findings[0]!.message).toBe(
      `ConfigMap "shop-settings" is also rendered from shop/templates/configmap.yaml in the same Helm release (chart "shop" in ${DIR}/flux-helmrelease/rendered.yaml); ` +
        'Flux helm-controller\'s post-renderer fails: "error while running post render on files: may not add resource with an already registered id: ConfigMap.v1.[noGrp]/shop-settings.[noNs]"; render it once',
    );
    expect(findings[0]!.target).toMatchObject({ kind: "ConfigMap", name: "shop-settings" });
    expect(findings[1]!.message).toContain("(a hook and a regular template meet in one stream under postRenderStrategy: combined)");
    expect(findings[1]!.remediation).toContain("HelmRelease apps/shop (chart of the rendered output)");
  });

  it("lets a hook share a template's identity under postRenderStrategy: separate", async () => {
    const findings = of((await lintJson([`${DIR}/flux-helmrelease-separate/helmrelease.yaml`, `${DIR}/flux-helmrelease-separate/rendered.yaml`])).findings);
    expect(findings.map(at)).toEqual([`duplicate-resource ConfigMap/shop-settings ${DIR}/flux-helmrelease-separate/rendered.yaml:15:3 error`]);
  });

  it("leaves a Flux Kustomization's duplicates to kustomize, which refuses the build as kustomize-controller does", async () => {
    // No namespace and "default" are one namespace to kustomize: the real build fails, and that is the finding.
    const k = "fixtures/render-failed/duplicate-resource-id";
    const report = await lintJson([`${k}/flux-ks.yaml`, `${k}/a-settings.yaml`, `${k}/b-settings.yaml`]);
    expect(of(report.findings)).toEqual([]);
    const failed = report.findings.filter((f) => f.ruleId === "render-failed");
    expect(failed.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity}`)).toEqual([`${k}/flux-ks.yaml:11:3 error`]);
    expect(failed[0]!.message).toContain("may not add resource with an already registered id: ConfigMap.v1.[noGrp]/settings.default");
  });

  it("warns under Helm 4 only when the copies differ, and errs under Helm 3's client-side install", async () => {
    const helm4 = of((await lintJson([`${DIR}/helm4-cli.yaml`])).findings);
    expect(helm4.map(at)).toEqual([`duplicate-resource ConfigMap/api-config ${DIR}/helm4-cli.yaml:16:3 warning`]);
    expect(helm4[0]!.message).toContain("Helm 4 (server-side apply) applies both and the last one silently wins");

    const helm3 = of((await lintJson([`${DIR}/helm3-install.yaml`, "--applier", "helm3"])).findings);
    expect(helm3.map(at)).toEqual([`duplicate-resource Service/api ${DIR}/helm3-install.yaml:16:3 error`]);
    expect(helm3[0]!.message).toContain('Helm 3 (client-side apply) fails the install on the second copy: "services "api" already exists"');
    // the same file under Helm 4: identical copies, no finding
    expect(of((await lintJson([`${DIR}/helm3-install.yaml`])).findings)).toEqual([]);
  });
});

describe("invalid-input: a duplicate key under Flux", () => {
  const rendered = (chart: string): string => `---\n# Source: ${chart}/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${chart}\ndata:\n  a: "1"\n  a: "2"\n`;

  it("says that helm-controller's post-renderer rejects it, for output of a HelmRelease's chart", async () => {
    const { findings } = await lintJson(["-", `${DIR}/flux-helmrelease/helmrelease.yaml`], { stdin: rendered("shop") });
    const found = of(findings, "invalid-input");
    expect(found.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity}`)).toEqual(["<stdin>:9:3 error"]);
    expect(found[0]!.message).toBe(
      'ConfigMap "shop": duplicate key "a": Flux helm-controller\'s post-renderer, which every HelmRelease runs, fails the release on it ("mapping key "a" already defined"); remove one (the last one is linted)',
    );
  });

  it("keeps the general message for other appliers", async () => {
    const found = of((await lintJson(["-"], { stdin: rendered("api") })).findings, "invalid-input");
    expect(found[0]!.message).toBe('ConfigMap "api": duplicate key "a" is rejected by strict field validation, and tools disagree on which copy wins; remove one (the last one is linted)');
  });

  it("says that kustomize-controller's build rejects it, for a Kustomization's file", async () => {
    const found = of((await lintJson(["-", "--applier", "flux-kustomize"], { stdin: rendered("api") })).findings, "invalid-input");
    expect(found[0]!.message).toContain("Flux kustomize-controller's kustomize build fails the whole Kustomization on it");
  });
});
